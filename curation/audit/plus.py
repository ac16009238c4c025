"""Audit of one ReasonMap-Plus row: its answer recomputed from the graph.

- Counting1: the option at `answer` (0-3 for A-D) must be the number of stops strictly between the
  two stations on the line the question names (a loop the shorter way round; the stations' common
  lines when the question names none);
- Counting2: the number of lines through `station_1`; Counting3: the number of lines;
- TorF1: 1 when the two stations share a line, else 0; TorF2: 1 when `station_1` is on the line named.

The line is read from the question: the words after the last station it names, `on <line>` (or
`在<line>上`), else the one line whose name (three characters or more) the question contains.
"""

from __future__ import annotations

import re
from typing import Any

from curation.audit.defects import Defect
from curation.audit.graphs import CityGraph
from curation.audit.labels import map_labels
from curation.scoring import resolve
from curation.scoring.keys import fold
from curation.scoring.lexicon import CompiledLexicon

TYPES = ("Counting1", "Counting2", "Counting3", "TorF1", "TorF2")
_OPTION = re.compile(r"(?<![A-Za-z])([A-D])\s*[).:：]\s*(\d+)")
_ON_LINE = re.compile(r"\bon\s+(.+?)\s*(?:[?？,，]|$)", re.IGNORECASE)
_ON_LINE_ZH = re.compile(r"(?:在|位于)(.+?)(?:上|吗|[?？])")
_MIN_SCANNED = 3


def audit_plus_row(row: dict[str, Any], graph: CityGraph) -> list[Defect]:
    """Every defect of one detail row."""
    found = map_labels(row, graph)
    kind = row.get("type")
    if kind not in TYPES:
        return [*found, Defect("plus-type-unknown", {"type": kind})]
    answer = _integer(row.get("answer"))
    choices = 4 if kind == "Counting1" else 2 if kind.startswith("TorF") else None
    if answer is None or answer < 0 or (choices is not None and answer >= choices):
        return [*found, Defect("plus-answer-unreadable", {"type": kind, "answer": row.get("answer")})]
    lex = graph.lexicon
    needed = {"Counting1": 2, "Counting2": 1, "Counting3": 0, "TorF1": 2, "TorF2": 1}[kind]
    stations: list[int] = []
    for column in ("station_1", "station_2")[:needed]:
        resolved = resolve.station(lex, row.get(column))
        if resolved.index is None:
            found.append(Defect("plus-unresolved", {"column": column, "name": row.get(column), "how": resolved.how}))
        else:
            stations.append(resolved.index)
    if len(stations) < needed:
        return found
    question = str(row.get("question") or "")
    line = named_line(graph, question, [row[c] for c in ("station_1", "station_2")[:needed]])
    if kind == "TorF2" and line is None:
        return [*found, Defect("plus-unresolved", {"column": "question", "name": "the line it names"})]
    expected: set[int]
    given = answer
    if kind == "Counting1":
        options = dict((letter, int(n)) for letter, n in _OPTION.findall(question))
        if sorted(options) != list("ABCD"):
            return [*found, Defect("plus-options-unreadable", {"question": question[:200]})]
        given = options["ABCD"[answer]]
        expected = _between_counts(lex, stations[0], stations[1], line)
        if expected and not expected & set(options.values()):
            return [*found, Defect("plus-answer-wrong", {"type": kind, "given": given, "expected": sorted(expected),
                                                        "note": "no option is right"})]
    elif kind == "Counting2":
        expected = {len(lex.station_lines[stations[0]])}
    elif kind == "Counting3":
        expected = {len(lex.line_ids)}
    elif kind == "TorF1":
        expected = {int(bool(lex.station_lines[stations[0]] & lex.station_lines[stations[1]]))}
    else:
        expected = {int(line in lex.station_lines[stations[0]])}
    if not expected:
        return [*found, Defect("plus-answer-wrong", {"type": kind, "given": given, "expected": None,
                                                    "note": "the stations share no line"})]
    if given not in expected:
        found.append(Defect("plus-answer-wrong", {"type": kind, "given": given, "expected": min(expected)
                                                  if len(expected) == 1 else sorted(expected)}))
    return found


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _between_counts(lex: CompiledLexicon, a: int, b: int, line: int | None) -> set[int]:
    """Stops strictly between `a` and `b` riding one service of `line` the shortest way (each common line
    when `line` is None)."""
    lines = [line] if line is not None else sorted(lex.station_lines[a] & lex.station_lines[b])
    counts = set()
    for candidate in lines:
        rides = [between for between, one_service in lex.rides(candidate, a, b) if one_service]
        if rides:
            counts.add(min(len(between) for between in rides))
    return counts


def named_line(graph: CityGraph, question: str, stations: list[str | None]) -> int | None:
    """The line a question names, read after the last station it names (see the module docstring)."""
    lex = graph.lexicon
    tail = question
    for name in stations:
        if name and name in tail:
            tail = tail.split(name)[-1]
    for pattern in (_ON_LINE, _ON_LINE_ZH):
        for match in pattern.finditer(tail):
            found = resolve.line(lex, match.group(1))
            if found.index is not None:
                return found.index
    return _scan(graph, fold(tail))


def _scan(graph: CityGraph, text: str) -> int | None:
    """The one line with the longest name of `_MIN_SCANNED`+ characters found in `text`."""
    best: dict[int, int] = {}
    for key, lines in graph.line_names.items():
        if len(key) >= _MIN_SCANNED and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text):
            for index in lines:
                best[index] = max(best.get(index, 0), len(key))
    if not best:
        return None
    longest = max(best.values())
    winners = [i for i, n in best.items() if n == longest]
    return winners[0] if len(winners) == 1 else None
