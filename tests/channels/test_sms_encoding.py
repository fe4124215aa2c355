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
