"""Cross-check a network built from an annotation against the one built from the city's station list.

Matching: lines by id, then by any name, alias or source name (`curation.names.match_key`);
stations by id, then by any name (ignoring a generic ` Station` / `站` suffix), then — for a
station still unmatched on both sides — by its place: the same matched lines and the same matched
neighbours on each (a renamed station; repeated until nothing more is placed). Each finding is a
warning (the annotated network is still written) with one root cause: a station missing from the
annotation is reported once, not again on every line through it, and per-line comparisons look
only at stations matched on both sides. The station list's own findings are not repeated here
(build it alone to see them), except `source-changed`.

A ride and the same ride reversed are the same; so are a loop and the loop rotated or reversed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import TypeVar

from curation.annotations.model import format_point
from curation.names import match_key, strip_generic_suffix
from curation.network.hints import add_correction, toml_str
from curation.network.model import Line, Network, Station
from curation.network.quality import FindingList

_Key = TypeVar("_Key", bound=Hashable)
# Where a station sits: its matched lines, each with its matched neighbours on that line.
_Place = tuple[tuple[str, frozenset[str]], ...]

_SHOWN = 40  # stops shown of a ride in a message


def ride_key(stops: Iterable[str], loop: bool) -> tuple[str, ...]:
    """One key for a ride however it is written: either direction, and for a loop from any station."""
    stops = list(stops)
    forms = [stops, stops[::-1]]
    if loop:
        forms = [form[k:] + form[:k] for form in forms for k in range(len(form))]
    return min(tuple(form) for form in forms)


def crosscheck(annotated: Network, listed: Network) -> FindingList:
    """Every difference between `annotated` (from the annotation) and `listed` (from the station list)."""
    out = FindingList(annotated.city)
    line_of = _match_lines(annotated, listed)
    station_of = _match_stations(annotated, listed, line_of)
    matched = set(station_of.values())
    for sid in sorted(set(listed.stations) - matched):
        station = listed.stations[sid]
        out.add("warning", "annotation-station-missing",
                f"{station.display_name} ({sid}) is in the station list (on {_lines(listed, station)}) but not in the "
                "annotation", f"annotate it: a mark labelled {toml_str(station.display_name)} on the map's "
                f"{_lines(listed, station)}; if the map does not draw it, the station list is wrong here",
                station=station.display_name)
    for sid in sorted(set(annotated.stations) - set(station_of)):
        station = annotated.stations[sid]
        out.add("warning", "annotation-station-extra",
                f"{station.display_name} ({sid}, at {_pos(station)}) is annotated but the station list does not "
                "have it",
                "check its label against the station list (if it is misspelt, correct it or give the mark the "
                "list's id as network_id); remove the mark if it is not a station of this network",
                station=station.display_name)
    for aid, lid in sorted(station_of.items()):
        _compare_names(annotated.stations[aid], listed.stations[lid], out)
    for lid in sorted(set(listed.lines) - set(line_of.values())):
        line = listed.lines[lid]
        out.add("warning", "annotation-line-missing",
                f"{_line(line)} ({lid}) is in the station list but no trace is named so",
                f"trace it, naming it {toml_str(_line(line))} (or give the trace network_id {toml_str(lid)})",
                line=_line(line))
    for aid in sorted(set(annotated.lines) - set(line_of)):
        line = annotated.lines[aid]
        out.add("warning", "annotation-line-extra",
                f"{_line(line)} ({aid}) is traced but the station list has no such line",
                "name the trace as the station list names the line (or give it the list's id as network_id); "
                "remove it if it is not a line of this network", line=_line(line))
    for aid, lid in sorted(line_of.items()):
        _compare_line(annotated, listed, annotated.lines[aid], listed.lines[lid], station_of, matched, out)
    return out


def _match_lines(annotated: Network, listed: Network) -> dict[str, str]:
    """Annotated line id → listed line id."""
    pairs = {lid: lid for lid in annotated.lines if lid in listed.lines}
    return pairs | _unique_matches(
        {k: _line_keys(v) for k, v in annotated.lines.items() if k not in pairs},
        {k: _line_keys(v) for k, v in listed.lines.items() if k not in pairs.values()})


def _match_stations(annotated: Network, listed: Network, line_of: dict[str, str]) -> dict[str, str]:
    """Annotated station id → listed station id: by id, by name, then by place."""
    pairs = {sid: sid for sid in annotated.stations if sid in listed.stations}
    pairs |= _unique_matches(
        {k: _station_keys(v) for k, v in annotated.stations.items() if k not in pairs},
        {k: _station_keys(v) for k, v in listed.stations.items() if k not in pairs.values()})
    same_line = {lid: lid for lid in listed.lines}
    while True:  # each round can place the neighbours of the stations placed in the last
        placed = set(pairs.values())
        found = _unique_matches(
            {k: _place(annotated, k, line_of, pairs) for k in sorted(annotated.stations) if k not in pairs},
            {k: _place(listed, k, same_line, {v: v for v in placed}) for k in sorted(listed.stations)
             if k not in placed})
        if not found:
            return pairs
        pairs |= found


def _unique_matches(left: dict[str, set[_Key]], right: dict[str, set[_Key]]) -> dict[str, str]:
    """left id → right id where exactly one right item shares a key with it and it is that item's only one."""
    owners: dict[_Key, list[str]] = defaultdict(list)
    for rid, keys in sorted(right.items()):
        for key in keys:
            owners[key].append(rid)
    found: dict[str, list[str]] = {}
    for lid, keys in sorted(left.items()):
        found[lid] = sorted({rid for key in keys for rid in owners.get(key, [])})
    claimed: dict[str, int] = defaultdict(int)
    for rids in found.values():
        for rid in rids:
            claimed[rid] += 1
    return {lid: rids[0] for lid, rids in found.items() if len(rids) == 1 and claimed[rids[0]] == 1}


