"""Comparison keys for station and line names as models write them.

A key folds what does not tell two names apart: Unicode width and case, accents, punctuation and
spacing, and words that only say what kind of thing is named (`Station`, `站`, `Line`, `号线`,
`the … train`). Numbered lines fold to one token, so `Line 4`, `4号线`, `L4`, `M4` and a bare
`4` share the key `#4`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from curation.names import parentheticals, without_parentheticals

# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "œ": "oe", "ı": "i", "–": "-", "—": "-"})
_STATION_WORDS = re.compile(r"\b(?:metro station|subway station|railway station|station|stn)\b|地铁站|站$")
# Street-name words as maps abbreviate them (`86 Street` is printed `86 St`).
_ABBREVIATION = {"street": "st", "avenue": "av", "ave": "av", "square": "sq", "road": "rd", "boulevard": "blvd",
                 "parkway": "pkwy", "place": "pl", "center": "ctr", "centre": "ctr", "junction": "jct"}
_ABBREVIATIONS = re.compile(r"\b(?:" + "|".join(_ABBREVIATION) + r")\b")
_LINE_WORDS = re.compile(r"\b(?:the|train|trains|service|metro|subway|route)\b|地铁|轨道交通")
_NUMBERED = (
    re.compile(r"(?:line|linha|linea|línea|ligne|linie|no\.?|l|m)\s*(\d+[a-z]?|[a-z])"),
    re.compile(r"(\d+[a-z]?|[a-z])\s*(?:号线|号|線|线|line)"),
    re.compile(r"(\d+[a-z]?|[a-z])"),
)
_LINE_PUNCTUATION = re.compile(r"[-_./·:]")
_KIND_WORDS = re.compile(r"\b(?:line|linha|linea|línea|ligne|linie)\b|线$|線$")


def fold(text: str) -> str:
    """Width, case and accents folded; dashes made plain."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def compact(text: str) -> str:
    """Letters and digits only (CJK kept)."""
    return "".join(c for c in text if c.isalnum())


@lru_cache(maxsize=65536)
def station_key(name: str) -> str:
    """`Waitematā (Britomart) Station` → `waitematabritomart`; `奥体中心站` → `奥体中心`; `86 Street` → `86st`."""
    text = _STATION_WORDS.sub(" ", fold(name))
    return compact(_ABBREVIATIONS.sub(lambda m: _ABBREVIATION[m.group(0)], text))


@lru_cache(maxsize=65536)
def loose_station_keys(name: str) -> tuple[str, ...]:
    """Keys that ignore parentheticals: the name without them, and each parenthetical alone."""
    keys = [station_key(without_parentheticals(name))]
    keys += [station_key(p) for p in parentheticals(name)]
    return tuple(k for k in dict.fromkeys(keys) if k)


@lru_cache(maxsize=65536)
def line_key(name: str) -> str:
    """`Line 4`/`4号线`/`L4`/`the 4 train` → `#4`; `Linha Azul`/`Blue Line` → `azul`/`blue`."""
    text = " ".join(_LINE_WORDS.sub(" ", _LINE_PUNCTUATION.sub(" ", fold(name))).split())
    for pattern in _NUMBERED:
        match = pattern.fullmatch(text)
        if match:
            return "#" + match.group(1)
    return compact(_KIND_WORDS.sub(" ", text)) or compact(text)
