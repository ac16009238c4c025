"""Read a count as models write it: `3`, `3 lines`, `three`, `三条`, `十二`."""

from __future__ import annotations

import re

_INTEGER = re.compile(r"-?\d+(?:\.\d+)?")
_MAX_DIGITS = 9  # no count is larger; longer digit runs are not read (and int() of huge runs is slow)
_WORD = re.compile(r"[a-z]+")
_NUMBER_WORDS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"))}
_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


def read_integer(text: str) -> int | None:
    """The first number in `text` (digits, an English word up to twenty, Chinese numerals), or None.

    A decimal (`3.7`, but `3.0` is 3) or a run of more than nine digits is not a count: None.
    """
    match = _INTEGER.search(text)
    if match:
        whole, _, fraction = match.group(0).partition(".")
        return int(whole) if fraction.strip("0") == "" and len(whole.lstrip("-")) <= _MAX_DIGITS else None
    words = _WORD.findall(text.casefold())
    if words and words[0] in _NUMBER_WORDS:
        return _NUMBER_WORDS[words[0]]
    return _chinese_number(text)


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 (a count of lines or stops never needs more)."""
    digits = [c for c in text if c in _CHINESE_DIGITS]
    if not digits:
        return None
    run = "".join(digits[:3])
    if "十" not in run:
        return _CHINESE_DIGITS[run[0]]
    tens, _, ones = run.partition("十")
    return (_CHINESE_DIGITS[tens[0]] if tens else 1) * 10 + (_CHINESE_DIGITS[ones[0]] if ones else 0)
