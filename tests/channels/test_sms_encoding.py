"""GSM-7 / UCS-2 detection and segment counting (pure function, reused elsewhere)."""

from __future__ import annotations

import pytest
from herald.channels.sms_encoding import GSM7, UCS2, count_segments, is_gsm7


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "units"),
    [
        ("", GSM7, 0, 0),
        ("Hello", GSM7, 1, 5),
        ("a" * 160, GSM7, 1, 160),
        ("a" * 161, GSM7, 2, 161),
        ("a" * 306, GSM7, 2, 306),
        ("a" * 307, GSM7, 3, 307),
        # extension table characters take two septets
        ("€" * 80, GSM7, 1, 160),
        ("€" * 81, GSM7, 2, 162),
        ("{}[]~^|\\", GSM7, 1, 16),
        # an escape sequence is never split across segments: 306 septets but 3 segments
        ("a" * 152 + "€" + "a" * 152, GSM7, 3, 306),
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà", GSM7, 1, 41),
        # one character outside GSM-7 makes the whole body UCS-2
        ("Hello ç", UCS2, 1, 7),
        ("ж" * 70, UCS2, 1, 70),
        ("ж" * 71, UCS2, 2, 71),
        ("ж" * 134, UCS2, 2, 134),
        ("ж" * 135, UCS2, 3, 135),
        # astral characters are two UTF-16 code units, and a pair is never split
        ("👋" * 35, UCS2, 1, 70),
        ("👋" * 36, UCS2, 2, 72),
        ("ж" * 66 + "👋" + "ж" * 66, UCS2, 3, 134),
    ],
)
def test_count_segments(text: str, encoding: str, segments: int, units: int) -> None:
    result = count_segments(text)
    assert (result.encoding, result.segments, result.units) == (encoding, segments, units)


def test_is_gsm7() -> None:
    assert is_gsm7("Price: 5€ {ok}\n")
    assert not is_gsm7("naïve")  # ï is not in the GSM 03.38 table
    assert not is_gsm7("`")


def _reference(text: str) -> tuple[str, int, int]:
    """The definition, one character at a time (what the fast paths must agree with)."""
    from herald.channels.sms_encoding import (  # noqa: PLC0415
        GSM7_BASIC,
        GSM7_EXTENSION,
        GSM7_MULTI,
        GSM7_SINGLE,
        UCS2_MULTI,
        UCS2_SINGLE,
    )

    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        encoding, single, multi = GSM7, GSM7_SINGLE, GSM7_MULTI
        widths = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    else:
        encoding, single, multi = UCS2, UCS2_SINGLE, UCS2_MULTI
        widths = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    total = sum(widths)
    if total == 0:
        return encoding, 0, 0
    if total <= single:
        return encoding, 1, total
    segments, used = 1, 0
    for width in widths:
        if used + width > multi:
            segments, used = segments + 1, 0
        used += width
    return encoding, segments, total


def test_count_segments_agrees_with_the_per_character_definition() -> None:
    import random  # noqa: PLC0415

    rng = random.Random(20261125)
    alphabets = ["abc XYZ 019.,", "abc€{}[]~^|\\\f", "abcжç", "ж👋", "a👋€", "\n\r@£"]
    for _ in range(3000):
        alphabet = rng.choice(alphabets) + rng.choice(alphabets)
        text = "".join(
            rng.choice(alphabet)
            for _ in range(rng.choice([0, 1, 69, 70, 71, 135, 160, 161, 320, rng.randrange(500)]))
        )
        result = count_segments(text)
        assert (result.encoding, result.segments, result.units) == _reference(text), text
