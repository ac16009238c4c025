"""Optimal routes on a canonical network: every route with the fewest transfers, then fewest stops.

A *service* is one ride pattern of a line: each variant of a branched line, the single variant of a
simple line, or a loop (ridden either way, across its seam). A *leg* is a ride on one service
between two stations; changing legs is a transfer, so going from one branch of a line to another
means riding to the fork and changing trains there (two legs on the same line).

The search runs Dijkstra on an expanded graph — one node per station (the concourse) and one per
(service, position) (the platform) — with lexicographic costs packed into one integer:
boarding costs one leg, riding costs one stop, alighting is free. Every predecessor on an optimal
path is kept, so all optimal routes are enumerated, then legs ridden identically by two variants
of one line (their shared trunk) are merged.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from curation.errors import UnknownStationError
from curation.network.model import Network

Policy = Literal["transfers", "stops"]
_SCALE = 1_000_000  # one unit of the primary cost outweighs any number of secondary units


@dataclass(frozen=True)
class Leg:
    """One ride: `via` lists the stations strictly between `start` and `end`, in riding order.

    `direction` is `forward` or `backward` along the variant's stored order; `towards` is the
    variant's terminus in that direction, or for a loop the next station after `start`.
    """

    line: str
    variant: int
    direction: str
    towards: str
    start: str
    end: str
    via: tuple[str, ...]

    @property
    def stops(self) -> int:
        """Stations ridden past, the arrival included."""
        return len(self.via) + 1

    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        """What a rider does, whichever variant's train they take."""
        return (self.line, self.start, self.end, self.via)

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "variant": self.variant, "direction": self.direction,
                "towards": self.towards, "from": self.start, "to": self.end, "via": list(self.via)}


@dataclass(frozen=True)
class Route:
    """Legs from the first departure to the last arrival."""

    legs: tuple[Leg, ...]

    @property
    def transfers(self) -> int:
        return len(self.legs) - 1

    @property
    def stops(self) -> int:
        return sum(leg.stops for leg in self.legs)

    def key(self) -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
        return tuple(leg.key() for leg in self.legs)


@dataclass(frozen=True)
class _Service:
    line: str
    variant: int
    stations: tuple[str, ...]
    loop: bool


