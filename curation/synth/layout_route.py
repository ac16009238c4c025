"""Octilinear grid routing: A* over (grid node, incoming direction) with length, bend and crossing costs.

Grid nodes are integer points. A route is a sequence of unit steps in one of eight directions; it
never passes through a station's node, never reuses a grid edge another route uses (except at the
shared ports of a station with more than eight track edges), never turns by 135° or more, and may
cross another route only straight through a node where that route also runs straight, or where two
diagonals cross inside a unit square — both at a cost.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TypeVar

Cell = tuple[int, int]
_State = tuple[Cell, int, int]  # a search state: grid node, incoming direction (-1 at the start), steps taken
_K = TypeVar("_K")
DIRS: tuple[Cell, ...] = ((1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))
STEP_COST = tuple(1.0 if dx == 0 or dy == 0 else math.sqrt(2.0) for dx, dy in DIRS)
BEND_COST = (0.0, 1.0, 3.0)  # a turn of 0°, 45°, 90°; 135° and 180° are never taken
TURN = tuple(tuple(min(abs(a - b), 8 - abs(a - b)) for b in range(8)) for a in range(8))  # in 45° steps
TURNS = tuple(tuple(nd for nd in range(8) if TURN[d][nd] <= 2) for d in range(8))  # directions out of a node
CROSS_COST = 8.0
RESERVE_COST = 3.0  # for passing next to a station whose own routes are still to come
DETOUR_LIMIT = (2.0, 20.0)  # a route dearer than 2 × its straight estimate + 20 counts as failed
MAX_EXPANSIONS = 40_000
RELAXED_COST = 25.0  # relaxed routing: for touching a bend, a third route through a node, or sharing a grid edge


def _grid_edge(a: Cell, b: Cell) -> tuple[Cell, Cell]:
    return (a, b) if a < b else (b, a)


def _square(a: Cell, b: Cell) -> tuple[int, int, bool]:
    """The unit square a diagonal step a→b crosses, and whether it is the falling (\\) diagonal."""
    return min(a[0], b[0]), min(a[1], b[1]), (b[0] - a[0]) == (b[1] - a[1])


@dataclass
class Grid:
    """Occupancy of the routing grid: stations, used grid edges, route nodes, bends and diagonals."""

    bounds: tuple[int, int, int, int]
    station_at: dict[Cell, str] = field(default_factory=dict)
    port_capacity: dict[Cell, int] = field(default_factory=dict)
    edge_use: dict[tuple[Cell, Cell], int] = field(default_factory=dict)
    node_use: dict[Cell, int] = field(default_factory=dict)
    bent: dict[Cell, int] = field(default_factory=dict)
    diagonals: dict[tuple[int, int, bool], int] = field(default_factory=dict)
    reserved: dict[Cell, int] = field(default_factory=dict)
    halo: dict[Cell, set[Cell]] = field(default_factory=dict)

    def placeable(self, cell: Cell, ends: set[Cell]) -> bool:
        """Whether a station may go on `cell` of a route between `ends`: on no route, on no other key's port."""
        return not self.node_use.get(cell, 0) and self.halo.get(cell, ends) <= ends

    def _capacity(self, a: Cell, b: Cell, src: Cell, dst: Cell) -> int:
        cap = 1
        for end in (src, dst):
            if end in (a, b):
                cap = max(cap, self.port_capacity.get(end, 1))
        return cap

    def route(self, src: Cell, dst: Cell, need: int, corridor: dict[Cell, float] | None = None,
              relaxed: bool = False) -> list[Cell] | None:
        """The cheapest admissible route src→dst with at least `need` placeable interior nodes, or None.

        `corridor` adds a cost per grid node (far from the metro edge's embedded course: dearer);
        `relaxed` turns the rules against meeting other routes (at their bends, at a node already
        crossed, along a used grid edge) into high costs: still a valid drawing, only a busier one.
        """
        x0, y0, x1, y1 = self.bounds
        sq2m1 = math.sqrt(2.0) - 1.0
        ends = {src, dst}

        def estimate(c: Cell, s: int) -> float:
            dx, dy = abs(c[0] - dst[0]), abs(c[1] - dst[1])
            return max(max(dx, dy) + sq2m1 * min(dx, dy), need - s + 1)

        start = (src, -1, 0)
        best: dict[tuple[Cell, int, int], float] = {start: 0.0}
        parent: dict[_State, _State] = {}
        heap: list[tuple[float, int, float, tuple[Cell, int, int]]] = [(estimate(src, 0), 0, 0.0, start)]
        counter = 1
        expansions = 0
        limit = DETOUR_LIMIT[0] * estimate(src, 0) + DETOUR_LIMIT[1] + (4 * RELAXED_COST if relaxed else 0.0)
        near = {(end[0] + dx, end[1] + dy) for end in (src, dst) for dx, dy in DIRS}
        corridor = corridor or {}
        far = max(corridor.values(), default=0.0)
        while heap:
            f, _, g, state = heapq.heappop(heap)
            if g > best[state]:
                continue
            cell, d, s = state
            if cell == dst:
                return self._unwind(state, parent)
            if f > limit:
                return None
            expansions += 1
            if expansions > MAX_EXPANSIONS:
                return None
            moves = self._moves(cell, d, src, dst, parent.get(state), relaxed)
            for nd in moves:
                dx, dy = DIRS[nd]
                nxt = (cell[0] + dx, cell[1] + dy)
                if not (x0 <= nxt[0] <= x1 and y0 <= nxt[1] <= y1):
                    continue
                gedge = _grid_edge(cell, nxt)
                used = self.edge_use.get(gedge, 0)
                cost = STEP_COST[nd] + (BEND_COST[TURN[d][nd]] if d >= 0 else 0.0)
                if used and used >= (self._capacity(cell, nxt, src, dst) if self.port_capacity else 1):
                    if not relaxed:
                        continue
                    cost += RELAXED_COST * used
                ns = s
                if nxt == dst:
                    if ns < need:
                        continue
                elif nxt in self.station_at:
                    continue
                elif self.node_use.get(nxt, 0):
                    shared_port = used > 0 and cell == src
                    into_port = (
                        self.port_capacity.get(dst, 1) > 1
                        and max(abs(nxt[0] - dst[0]), abs(nxt[1] - dst[1])) == 1
                        and self.edge_use.get(_grid_edge(nxt, dst), 0) > 0
                    )
                    if not (shared_port or into_port):
                        if nxt in self.bent or self.node_use[nxt] > 1:
                            if not relaxed:
                                continue
                            cost += RELAXED_COST
                        cost += CROSS_COST
                if nxt != dst and s < need and self.placeable(nxt, ends):
                    ns = s + 1
                cost += corridor.get(nxt, far)
                if used:
                    cost += CROSS_COST  # a shared port
                if nxt in self.reserved and nxt not in near:
                    cost += RESERVE_COST * self.reserved[nxt]
                if dx and dy:
                    sx, sy, falling = _square(cell, nxt)
                    if (sx, sy, not falling) in self.diagonals:
                        cost += CROSS_COST
                key = (nxt, nd, ns)
                ng = g + cost
                if ng < best.get(key, math.inf) - 1e-12:
                    best[key] = ng
                    parent[key] = state
                    heapq.heappush(heap, (ng + estimate(nxt, ns), counter, ng, key))
                    counter += 1
        return None

    def _moves(self, cell: Cell, d: int, src: Cell, dst: Cell, came: tuple[Cell, int, int] | None,
               relaxed: bool) -> list[int]:
        """Directions allowed out of `cell` entered along direction `d`."""
        if d < 0:
            return list(range(8))
        turns = list(TURNS[d])
        if relaxed or cell == src or not self.node_use.get(cell, 0):
            return turns
        if came is not None and came[0] == src and self.edge_use.get(_grid_edge(src, cell), 0) > 0:
            return turns  # the fork node just past a shared port
        if (
            self.port_capacity.get(dst, 1) > 1
            and max(abs(cell[0] - dst[0]), abs(cell[1] - dst[1])) == 1
            and self.edge_use.get(_grid_edge(cell, dst), 0)
        ):
            step = (dst[0] - cell[0], dst[1] - cell[1])
            return [nd for nd in turns if DIRS[nd] == step]
        return [d]  # crossing another route: straight on

    @staticmethod
    def _unwind(state: _State, parent: dict[_State, _State]) -> list[Cell]:
        cells = [state[0]]
        while state in parent:
            state = parent[state]
            cells.append(state[0])
        return cells[::-1]

    def reserve(self, station: Cell, count: int) -> None:
        """Add `count` (may be negative) open routes to the grid nodes around `station`."""
        for dx, dy in DIRS:
            cell = (station[0] + dx, station[1] + dy)
            left = self.reserved.get(cell, 0) + count
            if left > 0:
                self.reserved[cell] = left
            else:
                self.reserved.pop(cell, None)

    def commit(self, cells: list[Cell]) -> None:
        """Mark a found route as used."""
        self._count(cells, 1)

    def release(self, cells: list[Cell]) -> None:
        """Undo `commit` of the same route (rip it up)."""
        self._count(cells, -1)

    def _count(self, cells: list[Cell], delta: int) -> None:
        for a, b in pairwise(cells):
            _bump(self.edge_use, _grid_edge(a, b), delta)
            if a[0] != b[0] and a[1] != b[1]:
                _bump(self.diagonals, _square(a, b), delta)
        for i in range(1, len(cells) - 1):
            c = cells[i]
            _bump(self.node_use, c, delta)
            before = (c[0] - cells[i - 1][0], c[1] - cells[i - 1][1])
            after = (cells[i + 1][0] - c[0], cells[i + 1][1] - c[1])
            if before != after:
                _bump(self.bent, c, delta)


def _bump(counts: dict[_K, int], key: _K, delta: int) -> None:
    """Add `delta` to `counts[key]`, dropping the key at zero."""
    left = counts.get(key, 0) + delta
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)
