"""SMS encoding and segment counting (GSM 03.38 / 3GPP TS 23.038).

A body is sent as GSM-7 when every character is in the GSM 7-bit default
alphabet or its extension table, otherwise as UCS-2 (UTF-16 code units).
Characters of the extension table (``^{}\\[~]|€`` and form feed) take two
septets (an escape plus the character). A single-segment message holds 160
septets (GSM-7) or 70 code units (UCS-2); once concatenated, the user-data
header leaves 153 septets or 67 code units per segment. An escape sequence
(GSM-7) or a surrogate pair (UCS-2) is never split across two segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

# One regex pass instead of a Python-level loop per character (the loop was most of
# the SMS adapter's own CPU cost per message): anything outside the GSM-7 tables, the
# extension-table characters (two septets each), and astral characters (two UTF-16
# code units each). Only a body with two-unit characters needs the packing loop.
_NOT_GSM7 = re.compile("[^" + re.escape("".join(sorted(GSM7_BASIC | GSM7_EXTENSION))) + "]")
_GSM7_DOUBLE = re.compile("[" + re.escape("".join(sorted(GSM7_EXTENSION))) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class SmsSegments:
    encoding: str  # GSM7 or UCS2
    segments: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)


def is_gsm7(text: str) -> bool:
    return _NOT_GSM7.search(text) is None


def _pack(widths: list[int], single: int, multi: int) -> int:
    total = sum(widths)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for width in widths:
        if used + width > multi:
            segments += 1
            used = 0
        used += width
    return segments


def count_segments(text: str) -> SmsSegments:
    """How the body will be encoded and how many segments it will be billed as.

    An empty body is 0 segments (nothing to send).
    """
    if is_gsm7(text):
        encoding, double, single, multi = GSM7, _GSM7_DOUBLE, GSM7_SINGLE, GSM7_MULTI
    else:
        encoding, double, single, multi = UCS2, _ASTRAL, UCS2_SINGLE, UCS2_MULTI
    if double.search(text) is None:  # every character is one unit
        units = len(text)
        return SmsSegments(encoding, _uniform_segments(units, single, multi), units)
    widths = [2 if double.match(ch) else 1 for ch in text]
    return SmsSegments(encoding, _pack(widths, single, multi), sum(widths))


def _uniform_segments(units: int, single: int, multi: int) -> int:
    """_pack for a body of one-unit characters: nothing can straddle a boundary."""
    if units == 0:
        return 0
    if units <= single:
        return 1
    return -(-units // multi)
