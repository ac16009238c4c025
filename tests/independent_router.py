"""An independent router for the tests: enumerates ride sequences directly (no expanded graph).

A ride is a trip on one variant of one line (either direction; a loop either way round) between
two of its stations. Routes with the fewest rides are found by breadth-first search over stations,
then every sequence of that many rides with the fewest stops is enumerated by depth-first search
with two admissible bounds (rides still needed, hops still needed).
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
        self.reverse: dict[str, set[str]] = defaultdict(set)
        for rides in self.rides.values():
            for ride in rides:
                self.reverse[ride[2]].add(ride[1])
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for a, b in network.to_networkx().edges():
            self.neighbours[a].add(b)
            self.neighbours[b].add(a)

    def _distances(self, target: str, step) -> dict[str, int]:
        dist = {target: 0}
        queue = deque([target])
        while queue:
            node = queue.popleft()
            for nxt in step(node):
                if nxt not in dist:
                    dist[nxt] = dist[node] + 1
                    queue.append(nxt)
        return dist

    def optimal(self, start: str, end: str) -> tuple[int, int, set[RouteKey]]:
        """(transfers, stops, every optimal route as a key of (line, from, to, via) legs)."""
        rides_to_go = self._distances(end, lambda s: self.reverse[s])
        hops_to_go = self._distances(end, lambda s: self.neighbours[s])
        legs = rides_to_go[start]
        best = [10**9]
        found: dict[int, set[RouteKey]] = defaultdict(set)

        def walk(station: str, left: int, stops: int, path: list) -> None:
            if station == end and left == 0:
                if stops <= best[0]:
                    best[0] = stops
                    found[stops].add(tuple(path))
                return
            if left == 0 or rides_to_go.get(station, 10**9) > left or stops + hops_to_go[station] > best[0]:
                return
            for ride in self.rides[station]:
                walk(ride[2], left - 1, stops + len(ride[3]) + 1, [*path, ride])

        walk(start, legs, 0, [])
        return legs - 1, best[0], found[best[0]]
