"""An independent router for the tests: enumerates ride sequences directly (no expanded graph).

A ride is a trip on one variant of one line (either direction; a loop either way round) between
two of its stations. Routes with the fewest rides are found by breadth-first search over stations,
then every sequence of that many rides with the fewest stops is enumerated by depth-first search
with two admissible bounds (rides still needed, hops still needed).

Walkways (`network.complexes`): after a ride to a station, the next ride may leave from any station
of its complex; the first ride leaves from the start itself (as does any ride after coming back to
the start: no walk from the start) and the last ends at the end itself.
"""

from __future__ import annotations

from collections import defaultdict, deque

from curation.network.model import Network

RouteKey = tuple[tuple[str, str, str, tuple[str, ...]], ...]


def _rides(network: Network) -> dict[str, list[tuple[str, str, str, tuple[str, ...]]]]:
    """station → rides leaving it as (line, start, end, via)."""
    found: set[tuple[str, str, str, tuple[str, ...]]] = set()
    for line in network.lines.values():
        for variant in line.variants:
            n = len(variant)
            for i in range(n):
                for j in range(n):
                    if i == j:
                        continue
                    if line.loop:
                        forward = [variant[(i + k) % n] for k in range(1, (j - i) % n)]
                        backward = [variant[(i - k) % n] for k in range(1, (i - j) % n)]
                        found.add((line.id, variant[i], variant[j], tuple(forward)))
                        found.add((line.id, variant[i], variant[j], tuple(backward)))
                    else:
                        step = 1 if j > i else -1
                        found.add((line.id, variant[i], variant[j], tuple(variant[i + step: j: step])))
    by_start: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = defaultdict(list)
    for ride in sorted(found):
        by_start[ride[1]].append(ride)
    return by_start


class IndependentRouter:
    def __init__(self, network: Network) -> None:
        self.rides = _rides(network)
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for a, b in network.to_networkx().edges():
            self.neighbours[a].add(b)
            self.neighbours[b].add(a)
        self.next_from: dict[str, set[str]] = defaultdict(set)  # arrived here → may board at these
        for group in network.complexes:
            for member in group.stations:
                self.next_from[member] |= set(group.stations)
        for sid in network.stations:
            self.next_from[sid].add(sid)

    def _rides_after(self, end: str) -> tuple[dict[str, int], dict[str, int]]:
        """(fewest rides boarding at a station, fewest rides having arrived at it) to `end`, by relaxation."""
        board: dict[str, int] = {}
        arrived: dict[str, int] = {end: 0}
        changed = True
        while changed:
            changed = False
            for station, rides in self.rides.items():
                options = [1 + arrived[r[2]] for r in rides if r[2] in arrived]
                if options and min(options) < board.get(station, 10**9):
                    board[station], changed = min(options), True
            for station, boards in self.next_from.items():
                options = [board[b] for b in boards if b in board]
                if station != end and options and min(options) < arrived.get(station, 10**9):
                    arrived[station], changed = min(options), True
        return board, arrived

    def _hops_after(self, end: str) -> dict[str, int]:
        """Fewest stops from a station to `end`, walks free (a lower bound of the stops still to ride)."""
        dist = {end: 0}
        queue = deque([end])
        while queue:  # 0-1 breadth-first search: a walk costs 0, a hop 1
            node = queue.popleft()
            steps = [(nxt, 0) for nxt in self.next_from[node]] + [(nxt, 1) for nxt in self.neighbours[node]]
            for nxt, cost in steps:
                if dist[node] + cost < dist.get(nxt, 10**9):
                    dist[nxt] = dist[node] + cost
                    queue.appendleft(nxt) if cost == 0 else queue.append(nxt)
        return dist

    def optimal(self, start: str, end: str) -> tuple[int, int, set[RouteKey]]:
        """(transfers, stops, every optimal route as a key of (line, from, to, via) legs)."""
        board, arrived = self._rides_after(end)
        hops_to_go = self._hops_after(end)
        legs = board[start]
        best = [10**9]
        found: dict[int, set[RouteKey]] = defaultdict(set)

        def walk(station: str, left: int, stops: int, path: list) -> None:
            if station == end and left == 0:
                if stops <= best[0]:
                    best[0] = stops
                    found[stops].add(tuple(path))
                return
            if left == 0 or (arrived if path else board).get(station, 10**9) > left \
                    or stops + hops_to_go[station] > best[0]:
                return
            for boarding in sorted(self.next_from[station]) if path and station != start else [station]:
                for ride in self.rides[boarding]:
                    walk(ride[2], left - 1, stops + len(ride[3]) + 1, [*path, ride])

        walk(start, legs, 0, [])
        return legs - 1, best[0], found[best[0]]
