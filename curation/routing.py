"""Optimal routes on a canonical network: every route with the fewest transfers, then fewest stops.

A *service* is one ride pattern of a line: each variant of a branched line, the single variant of a
simple line, or a loop (ridden either way, across its seam). A *leg* is a ride on one service
between two stations; changing legs is a transfer, so going from one branch of a line to another
means riding to the fork and changing trains there (two legs on the same line). Stations of one
complex (`Network.complexes`) are joined by a walk: a route may ride to one member and board at
another, a transfer like any other (no stop is ridden). A leg then ends at one member and the next
starts at the other. A route neither starts nor ends with a walk (nor walks from its start after
riding back to it).

The search runs Dijkstra on an expanded graph — one node per station (the concourse), one per
(service, position) (the platform), and per complex member an *exit* that riders alighting there
pass, on to the concourse or across the walkway onto a copy of each service of another member that
cannot alight where it was boarded — with lexicographic costs packed into one integer: boarding
costs one leg, riding costs one stop, alighting and walking are free. Every predecessor on an optimal
path is kept, so all optimal routes are enumerated, then legs ridden identically by two variants
of one line (their shared trunk) are merged.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
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

    @property
    def walks(self) -> tuple[tuple[str, str], ...]:
        """The walkway hand-overs (arrival of one leg, departure of the next) where they differ."""
        return tuple((a.end, b.start) for a, b in pairwise(self.legs) if a.end != b.start)

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

    def __init__(self, network: Network, policy: Policy = "transfers", max_routes: int = 10_000,
                 walks: bool = True) -> None:
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
        self._partners = network.walk_partners() if walks else {}
        """Station → the other members of its complex (`walks=False`: none, the network's walkways ignored)."""
        self._exit: dict[str, int] = {}  # complex member → its exit node
        self._build()

    def _build(self) -> None:
        for line_id in sorted(self.network.lines):
            line = self.network.lines[line_id]
            for index, variant in enumerate(line.variants):
                self._services.append(_Service(line_id, index, tuple(variant), line.loop))
        hubs = len(self._station_ids)
        platforms = sum(len(service.stations) for service in self._services)
        copies = sum(len(service.stations) for service in self._services for sid in service.stations
                     if sid in self._partners)
        for offset, sid in enumerate(self._partners):
            self._exit[sid] = hubs + platforms + copies + offset
        for service_index, service in enumerate(self._services):
            first = len(self._adjacency)
            for position, sid in enumerate(service.stations):
                self._station_services.setdefault(sid, []).append(service_index)
                self._platform.append((service_index, position))
                self._adjacency.append([(self._alight(sid), 0), *self._rides(first, service, position)])
                self._adjacency[self._hub[sid]].append((first + position, self._board))  # board
        # Boarding after a walk: a copy of the service for each member it serves, which alights anywhere but
        # at that member (a route must not end with a walk, even one disguised as a ride there and back).
        walk_boarding: dict[str, list[int]] = {}
        for service_index, service in enumerate(self._services):
            for boarded, member in enumerate(service.stations):
                if member not in self._partners:
                    continue
                first = len(self._adjacency)
                walk_boarding.setdefault(member, []).append(first + boarded)
                for position, sid in enumerate(service.stations):
                    self._platform.append((service_index, position))
                    alight = [(self._alight(sid), 0)] if position != boarded else []
                    self._adjacency.append([*alight, *self._rides(first, service, position)])
        for sid, others in self._partners.items():  # exit: to the concourse, or walk and board at another member
            self._adjacency.append([(self._hub[sid], 0)] + [(node, self._board) for other in others
                                                            for node in walk_boarding.get(other, [])])

    def _alight(self, sid: str) -> int:
        """Where a rider alighting at `sid` goes: its exit (a complex member) or its concourse."""
        return self._exit.get(sid, self._hub[sid])

    def _rides(self, first: int, service: _Service, position: int) -> list[tuple[int, int]]:
        """Riding on from `position` of `service`, whose platforms are numbered from node `first`."""
        count = len(service.stations)
        neighbours = [(position - 1) % count, (position + 1) % count] if service.loop else [position - 1, position + 1]
        return [(first + other, self._ride) for other in dict.fromkeys(neighbours) if 0 <= other < count
                and other != position]

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
        best: dict[str, int] = {}
        points = {start}  # where a rider may board: the start, every station reached, and their walk partners
        legs = 1
        while True:
            on_service: dict[int, set[str]] = {}
            for point in points:
                for index in self._station_services.get(point, []):
                    on_service.setdefault(index, set()).add(point)
            reached = [sid for index in sorted(on_service) for sid in self._services[index].stations
                       if sid not in best and sid != start and on_service[index] != {sid}]
            if not reached:
                break
            best.update(dict.fromkeys(reached, legs))
            points |= {*reached, *(p for sid in reached for p in self._partners.get(sid, ()))}
            legs += 1
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
        start_exit = self._exit.get(start)
        heap = [(0, source)]
        while heap:
            cost, node = heapq.heappop(heap)
            if node in done:
                continue
            if target is not None and target in dist and cost > dist[target]:
                break
            done.add(node)
            # No walk from the start: neither after an empty ride nor after riding out and back.
            edges = self._adjacency[node][:1] if node == start_exit else self._adjacency[node]
            for nxt, step in edges:
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

        Nodes are visited by (cost, platforms before exits before concourses): alighting and walking
        cost nothing, every other step costs something, so this order is topological. A platform
        holds the routes so far with the leg being ridden still open; an exit and a concourse hold
        finished routes, merged when two variants ride the same way.
        """
        hubs = len(self._station_ids)
        first_exit = hubs + len(self._platform)
        open_routes: dict[int, list[tuple[tuple[Leg, ...], tuple[int, ...]]]] = {}
        done: dict[int, list[Route]] = {source: [Route(())]}

        def rank(node: int) -> tuple[int, int]:
            return dist[node], 2 if node < hubs else 0 if node < first_exit else 1

        for node in sorted((n for n in nodes if n != source), key=rank):
            if hubs <= node < first_exit:
                states: list[tuple[tuple[Leg, ...], tuple[int, ...]]] = []
                position = self._platform[node - hubs][1]
                for prev in preds[node]:
                    if prev < hubs or prev >= first_exit:  # boarding (at an exit: after a walk)
                        states += [(route.legs, (position,)) for route in done.get(prev, [])]
                    else:  # riding on
                        states += [(legs, (*positions, position)) for legs, positions in open_routes.get(prev, [])]
                open_routes[node] = states[: self.max_routes]
                continue
            unique: dict[tuple[tuple[str, str, str, tuple[str, ...]], ...], Route] = {}
            for prev in preds[node]:
                if prev >= first_exit:  # a complex member's concourse, reached through its exit
                    finished = done.get(prev, [])
                else:
                    service = self._platform[prev - hubs][0]
                    finished = [Route((*legs, self._leg(service, positions)))
                                for legs, positions in open_routes.get(prev, [])]
                for route in finished:
                    key = route.key()
                    known = unique.get(key)
                    if known is None or _variants(route) < _variants(known):
                        unique[key] = route
            done[node] = list(unique.values())[: self.max_routes]
        del done[source]
        return {node: routes for node, routes in done.items() if node < hubs}

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