def _line_keys(line: Line) -> set[str]:
    return {match_key(n) for n in [*line.names.values(), *line.aliases, line.source_name or ""] if n}


def _station_keys(station: Station) -> set[str]:
    return {match_key(strip_generic_suffix(n)) for n in station.names.values()}


def _place(network: Network, sid: str, line_map: dict[str, str], station_map: dict[str, str]) -> set[_Place]:
    """The station's matched lines with its matched neighbours on each, as one key (empty: no place)."""
    place = []
    for line_id in sorted(network.stations[sid].lines):
        line = network.lines[line_id]
        neighbours = {b if a == sid else a for a, b in line.edges() if sid in (a, b)}
        mapped = frozenset(station_map[n] for n in neighbours if n in station_map)
        if line_id not in line_map or not mapped:
            return set()
        place.append((line_map[line_id], mapped))
    return {tuple(sorted(place, key=lambda p: (p[0], sorted(p[1]))))} if place else set()


def _compare_names(station: Station, reference: Station, out: FindingList) -> None:
    for lang in sorted(set(station.names) & set(reference.names)):
        ours, theirs = station.names[lang], reference.names[lang]
        if match_key(strip_generic_suffix(ours)) != match_key(strip_generic_suffix(theirs)):
            out.add("warning", "annotation-name-differs",
                    f"the map labels {station.id} {ours!r} ({lang}), the station list names it {reference.id} "
                    f"{theirs!r}", f"if the station list is misspelt, {add_correction(theirs, ours)}; if the "
                    f"label is, {add_correction(ours, theirs)} or fix the annotation", station=ours)


