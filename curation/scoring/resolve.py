"""Resolve the values a model wrote (with trailing prose, directions, punctuation) to ids.

A value is tried whole first, then cut at the first place where prose usually starts — a sentence
end, a parenthesis, a comma, ` - `, `towards …`, `方向` — so `Line 2 (towards Airport)` finds
line 2 and `Central Station. Then walk…` finds Central, while names that contain such characters
(`St. George`, `Waitematā (Britomart)`) still match whole. The work per value is bounded: a
value is read up to `MAX_NAME_CHARS`, cut at most `MAX_CUTS` times, a list up to `MAX_LIST_ITEMS`
names (a line never has more stops; longer lists are wrong anyway).
"""

from __future__ import annotations

import re
from functools import lru_cache

from curation.scoring.lexicon import CompiledLexicon, Resolved
from curation.scoring.numbers import read_integer

_CUTS = re.compile(
    r"[.。!！;；](?:\s|$)|\s*[(（\[]|[,，、]\s*|\s+[-–—>→]+\s+|\s+(?:towards?|direction|heading|bound|then|and|via|to)\b|"
    r"方向|开往|往", re.IGNORECASE)
MAX_NAME_CHARS, MAX_CUTS, MAX_LIST_ITEMS = 120, 6, 80
_MEMO_MAX = 200_000  # resolutions remembered per lexicon (names repeat across rollouts and questions)
_LINE_CHOICES = re.compile(r"\s*(?:/|&|\bor\b|或)\s*", re.IGNORECASE)
_ZERO_WORDS = re.compile(r"^(?:none|zero|no stops?|nil|无|零|没有)\b", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:[,，、;；|]|->|→|—>|=>)\s*")
_WEAK_SPLIT = re.compile(r"\s+(?:-|–|—|and|&)\s+", re.IGNORECASE)
_EMPTY_LIST = re.compile(r"^(?:none|n/?a|no via stops?|no stops?|nil|-+|无|没有|—)?\.?$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def attempts(value: str) -> tuple[str, ...]:
    """`value`, then its prefixes up to each place where prose may start (longest first)."""
    value = value.strip().strip("\"'“”‘’`*_")
    found = [value]
    for match in _CUTS.finditer(value):
        head = value[:match.start()].strip()
        if head:
            found.append(head)
            if len(found) > MAX_CUTS:
                break
    return tuple(dict.fromkeys(sorted(found, key=len, reverse=True)))


def station(lexicon: CompiledLexicon, value: str | None, line: int | None = None) -> Resolved:
    """The station `value` names (on `line` when several share the name); remembered per lexicon."""
    if not value:
        return Resolved(None, "missing")
    cache = lexicon.memo
    found = cache.get((value, line))
    if found is None:
        if len(cache) >= _MEMO_MAX:
            cache.clear()
        found = cache[(value, line)] = _station(lexicon, value[:MAX_NAME_CHARS], line)
    return found


def _station(lexicon: CompiledLexicon, value: str, line: int | None) -> Resolved:
    first = lexicon.station(value, line)
    if first.index is not None:
        return first
    for text in attempts(value)[1:]:
        found = lexicon.station(text, line)
        if found.index is not None:
            return found
    return first


def line(lexicon: CompiledLexicon, value: str | None) -> Resolved:
    if not value:
        return Resolved(None, "missing")
    value = value[:MAX_NAME_CHARS]
    first = lexicon.line(value)
    if first.index is not None:
        return first
    for text in attempts(value)[1:]:
        found = lexicon.line(text)
        if found.index is not None:
            return found
    return first


def line_options(lexicon: CompiledLexicon, value: str | None) -> list[int]:
    """The lines a route name lists (`2/3`, `A/C`, `J or Z`); empty unless every part is a line."""
    if not value:
        return []
    parts = [line(lexicon, part).index for part in _LINE_CHOICES.split(value[:MAX_NAME_CHARS]) if part.strip()]
    return list(dict.fromkeys(p for p in parts if p is not None)) if len(parts) > 1 and None not in parts else []


def count(value: str | None) -> int | None:
    """`3`, `3 stops`, `four`, `三`, `None` → 3, 3, 4, 3, 0; unreadable → None."""
    if not value:
        return None
    if _ZERO_WORDS.match(value.strip()):
        return 0
    return read_integer(value)


def station_list(lexicon: CompiledLexicon, value: str | None, line: int | None) -> list[Resolved] | None:
    """A comma-separated (or arrowed) list of stations; `None`/`无` is the empty list."""
    if value is None:
        return None
    value = value.strip().strip("[]")
    if _EMPTY_LIST.match(value):
        return []
    found: list[Resolved] = []
    for item in _LIST_SPLIT.split(value, maxsplit=MAX_LIST_ITEMS):
        if len(found) >= MAX_LIST_ITEMS:
            found.append(Resolved(None, "too many"))
            break
        if not item.strip(" ."):
            continue
        resolved = station(lexicon, item, line)
        pieces = _WEAK_SPLIT.split(item) if resolved.index is None else []
        if len(pieces) > 1:
            parts = [station(lexicon, piece, line) for piece in pieces]
            if all(p.index is not None for p in parts):
                found += parts
                continue
        found.append(resolved)
    return found
