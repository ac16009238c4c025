"""A city's names and line layouts, small enough to travel inside every ground truth.

`lexicon_from_network` writes the plain-JSON lexicon (station names in every language, aliases,
source spellings, Latin readings of Chinese names — see `curation.scoring.readings`; lines
with their names, aliases and riding-order variants). `compile_lexicon` turns it into lookup
tables once per process, cached by the lexicon's content id, so a reward function called
millions of times never rebuilds them.

Name resolution (`CompiledLexicon.station`, `.line`) tries, in order: the exact key (see
`curation.scoring.keys`), the key without parentheticals, then — for station keys of at least
`FUZZY_MIN_LENGTH` characters — a fuzzy match: rapidfuzz `ratio` ≥ `FUZZY_THRESHOLD`, the same
digits, and no second candidate as close. Several candidates are narrowed to the block's line
when one is known (New York's plain `86 St Station` on the 4 train). Anything left unresolved is
`unknown` or `ambiguous` — never snapped to the nearest station.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from curation.atomic import canonical_json
from curation.names import parse_source_name
from curation.network.model import Network
from curation.scoring.keys import fold, line_key, loose_station_keys, station_key
from curation.scoring.readings import latin_readings

LEXICON_FORMAT = "mapcurate-lexicon/1"
FUZZY_THRESHOLD = 90.0
FUZZY_MIN_LENGTH = 6
_DIGITS = re.compile(r"\d+")


def lexicon_from_network(network: Network) -> dict[str, Any]:
    """The JSON lexicon of one city; `id` is a hash of everything else in it."""
    stations = sorted(network.stations)
    index = {sid: i for i, sid in enumerate(stations)}
    body: dict[str, Any] = {
        "format": LEXICON_FORMAT,
        "city": network.city,
        "city_names": sorted(set(network.city_names.values())),
        "stations": [[sid, _station_names(network, sid)] for sid in stations],
        "lines": [
            {"id": line.id, "names": _line_names(line.names.values(), line.aliases, line.source_name),
             "loop": line.loop, "variants": [[index[s] for s in variant] for variant in line.variants]}
            for line in (network.lines[lid] for lid in sorted(network.lines))
        ],
    }
    if network.complexes:  # walkway hand-overs; absent (not empty) where a city has none, so its lexicon id stays
        body["complexes"] = sorted(sorted(index[s] for s in group.stations) for group in network.complexes)
    return {"id": hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()[:16], **body}


def _station_names(network: Network, sid: str) -> list[str]:
    station = network.stations[sid]
    names = [*station.names.values(), *station.aliases, *(parse_source_name(s).name for s in station.source_names)]
    if station.disambiguation:
        names += [f"{n} ({station.disambiguation})" for n in station.names.values()]
    names += [reading for n in names for reading in latin_readings(n)]
    return list(dict.fromkeys(names))


def _line_names(*groups: Any) -> list[str]:
    return list(dict.fromkeys(n for group in groups if group for n in ([group] if isinstance(group, str) else group)))


class Resolved(NamedTuple):
    """A name resolved to an index (`None` when not resolved) and how: exact, loose, fuzzy, unknown, ambiguous."""

    index: int | None  # type: ignore[assignment]  # a field named like tuple.index, kept for its readers
    how: str


@dataclass
class CompiledLexicon:
    """Lookup tables over one lexicon."""

    id: str
    station_ids: list[str]
    line_ids: list[str]
    line_loop: list[bool]
    line_variants: list[list[list[int]]]
    line_members: list[frozenset[int]]
    station_lines: list[frozenset[int]]
    complex_of: dict[int, int]
    """Station index → its complex's number (stations of no complex are absent)."""
    strict: dict[str, tuple[int, ...]]
    loose: dict[str, tuple[int, ...]]
    lines_by_key: dict[str, tuple[int, ...]]
    fuzzy_keys: list[str]
    city_prefix: re.Pattern[str]
    station_index: dict[str, int] = field(default_factory=dict)
    line_index: dict[str, int] = field(default_factory=dict)
    _rides: dict[tuple[int, int, int], tuple[tuple[tuple[int, ...], bool], ...]] = field(default_factory=dict)
    memo: dict[tuple[str, int | None], Resolved] = field(default_factory=dict)  # resolve.station's answers

    def hands_over(self, arrival: int | None, departure: int | None) -> bool:
        """One block's arrival leads to the next block's departure: the same station, or one complex's walk."""
        if arrival is None or departure is None:
            return False
        return arrival == departure or self.complex_of.get(arrival, -1) == self.complex_of.get(departure, -2)

    def station(self, name: str, line: int | None = None) -> Resolved:
        """Resolve a station name, preferring stations of `line` when several match."""
        key = station_key(name)
        if not key:
            return Resolved(None, "unknown")
        found = self.strict.get(key)
        if found:
            return Resolved(found[0], "exact") if len(found) == 1 else self._narrow(found, line, "exact")
        found = self._loose(name)
        if found:
            return self._narrow(found, line, "loose")
        found = self._fuzzy(key)
        return self._narrow(found, line, "fuzzy") if found else Resolved(None, "unknown")

    def line(self, name: str) -> Resolved:
        """Resolve a line name; the city's own name in front (`Hangzhou Metro Line 1`) is ignored."""
        key = line_key(name)
        found = self.lines_by_key.get(key, ()) if key else ()
        if not found and self.city_prefix.match(fold(name)):
            found = self.lines_by_key.get(line_key(self.city_prefix.sub("", fold(name), count=1)), ())
        if len(found) == 1:
            return Resolved(found[0], "exact")
        return Resolved(None, "ambiguous" if found else "unknown")

    def _loose(self, name: str) -> tuple[int, ...]:
        """Stations named with their parentheticals dropped, or by a parenthetical alone.

        When the name outside and a parenthetical name different stations (`Docks (Northgate)`)
        the answer hedges between two stations: nothing is found.
        """
        groups = [set(self.strict.get(key, ()) or self.loose.get(key, ())) for key in loose_station_keys(name)]
        groups = [g for g in groups if g]
        if not groups:
            return ()
        common = set.intersection(*groups)
        return tuple(sorted(common)) if common else ()

    def _narrow(self, found: tuple[int, ...], line: int | None, how: str) -> Resolved:
        if len(found) > 1 and line is not None:
            on_line = tuple(i for i in found if line in self.station_lines[i])
            found = on_line or found
        return Resolved(found[0], how) if len(found) == 1 else Resolved(None, "ambiguous")

    def _fuzzy(self, key: str) -> tuple[int, ...]:
        if len(key) < FUZZY_MIN_LENGTH:
            return ()
        digits = _DIGITS.findall(key)
        found_keys = process.extract(key, self.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=4)
        matches = [(k, score) for k, score, _ in found_keys if _DIGITS.findall(k) == digits]
        if not matches:
            return ()
        best = matches[0][1]
        found = {i for k, score in matches if score == best for i in self.strict[k]}
        return tuple(sorted(found))

    def rides(self, line: int, a: int, b: int) -> tuple[tuple[tuple[int, ...], bool], ...]:
        """Every way to ride `line` from `a` to `b`: (stations strictly between, within one service).

        One service is one variant, or either arc of a loop. A ride from one branch to another
        goes through the fork and is not one service.
        """
        cache_key = (line, a, b)
        cached = self._rides.get(cache_key)
        if cached is None:
            cached = self._rides[cache_key] = _rides(self.line_variants[line], self.line_loop[line], a, b)
        return cached