def _compare_line(annotated: Network, listed: Network, line: Line, reference: Line, station_of: dict[str, str],
                  matched: set[str], out: FindingList) -> None:
    label = _line(line)
    ours = [[station_of[s] for s in ride if s in station_of] for ride in line.variants]
    theirs = [[s for s in ride if s in matched] for ride in reference.variants]
    ours_stops, their_stops = set().union(*ours), set().union(*theirs)
    if ours_stops != their_stops:
        extra = [listed.stations[s].display_name for s in sorted(ours_stops - their_stops)]
        missing = [listed.stations[s].display_name for s in sorted(their_stops - ours_stops)]
        parts = ([f"the station list does not have it stop at {', '.join(extra)}"] if extra else []) + \
                ([f"the annotation does not pass {', '.join(missing)}"] if missing else [])
        out.add("warning", "annotation-line-stops-differ", f"{label} ({line.id}): {'; '.join(parts)}",
                "check that the trace passes through the markers of the stops it serves (and not through "
                "others'), and that each mark's position is on its lines", line=label)
        return
    if line.loop != reference.loop:
        if line.loop:
            what, fix = "is traced as a loop but the station list has it open", (
                f"if it is a loop, set loop = true under [lines.{toml_str(reference.source_name or reference.id)}];"
                " if not, the trace's two ends meet by mistake: end it at its terminus")
        else:
            what, fix = "is a loop in the station list but its trace does not close", (
                "end the polyline where it starts (its last point on its first station's marker)")
        out.add("warning", "annotation-loop-differs", f"{label} ({line.id}) {what}", fix, line=label)
        return
    our_keys = sorted({ride_key(r, line.loop) for r in ours})
    their_keys = sorted({ride_key(r, reference.loop) for r in theirs})
    if our_keys == their_keys:
        return
    if len(our_keys) == len(their_keys) and \
            sorted(map(sorted, our_keys)) == sorted(map(sorted, their_keys)):
        ride = next(r for r in ours if ride_key(r, line.loop) not in their_keys)
        expected = _aligned(next(r for r in theirs if set(r) == set(ride)), ride, line.loop)
        out.add("warning", "annotation-order-differs",
                f"{label} ({line.id}) rides {_ride(listed, ride)} on the map, but "
                f"{_ride(listed, expected)} in the station list",
                "check the trace's course between these stops and the marks' positions (a ride reversed is not "
                "a difference); if the map is right, the station list's order is wrong", line=label)
        return
    on_map, in_list = ("; ".join(_ride(listed, r) for r in _distinct(rides, line.loop)) for rides in (ours, theirs))
    out.add("warning", "annotation-branch-differs",
            f"{label} ({line.id}) has {len(our_keys)} ride(s) on the map: {on_map} — but {len(their_keys)} in the "
            f"station list: {in_list}",
            "trace one polyline per service, or a branch from its fork outward; check the line's branch "
            "override in the manifest", line=label)


def _distinct(rides: list[list[str]], loop: bool) -> list[list[str]]:
    """`rides` without repeats (a ride reversed, or a loop rotated, is a repeat), in their order."""
    seen: dict[tuple[str, ...], list[str]] = {}
    for ride in rides:
        seen.setdefault(ride_key(ride, loop), ride)
    return list(seen.values())


def _aligned(ride: list[str], like: list[str], loop: bool) -> list[str]:
    """`ride` turned (and for a loop rotated) to agree with `like` in as many places as possible."""
    forms = [ride, ride[::-1]]
    if loop:
        forms = [form[k:] + form[:k] for form in forms for k in range(len(form))]
    return max(forms, key=lambda form: sum(a == b for a, b in zip(form, like, strict=False)))


def _line(line: Line) -> str:
    return line.source_name or line.id


def _lines(network: Network, station: Station) -> str:
    return ", ".join(_line(network.lines[lid]) for lid in station.lines if lid in network.lines) or "no line"


def _pos(station: Station) -> str:
    return format_point(station.pos) if station.pos is not None else "no position"


def _ride(network: Network, ride: Iterable[str]) -> str:
    names = [network.stations[s].display_name for s in ride]
    return " → ".join(names[:_SHOWN]) + (f" → … ({len(names) - _SHOWN} more)" if len(names) > _SHOWN else "")
