"""Read a list of line names (`Line 1, Line 2`, `Red and Blue`, `1号线、2号线`) and compare it with the gold set.

Names are split at commas, semicolons, `、`, `，` and new lines; a part that is not itself a line's name
is split again at `and`, `&`, `/`, `和` and `及` (so `Hammersmith & City` stays one line where the
city has it). Bullets, numbering, brackets and quotes around names are dropped. Each name is resolved
with `resolve.line`; one that resolves to no line is a wrong entry, and a text none of whose names
resolves is no answer (a parse error). The answer is correct iff it names
exactly the gold lines and nothing else; its dense score is the Jaccard index of the two, the wrong
entries counted in the union.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from curation.scoring import resolve
from curation.scoring.lexicon import CompiledLexicon

_STRONG = re.compile(r"\s*[,，、;；\n]\s*")
_WEAK = re.compile(r"\s*(?:\band\b|&|/|和|及)\s*", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·]+\s*|\d{1,2}[.)]\s+)")
_EDGES = " .。\"'“”‘’`*[]"


@dataclass(frozen=True)
class LinesAnswer:
    """The line ids an answer names (sorted, once each) and the names it gives that are no line."""

    lines: list[str]
    unresolved: list[str]


def read(text: str, lexicon: CompiledLexicon) -> LinesAnswer | None:
    """The lines `text` names; None when it names none that resolves."""
    found: list[int] = []
    unresolved: list[str] = []
    for item in _items(text):
        for name, index in _resolve_item(lexicon, item):
            if index is None:
                unresolved.append(name)
            else:
                found.append(index)
    if not found:
        return None
    return LinesAnswer(sorted({lexicon.line_ids[i] for i in found}), unresolved)


def _items(text: str) -> list[str]:
    items = []
    for part in _STRONG.split(text.strip(), maxsplit=resolve.MAX_LIST_ITEMS):
        item = _BULLET.sub("", part).strip(_EDGES)
        if item:
            items.append(item)
    return items[:resolve.MAX_LIST_ITEMS]


def _resolve_item(lexicon: CompiledLexicon, item: str) -> list[tuple[str, int | None]]:
    """`item` as one line's name, else as several joined by `and`, `&` or `/` (see the module docstring)."""
    exact = lexicon.line(item).index
    if exact is not None:
        return [(item, exact)]
    pieces = [p for p in _WEAK.split(item) if p.strip()]
    whole = resolve.line(lexicon, item).index
    if len(pieces) > 1:
        parts = [(p, resolve.line(lexicon, p).index) for p in pieces]
        if whole is None or any(index is not None for _, index in parts):
            return parts
    return [(item, whole)]


def jaccard(predicted: LinesAnswer, gold: list[str]) -> float:
    """|P ∩ G| / (|P ∪ G| + wrong entries)."""
    named, reference = set(predicted.lines), set(gold)
    union = len(named | reference) + len(predicted.unresolved)
    return len(named & reference) / union if union else 1.0


def is_correct(predicted: LinesAnswer, gold: list[str]) -> bool:
    return not predicted.unresolved and set(predicted.lines) == set(gold)