class Router:
    """All optimal routes between stations of one network (build once, query many times)."""

    def __init__(self, network: Network, policy: Policy = "transfers", max_routes: int = 10_000) -> None:
        if policy not in ("transfers", "stops"):
            raise ValueError(f"policy must be 'transfers' or 'stops', but got {policy!r}")
        self.network = network
        self.policy = policy
        self.max_routes = max_routes
        self._board, self._ride = (_SCALE, 1) if policy == "transfers" else (1, _SCALE)
        self._station_ids = sorted(network.stations)
        self._hub = {sid: i for i, sid in enumerate(self._station_ids)}
        self._services: list[_Service] = []
        self._platform: list[tuple[int, int]] = []  # node - len(stations) -> (service, position)
        self._adjacency: list[list[tuple[int, int]]] = [[] for _ in self._station_ids]
        self._station_services: dict[str, list[int]] = {}
        self._fewest_legs: dict[str, Mapping[str, int]] = {}
        self._build()

    def _build(self) -> None:
        for line_id in sorted(self.network.lines):
            line = self.network.lines[line_id]
            for index, variant in enumerate(line.variants):
                self._services.append(_Service(line_id, index, tuple(variant), line.loop))
        for service_index, service in enumerate(self._services):
            first = len(self._adjacency)
            count = len(service.stations)
            for position, sid in enumerate(service.stations):
                self._station_services.setdefault(sid, []).append(service_index)
                node = first + position
                self._platform.append((service_index, position))
                self._adjacency.append([(self._hub[sid], 0)])  # alight
                self._adjacency[self._hub[sid]].append((node, self._board))  # board
            for position in range(count):
                neighbours = [position - 1, position + 1]
                if service.loop:
                    neighbours = [(position - 1) % count, (position + 1) % count]
                for other in neighbours:
                    if 0 <= other < count and other != position:
                        self._adjacency[first + position].append((first + other, self._ride))

    # -- queries ---------------------------------------------------------------------------

    def routes(self, start: str, end: str) -> list[Route]:
        """Every optimal route from `start` to `end`, in a stable order (empty if unreachable)."""
        if start == end:
            raise ValueError("start and end must differ")
        dist, preds = self._search(start, stop_at=end)
        target = self._node(end)
        if target not in dist:
            return []
        ancestors = {target}
        stack = [target]
        while stack:  # only nodes on some optimal path to the target matter
            for prev in preds[stack.pop()]:
                if prev not in ancestors:
                    ancestors.add(prev)
                    stack.append(prev)
        found = self._routes_to(dist, preds, self._node(start), ancestors)
        return _ordered(found.get(target, []))

    def routes_from(self, start: str) -> dict[str, list[Route]]:
        """Every optimal route from `start` to each other reachable station (one search for all)."""
        dist, preds = self._search(start)
        found = self._routes_to(dist, preds, self._node(start), dist)
        return {end: _ordered(found[self._hub[end]]) for end in self._station_ids
                if end != start and self._hub[end] in found}

    def fewest_legs(self, start: str) -> Mapping[str, int]:
        """Fewest legs (transfers + 1) from `start` to every reachable station, sorted by id (cached)."""
        cached = self._fewest_legs.get(start)
        if cached is not None:
            return cached
        station_services = self._station_services
        best: dict[str, int] = {start: 0}
        frontier = set(station_services.get(start, []))
        seen_services = set(frontier)
        legs = 1
        while frontier:
            reached = {sid for index in frontier for sid in self._services[index].stations}
            for sid in sorted(reached):  # sorted: the result's order must not depend on hashing
                best.setdefault(sid, legs)
            frontier = {i for sid in reached for i in station_services[sid]} - seen_services
            seen_services |= frontier
            legs += 1
        del best[start]
        self._fewest_legs[start] = MappingProxyType(dict(sorted(best.items())))
        return self._fewest_legs[start]

    # -- internals -------------------------------------------------------------------------

    def _node(self, station_id: str) -> int:
        """The station's graph node; an `UnknownStationError` (a `KeyError`) for an id the network lacks."""
        node = self._hub.get(station_id)
        if node is None:
            raise UnknownStationError(f"no station {station_id!r} in the {self.network.city} network")
        return node

    def _search(self, start: str, stop_at: str | None = None) -> tuple[dict[int, int], dict[int, list[int]]]:
        source = self._node(start)
        target = self._node(stop_at) if stop_at is not None else None
        dist: dict[int, int] = {source: 0}
        preds: dict[int, list[int]] = {source: []}
        done: set[int] = set()
        heap = [(0, source)]
        while heap:
            cost, node = heapq.heappop(heap)
            if node in done:
                continue
            if target is not None and target in dist and cost > dist[target]:
                break
            done.add(node)
            for nxt, step in self._adjacency[node]:
                new = cost + step
                old = dist.get(nxt)
                if old is None or new < old:
                    dist[nxt] = new
                    preds[nxt] = [node]
                    heapq.heappush(heap, (new, nxt))
                elif new == old and node not in preds[nxt]:
                    preds[nxt].append(node)
        return dist, preds

    def _routes_to(self, dist: dict[int, int], preds: dict[int, list[int]], source: int,
                   nodes: Iterable[int]) -> dict[int, list[Route]]:
        """Optimal routes from `source` to the station nodes among `nodes`, built forward over the
        predecessor DAG (`nodes` must hold every node on those routes).

        Nodes are visited by (cost, platforms before concourses): alighting costs nothing, every
        other step costs something, so this order is topological. A platform holds the routes so
        far with the leg being ridden still open; a concourse holds finished routes, merged when
        two variants ride the same way.
        """
        hubs = len(self._station_ids)
        open_routes: dict[int, list[tuple[tuple[Leg, ...], tuple[int, ...]]]] = {}
        done: dict[int, list[Route]] = {source: [Route(())]}
        for node in sorted((n for n in nodes if n != source), key=lambda n: (dist[n], n < hubs)):
            if node >= hubs:
                states: list[tuple[tuple[Leg, ...], tuple[int, ...]]] = []
                position = self._platform[node - hubs][1]
                for prev in preds[node]:
                    if prev < hubs:  # boarding
                        states += [(route.legs, (position,)) for route in done.get(prev, [])]
                    else:  # riding on
                        states += [(legs, (*positions, position)) for legs, positions in open_routes.get(prev, [])]
                open_routes[node] = states[: self.max_routes]
            else:
                unique: dict[tuple[tuple[str, str, str, tuple[str, ...]], ...], Route] = {}
                for prev in preds[node]:
                    service = self._platform[prev - hubs][0]
                    for legs, positions in open_routes.get(prev, []):
                        route = Route((*legs, self._leg(service, positions)))
                        key = route.key()
                        known = unique.get(key)
                        if known is None or _variants(route) < _variants(known):
                            unique[key] = route
                done[node] = list(unique.values())[: self.max_routes]
        del done[source]
        return done

    def _leg(self, service_index: int, positions: tuple[int, ...]) -> Leg:
        service = self._services[service_index]
        stations = [service.stations[p] for p in positions]
        count = len(service.stations)
        step = (positions[1] - positions[0]) % count if len(positions) > 1 else 1
        forward = step == 1
        if service.loop:
            towards = service.stations[(positions[0] + (1 if forward else -1)) % count]
        else:
            towards = service.stations[-1] if forward else service.stations[0]
        return Leg(service.line, service.variant, "forward" if forward else "backward", towards,
                   stations[0], stations[-1], tuple(stations[1:-1]))


def _variants(route: Route) -> tuple[int, ...]:
    return tuple(leg.variant for leg in route.legs)


def _ordered(routes: list[Route]) -> list[Route]:
    return sorted(routes, key=lambda route: (route.transfers, route.stops, route.key()))