def _rides(variants: list[list[int]], loop: bool, a: int, b: int) -> tuple[tuple[tuple[int, ...], bool], ...]:
    found: dict[tuple[int, ...], bool] = {}
    for variant in variants:
        if a not in variant or b not in variant or a == b:
            continue
        i, j = variant.index(a), variant.index(b)
        if i < j:
            arcs = [tuple(variant[i + 1:j])]
            if loop:
                arcs.append(tuple(reversed(variant[:i])) + tuple(reversed(variant[j + 1:])))
        else:
            arcs = [tuple(reversed(variant[j + 1:i]))]
            if loop:
                arcs.append(tuple(variant[i + 1:]) + tuple(variant[:j]))
        for arc in arcs:
            found.setdefault(arc, True)
    if not found and a != b:
        path = _cross_branch_path(variants, loop, a, b)
        if path is not None:
            found[path] = False
    return tuple(sorted(found.items(), key=lambda item: (len(item[0]), item[0])))


def _cross_branch_path(variants: list[list[int]], loop: bool, a: int, b: int) -> tuple[int, ...] | None:
    """Stations strictly between `a` and `b` on the line's track, through a fork."""
    neighbours: dict[int, set[int]] = {}
    for variant in variants:
        pairs = list(itertools.pairwise(variant)) + ([(variant[-1], variant[0])] if loop else [])
        for x, y in pairs:
            neighbours.setdefault(x, set()).add(y)
            neighbours.setdefault(y, set()).add(x)
    previous: dict[int, int] = {a: a}
    queue = deque([a])
    while queue:
        node = queue.popleft()
        for nxt in sorted(neighbours.get(node, ())):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    if b not in previous:
        return None
    path = [previous[b]]
    while path[-1] != a:
        path.append(previous[path[-1]])
    return tuple(reversed(path[:-1]))


