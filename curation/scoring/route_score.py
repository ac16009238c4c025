"""Score a route answer against the gold routes of a planning question.

Accuracy follows the benchmark (reference §4): the first departure is the origin, the last
arrival the destination, every route name is a line of the city, both stops of each block are
on its line, and each arrival is the next departure — or a station of its complex, the map's walkway
between two differently named stations (`Network.complexes`). Reported beside it, never folded into it:

- `direction_ok`: the route never doubles back (no station ridden through twice) and listed via
  stops run from the departure towards the arrival, in order;
- `optimal_transfers` / `optimal_stops`: rides and stops equal the gold's (an accurate answer
  only; riding from one branch of a line to another counts as two rides, as the gold does);
- `via_ok` (long questions): every block's via count, or via list, is right for the ride written.

The map score is the benchmark's partial credit against every gold route (the best counts), with
its defects fixed: the reference arrival is the reference's arrival, names are resolved through
the lexicon, a reference via count of zero does not divide by zero.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, NamedTuple

from curation.scoring import resolve
from curation.scoring.ground_truth import RouteLeg
from curation.scoring.lexicon import CompiledLexicon, Resolved
from curation.scoring.route_text import VIA_COUNT, VIA_LIST, RouteBlock

SHORT_PARTIAL_CAP, SHORT_ACCURATE_BONUS = 10, 10
LONG_PARTIAL_CAP, LONG_ACCURATE_BONUS = 20, 20
VIA_COUNT_POINTS, VIA_MATCH_CAP = 4.0, 10


class Ride(NamedTuple):
    """A block resolved to indices (None where a name did not resolve)."""

    line: int | None
    departure: int | None
    arrival: int | None
    via_count: int | None
    via: tuple[int | None, ...] | None


class GoldLeg(NamedTuple):
    line: int
    departure: int
    arrival: int
    via: tuple[int, ...]


def resolve_blocks(lexicon: CompiledLexicon, blocks: list[RouteBlock]) -> tuple[list[Ride], list[str]]:
    """Blocks as rides, and the names that did not resolve (`route: …`, `station: …`)."""
    rides, unresolved = [], []
    for block in blocks:
        line = resolve.line(lexicon, block.route)
        if line.index is None:
            line = _line_choice(lexicon, block) or line
        departure = resolve.station(lexicon, block.departure, line.index)
        arrival = resolve.station(lexicon, block.arrival, line.index)
        via = resolve.station_list(lexicon, block.via_list, line.index)
        for kind, value, result in (("route", block.route, line), ("station", block.departure, departure),
                                    ("station", block.arrival, arrival)):
            if value and result.index is None:
                unresolved.append(f"{kind} ({result.how}): {value}")
        for item in via or ():
            if item.index is None:
                unresolved.append(f"via ({item.how})")
        rides.append(Ride(line.index, departure.index, arrival.index, resolve.count(block.via_count),
                          None if via is None else tuple(r.index for r in via)))
    return rides, unresolved


def _line_choice(lexicon: CompiledLexicon, block: RouteBlock) -> Resolved | None:
    """`4/5/6` between two stops all three serve is a ride on any of them (the first stands for it).

    A list with a line that does not serve both stops is not resolved: listing every line must
    not find the right one.
    """
    options = resolve.line_options(lexicon, block.route)
    if not options:
        return None
    for option in options:
        ends = (resolve.station(lexicon, block.departure, option).index,
                resolve.station(lexicon, block.arrival, option).index)
        if not all(e is not None and e in lexicon.line_members[option] for e in ends):
            return Resolved(None, "ambiguous")
    return Resolved(options[0], "choice")


def resolved_gold(lexicon: CompiledLexicon, routes: list[list[RouteLeg]]) -> list[list[GoldLeg]]:
    """Gold routes (lists of `[line, from, to, via]` ids) as indices."""
    s, ln = lexicon.station_index, lexicon.line_index
    return [[GoldLeg(ln[leg[0]], s[leg[1]], s[leg[2]], tuple(s[v] for v in leg[3])) for leg in route]
            for route in routes]


@dataclass
class RouteChecks:
    endpoints_ok: bool
    lines_ok: bool
    stops_on_lines_ok: bool
    handovers_ok: bool
    accurate: bool
    direction_ok: bool | None
    rides: int | None
    stops: int | None
    optimal_transfers: bool | None
    optimal_stops: bool | None
    via_ok: bool | None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def check(lexicon: CompiledLexicon, rides: list[Ride], origin: int, destination: int, gold_rides: int,
          gold_stops: int, via_field: str | None) -> RouteChecks:
    """The accuracy rule and the separately reported checks."""
    endpoints = bool(rides) and rides[0].departure == origin and rides[-1].arrival == destination
    lines_ok = bool(rides) and all(r.line is not None for r in rides)
    on_line = lines_ok and all(_on_line(lexicon, r) for r in rides)
    handovers = all(lexicon.hands_over(a.arrival, b.departure) for a, b in itertools.pairwise(rides))
    accurate = endpoints and lines_ok and on_line and handovers
    if not on_line:
        return RouteChecks(endpoints, lines_ok, on_line, handovers, accurate, None, None, None, None, None,
                           False if via_field else None)
    chosen = [_choose_ride(lexicon, r) for r in rides]
    visited = [s for ride, (between, _) in zip(rides, chosen, strict=True) for s in (ride.departure, *between)]
    visited.append(rides[-1].arrival)
    no_doubling_back = len(set(visited)) == len(visited)
    vias_in_order = all(_via_in_order(r.via, between) for r, (between, _) in zip(rides, chosen, strict=True))
    ride_count = sum(1 if single else 2 for _, single in chosen)
    stops = sum(len(between) + 1 for between, _ in chosen)
    via_ok = None
    if via_field == VIA_COUNT:
        via_ok = all(r.via_count is not None and any(len(b) == r.via_count for b, _ in _rides_of(lexicon, r))
                     for r in rides)
    elif via_field == VIA_LIST:
        via_ok = all(r.via is not None and r.via == between for r, (between, _) in zip(rides, chosen, strict=True))
    return RouteChecks(
        endpoints, lines_ok, on_line, handovers, accurate, no_doubling_back and vias_in_order,
        ride_count, stops,
        (ride_count == gold_rides) if accurate else None,
        (ride_count == gold_rides and stops == gold_stops) if accurate else None,
        via_ok,
    )


def _on_line(lexicon: CompiledLexicon, ride: Ride) -> bool:
    members = lexicon.line_members[ride.line] if ride.line is not None else ()
    return (ride.departure in members and ride.arrival in members and ride.departure != ride.arrival
            and bool(_rides_of(lexicon, ride)))


def _rides_of(lexicon: CompiledLexicon, ride: Ride) -> tuple[tuple[tuple[int, ...], bool], ...]:
    assert ride.line is not None and ride.departure is not None and ride.arrival is not None
    return lexicon.rides(ride.line, ride.departure, ride.arrival)


def _choose_ride(lexicon: CompiledLexicon, ride: Ride) -> tuple[tuple[int, ...], bool]:
    """The ride the block means: the one its via stops describe best, else the shortest."""
    options = _rides_of(lexicon, ride)
    if ride.via:
        named = [v for v in ride.via if v is not None]
        return max(options, key=lambda o: (sum(v in o[0] for v in named), -len(o[0])))
    count = ride.via_count
    if count is not None:
        return min(options, key=lambda o: (abs(len(o[0]) - count), len(o[0])))
    return options[0]


def _via_in_order(via: tuple[int | None, ...] | None, between: tuple[int, ...]) -> bool:
    if not via:
        return True
    positions = [between.index(v) for v in via if v in between]
    return positions == sorted(positions)


def map_score(rides: list[Ride], gold: list[GoldLeg], endpoints: bool, accurate: bool, via_field: str | None) -> float:
    """The benchmark's map score of `rides` against one gold route (short max 20, long max 40)."""
    partial = 1.0 if endpoints else 0.0
    for ride, leg in zip(rides, gold, strict=False):
        partial += 2 * (ride.line == leg.line) + (ride.departure == leg.departure) + (ride.arrival == leg.arrival)
    partial = min(partial, SHORT_PARTIAL_CAP)
    if via_field is None:
        return partial + (SHORT_ACCURATE_BONUS if accurate else 0)
    if via_field == VIA_COUNT:
        partial += sum(_via_count_points(ride.via_count, len(leg.via)) for ride, leg in zip(rides, gold, strict=False))
    else:
        partial += _via_list_points(rides, gold)
    return min(partial, LONG_PARTIAL_CAP) + (LONG_ACCURATE_BONUS if accurate else 0)


def _via_count_points(stated: int | None, reference: int) -> float:
    if stated is None:
        return 0.0
    error = abs(stated - reference)
    if error == 0:
        return VIA_COUNT_POINTS
    return max(0.0, VIA_COUNT_POINTS - VIA_COUNT_POINTS * error / reference) if reference else 0.0


def _via_list_points(rides: list[Ride], gold: list[GoldLeg]) -> float:
    """Mean of the matched via stops (capped) and 10 × IoU; unresolved names count as wrong stops."""
    named = [v for r in rides for v in (r.via or ())]
    predicted = {v for v in named if v is not None}
    unresolved = sum(v is None for v in named)
    reference = {v for leg in gold for v in leg.via}
    matched = len(predicted & reference)
    union = len(predicted | reference) + unresolved
    iou = matched / union if union else 1.0
    return (min(matched, VIA_MATCH_CAP) + 10 * iou) / 2


def gold_rides(gold: list[GoldLeg]) -> list[Ride]:
    return [Ride(leg.line, leg.departure, leg.arrival, len(leg.via), leg.via) for leg in gold]
