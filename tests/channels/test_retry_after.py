"""The Retry-After parser the channel adapters share."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from herald.channels.retry_after import parse_retry_after

NOW = datetime(2037, 10, 21, 7, 27, 0, tzinfo=UTC)  # 60 s before the dates below


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-5", 0.0),
        # IMF-fixdate and every zone form of an RFC 2822 date
        ("Wed, 21 Oct 2037 07:28:00 GMT", 60.0),
        ("Wed, 21 Oct 2037 07:28:00 UTC", 60.0),
        ("Wed, 21 Oct 2037 07:28:00 +0000", 60.0),
        ("Wed, 21 Oct 2037 07:28:00 -0000", 60.0),  # parsed naive: read as UTC
        ("Wed, 21 Oct 2037 07:28:00", 60.0),  # no zone: read as UTC
        ("Wed, 21 Oct 2037 09:28:00 +0200", 60.0),
        ("Wed, 21 Oct 2037 02:28:00 EST", 60.0),
        # the obsolete forms RFC 9110 still asks recipients to read
        ("Wednesday, 21-Oct-37 07:28:00 GMT", 60.0),
        ("Wed Oct 21 07:28:00 2037", 60.0),
        # a date already past
        ("Wed, 21 Oct 2037 07:00:00 GMT", 0.0),
        ("Thu, 01 Jan 1970 00:00:00 -0000", 0.0),
    ],
)
def test_seconds_and_dates(value: str, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "²",  # str.isdigit() says yes
        "٣",  # an Arabic-Indic digit: float() takes it
        "1_0",  # float() takes it
        "nan",
        "inf",
        "0x10",
        "soon",
        "Wed, 32 Oct 2037 07:28:00 GMT",
        "Wed, 21 Oct 99999 07:28:00 GMT",
        "Wed, 21 Oct 2037 07:28:00 +9999",
        "Wed, 21 Oct 2037",
    ],
)
def test_anything_else_is_no_hint(value: str | None) -> None:
    assert parse_retry_after(value, NOW) is None


def test_the_current_time_by_default() -> None:
    seconds = parse_retry_after("Wed, 21 Oct 2037 07:28:00 -0000")
    assert seconds is not None and seconds > 0
