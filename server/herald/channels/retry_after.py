"""The Retry-After header (RFC 9110 section 10.2.3), as the channel adapters read it.

Its value is delta-seconds or an HTTP date. Any date form the standard library parses is
taken, whatever its zone: a date without one, or in "-0000", is read as UTC (which is what
an HTTP date is) rather than left naive. A value that is neither is no hint at all, never
an exception: a peer's header must not crash an adapter.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# ASCII digits only: str.isdigit() and float() take "²", "٣" or "1_0", and float() "nan".
_SECONDS = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait (0 for a past date or negative seconds), or None for no hint.

    `now` (aware) is when the answer came; the current time by default.
    """
    if not value:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return max(0.0, float(value))
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, seconds)
