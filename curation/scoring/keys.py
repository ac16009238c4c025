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

from curation.names import TRANSLITERATION, parentheticals, without_parentheticals

# Letters that Unicode does not decompose into a base letter plus an accent, and dashes.
_FOLD = {**TRANSLITERATION, **str.maketrans({"–": "-", "—": "-"})}
_STATION_WORDS = re.compile(r"\b(?:metro station|subway station|railway station|station|stn)\b|地铁站|站$")
# Street-name words as maps abbreviate them (`86 Street` is printed `86 St`).
_ABBREVIATION = {"street": "st", "avenue": "av", "ave": "av", "square": "sq", "road": "rd", "boulevard": "blvd",
                 "parkway": "pkwy", "place": "pl", "center": "ctr", "centre": "ctr", "junction": "jct"}
_ABBREVIATIONS = re.compile(r"\b(?:" + "|".join(_ABBREVIATION) + r")\b")
# Ordinals: `190th` → `190`, `Third` → `3` (maps print `190 St`, `3 Av`).
_ORDINAL_SUFFIX = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_ORDINAL_WORD = {w: str(i) for i, w in enumerate(("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                                                  "eighth", "ninth", "tenth", "eleventh", "twelfth"), start=1)}
_ORDINAL_WORDS = re.compile(r"\b(?:" + "|".join(_ORDINAL_WORD) + r")\b")
_EDGES = re.compile(r"^\W+|\W+$")
_LINE_WORDS = re.compile(r"\b(?:the|train|trains|service|metro|subway|route|express|local)\b|地铁|轨道交通")
# `Line 4`, `L4`, `M1 line`, `4号线`, a bare `4` or `A`: the line's number or letter.
_NUMBERED = re.compile(r"(?:(?:line|linha|linea|línea|ligne|linie)\s*)?(?:(?:m|l|no)\s*)?(\d+[a-z]?|[a-z])"
                       r"(?:\s*(?:号线|号|線|线|line|linha))?")
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
    text = _STATION_WORDS.sub(" ", _EDGES.sub("", fold(name)))
    text = _ORDINAL_WORDS.sub(lambda m: _ORDINAL_WORD[m.group(0)], _ORDINAL_SUFFIX.sub(r"\1", text))
    return compact(_ABBREVIATIONS.sub(lambda m: _ABBREVIATION[m.group(0)], text))


@lru_cache(maxsize=65536)
def loose_station_keys(name: str) -> tuple[str, ...]:
    """Keys that ignore parentheticals: the name without them, and each parenthetical alone."""
    keys = [station_key(without_parentheticals(name))]
    keys += [station_key(p) for p in parentheticals(name)]
    return tuple(k for k in dict.fromkeys(keys) if k)


@lru_cache(maxsize=65536)
def line_key(name: str) -> str:
    """`Line 4`/`4号线`/`L4`/`M4 line`/`the 4 train` → `#4`; `Linha Azul`/`Blue Line` → `azul`/`blue`."""
    text = " ".join(_LINE_WORDS.sub(" ", _LINE_PUNCTUATION.sub(" ", fold(name))).split())
    match = _NUMBERED.fullmatch(text)
    if match:
        return "#" + match.group(1)
    return compact(_KIND_WORDS.sub(" ", text)) or compact(text)
