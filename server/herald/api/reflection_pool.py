"""The descriptor pool reflection answers from, with method symbols resolved.

protobuf's upb pool cannot find the file of a method symbol
("herald.v1.DeliveryService.SendMessage"), so `grpcurl describe` of a method
would fail; a method lives in its service's file, so look that up instead.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pool


class MethodAwarePool:
    def __init__(self, pool: Any = None) -> None:
        self._pool = pool or descriptor_pool.Default()

    def FindFileContainingSymbol(self, symbol: str) -> Any:
        try:
            return self._pool.FindFileContainingSymbol(symbol)
        except KeyError:
            service, _, method = symbol.rpartition(".")
            if service:
                try:
                    found = self._pool.FindServiceByName(service)
                except KeyError:
                    found = None
                if found is not None and method in found.methods_by_name:
                    return found.file
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)
