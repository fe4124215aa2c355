"""The caller of the RPC being served, as the auth interceptor established it.

Handlers and the layers below read it with `current()`; nothing passes it down
explicitly. A caller bound to a brand sees and sends only within that brand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Caller:
    # Stable and loggable: "jwt:<sub>", "apikey:<key id>", "cert:<subject>", "anonymous".
    subject: str
    scopes: frozenset[str] = frozenset()
    brand_id: str = ""  # "" = not bound to a brand (sees the default brand "")
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has(self, scope: str) -> bool:
        return scope in self.scopes


ANONYMOUS = Caller("anonymous")
_current: ContextVar[Caller] = ContextVar("herald_caller", default=ANONYMOUS)


def current() -> Caller:
    return _current.get()


@contextmanager
def acting_as(caller: Caller) -> Iterator[Caller]:
    """Make `caller` the current caller for the duration (the interceptor, tests)."""
    token = _current.set(caller)
    try:
        yield caller
    finally:
        _current.reset(token)