_COMPILED: dict[str, CompiledLexicon] = {}
_COMPILED_MAX = 256


def compile_lexicon(lexicon: dict[str, Any] | str, lexicon_id: str | None = None) -> CompiledLexicon:
    """Lookup tables for `lexicon` (a dict, or its JSON text with `lexicon_id`), built once per id.

    The id stands for the content, so JSON text is only parsed the first time its id is seen.
    """
    key = lexicon_id if isinstance(lexicon, str) else lexicon["id"]
    compiled = _COMPILED.get(key) if key else None
    if compiled is None:
        parsed = json.loads(lexicon) if isinstance(lexicon, str) else lexicon
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))
        compiled = _COMPILED[parsed["id"]] = _compile(parsed)
    return compiled


def _compile(lexicon: dict[str, Any]) -> CompiledLexicon:
    station_ids = [sid for sid, _ in lexicon["stations"]]
    lines = lexicon["lines"]
    strict: dict[str, dict[int, None]] = {}
    loose: dict[str, dict[int, None]] = {}
    for i, (_, names) in enumerate(lexicon["stations"]):
        for name in names:
            strict.setdefault(station_key(name), {})[i] = None
            for key in loose_station_keys(name):
                loose.setdefault(key, {})[i] = None
    lines_by_key: dict[str, dict[int, None]] = {}
    for i, line in enumerate(lines):
        for name in [line["id"], *line["names"]]:
            lines_by_key.setdefault(line_key(name), {})[i] = None
    members = [frozenset(s for v in line["variants"] for s in v) for line in lines]
    station_lines = [frozenset(j for j, m in enumerate(members) if i in m) for i in range(len(station_ids))]
    strict.pop("", None)
    loose.pop("", None)
    return CompiledLexicon(
        id=lexicon["id"],
        station_ids=station_ids,
        line_ids=[line["id"] for line in lines],
        line_loop=[bool(line["loop"]) for line in lines],
        line_variants=[[list(v) for v in line["variants"]] for line in lines],
        line_members=members,
        station_lines=station_lines,
        complex_of={s: n for n, group in enumerate(lexicon.get("complexes", ())) for s in group},
        strict={k: tuple(v) for k, v in strict.items()},
        loose={k: tuple(v) for k, v in loose.items()},
        lines_by_key={k: tuple(v) for k, v in lines_by_key.items() if k},
        fuzzy_keys=sorted(k for k in strict if len(k) >= FUZZY_MIN_LENGTH),
        city_prefix=re.compile("|".join(re.escape(fold(n)) for n in lexicon.get("city_names", ())) or "(?!)"),
        station_index={sid: i for i, sid in enumerate(station_ids)},
        line_index={line["id"]: i for i, line in enumerate(lines)},
    )
