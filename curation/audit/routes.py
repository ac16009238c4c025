"""Audit of one ReasonMap row: its endpoints, each reference route as a ride, optimality, labels.

A reference route is a valid ride when every section names a line of the graph and two of its
stations, each section's arrival is the next one's departure (or a station the map joins to it by a
walkway, a station complex), the first departure is `station_1`
and the last arrival `station_2`, and the via stops (list and count) are the stops between. A
valid route is compared with the graph's optimal one: fewest transfers, then fewest stops (a
section that rides through a fork from one branch to another counts the change of trains there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from curation.audit.defects import Defect
from curation.audit.graphs import CityGraph
from curation.audit.labels import map_labels, question_labels
from curation.audit.layout import Section, parse_routes
from curation.scoring import resolve

# Defects after which a route is no ride at all (its cost cannot be compared with the optimal one).
_BREAKS_RIDE = frozenset({"line-unknown", "station-unresolved", "station-not-on-line", "ride-invalid",
                          "handover-broken", "route-endpoints-wrong"})


@dataclass(frozen=True)
class _Ride:
    transfers: int  # changes of trains within the section (a fork crossed)
    stops: int  # stops ridden past, the arrival included


def audit_route_row(row: dict[str, Any], graph: CityGraph) -> list[Defect]:
    """Every defect of one route row."""
    lex = graph.lexicon
    found = map_labels(row, graph)
    ends: list[int | None] = []
    for column in ("station_1", "station_2"):
        resolved = resolve.station(lex, row.get(column))
        if resolved.index is None:
            found.append(Defect("endpoint-unresolved", {"column": column, "name": row.get(column),
                                                        "how": resolved.how}))
        ends.append(resolved.index)
    plans = parse_routes(row.get("routes"))
    if plans is None:
        found.append(Defect("routes-malformed"))
    elif not plans:
        found.append(Defect("routes-empty"))
    start, end = ends
    optimal = graph.optimal(start, end) if start is not None and end is not None else None
    if optimal == []:
        found.append(Defect("unreachable", {"station_1": row.get("station_1"), "station_2": row.get("station_2")}))
    reference: int | None = None
    for plan, sections in (plans or {}).items():
        defects, cost = _plan(plan, sections, start, end, graph)
        found += defects
        if cost is not None and optimal:
            reference = cost[0] if reference is None else reference
            best = (optimal[0].transfers, optimal[0].stops)
            if cost > best:
                found.append(Defect("route-not-optimal", {
                    "plan": plan, "extra_transfers": cost[0] - best[0], "extra_stops": cost[1] - best[1],
                    "transfers": cost[0], "stops": cost[1], "optimal_transfers": best[0], "optimal_stops": best[1]}))
    if optimal:
        found += question_labels(row, optimal[0].transfers, reference)
    return found


def _plan(plan: str, sections: list[Section], start: int | None, end: int | None,
          graph: CityGraph) -> tuple[list[Defect], tuple[int, int] | None]:
    """The defects of one reference route and, when it is a valid ride, its (transfers, stops)."""
    lex = graph.lexicon
    found: list[Defect] = []
    if not sections:
        return [Defect("routes-empty", {"plan": plan})], None
    stops: list[tuple[int | None, int | None]] = []
    rides: list[_Ride | None] = []
    lines = [resolve.line(lex, section.route_name) for section in sections]
    first_pass = [[resolve.station(lex, s.departure_stop, line.index), resolve.station(lex, s.arrival_stop, line.index)]
                  for s, line in zip(sections, lines, strict=True)]
    for number, section in enumerate(sections):
        where = {"plan": plan, "section": number}
        line = lines[number]
        if line.index is None:
            found.append(Defect("line-unknown", {**where, "route_name": section.route_name, "how": line.how}))
        pair: list[int | None] = []
        # A name several stations of the line share is the one the route's context names: the row's endpoint, or
        # the stop the neighbouring section hands over at.
        hints = (start if number == 0 else first_pass[number - 1][1].index,
                 end if number == len(sections) - 1 else first_pass[number + 1][0].index)
        for side, field_name in enumerate(("departure_stop", "arrival_stop")):
            name = getattr(section, field_name)
            resolved = first_pass[number][side]
            hint = hints[side]
            if resolved.how == "ambiguous" and hint is not None and graph.may_name(name, hint):
                resolved = resolved._replace(index=hint, how="context")
            if resolved.index is None:
                found.append(Defect("station-unresolved", {**where, "field": field_name, "name": name,
                                                           "how": resolved.how}))
            elif line.index is not None and line.index not in lex.station_lines[resolved.index]:
                found.append(Defect("station-not-on-line", {**where, "field": field_name, "name": name,
                                                            "route_name": section.route_name}))
                resolved = resolved._replace(index=None)
            pair.append(resolved.index)
        stops.append((pair[0], pair[1]))
        ride = None
        if line.index is not None and pair[0] is not None and pair[1] is not None:
            ride, defects = _ride(section, line.index, pair[0], pair[1], graph, where)
            found += defects
        rides.append(ride)
    for number in range(len(sections) - 1):
        arrival, departure = stops[number][1], stops[number + 1][0]
        if arrival is not None and departure is not None and not graph.lexicon.hands_over(arrival, departure):
            found.append(Defect("handover-broken", {"plan": plan, "section": number,
                                                    "arrival_stop": sections[number].arrival_stop,
                                                    "next_departure_stop": sections[number + 1].departure_stop}))
    first, last = stops[0][0], stops[-1][1]
    if (first is not None and start is not None and first != start) or (
            last is not None and end is not None and last != end):
        found.append(Defect("route-endpoints-wrong", {"plan": plan, "departure_stop": sections[0].departure_stop,
                                                      "arrival_stop": sections[-1].arrival_stop}))
    if any(d.kind in _BREAKS_RIDE for d in found) or any(r is None for r in rides):
        return found, None
    valid = [r for r in rides if r is not None]
    return found, (len(valid) - 1 + sum(r.transfers for r in valid), sum(r.stops for r in valid))


def _ride(section: Section, line: int, a: int, b: int, graph: CityGraph,
          where: dict[str, Any]) -> tuple[_Ride | None, list[Defect]]:
    """The section's ride on `line` (the one its via stops name, else the shortest) and its via defects."""
    lex = graph.lexicon
    options = lex.rides(line, a, b)
    if not options:
        return None, [Defect("ride-invalid", {**where, "departure_stop": section.departure_stop})]
    found: list[Defect] = []
    chosen = options[0]
    if section.via_stops is not None:
        match = next((o for o in options if len(o[0]) == len(section.via_stops) and all(
            graph.may_name(name, i, line) for name, i in zip(section.via_stops, o[0], strict=True))), None)
        if match is None:
            found.append(Defect("via-stops-wrong", {**where, "given": section.via_stops,
                                                    "expected": [_name(graph, i) for i in chosen[0]]}))
        else:
            chosen = match
    elif section.num_via_stops is not None:  # a count alone: the ride it counts (a loop either way)
        chosen = next((o for o in options if len(o[0]) == section.num_via_stops), chosen)
    if section.num_via_stops is not None and section.num_via_stops != len(chosen[0]):
        found.append(Defect("via-count-wrong", {**where, "given": section.num_via_stops,
                                                "expected": len(chosen[0])}))
    if not chosen[1]:
        found.append(Defect("ride-crosses-fork", {**where, "route_name": section.route_name}))
    return _Ride(0 if chosen[1] else 1, len(chosen[0]) + 1), found


def _name(graph: CityGraph, index: int) -> str:
    station = graph.network.stations[graph.lexicon.station_ids[index]]
    return next(iter(station.names.values()))
