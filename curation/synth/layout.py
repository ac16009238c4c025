"""Octilinear schematic layout of a canonical network from its topology alone.

Chains of degree-2 stations are contracted into metro edges between key stations (termini, forks,
crossings). A stress-majorization embedding of every station, turned to fit the eight grid
directions, places the key stations; they are snapped to distinct integer grid nodes. Each metro
edge is then routed on the 8-connected grid (`layout_route`), longest first, and its intermediate
stations are spread evenly over grid nodes of the route that no other route crosses. A metro edge
that cannot be routed goes first in the next attempt; repeated failures enlarge the grid. Once all
are routed, a relaxed route is tried strictly after lifting the routes it meets (rip-up and reroute),
and then every metro edge is rerouted once with all others in place, under a looser corridor: the
early routes now pay for the crossings with later ones, and may straighten.

All stations sit on distinct integer points, so any two are at least 1.0 apart (Chebyshev and
Euclidean); a course only passes through grid nodes, so it never comes within 0.5 of a station it
does not end at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx
import numpy as np

from curation.errors import MapcurateError
from curation.network.model import Network
from curation.synth.geometry import Edge, Layout, Point, edge_key, track_edges
from curation.synth.layout_embed import declutter, octilinear_rotation, rotate, stress_layout
from curation.synth.layout_route import DIRS, Cell, Grid

_MARGIN = 3
_ATTEMPTS = 10
_STRICT_ATTEMPTS = 4  # later attempts route what still fails with `relaxed` rules
_GROWTH = 1.25
_SCALE_QUANTILE = 0.6
_GAP = 2.0  # embedding gap (grid units) between any two stations before snapping
_KEY_GAP = 3.0  # ... and between two key stations
_LANE_COST = 0.4  # routing cost per step and per grid unit away from the chain's embedded course
_LANE_WIDTH = 5  # beyond this distance the cost stays the same
_IMPROVE_PASSES = 1  # rip-up-and-reroute rounds over every chain once all are routed
_IMPROVE_LANE_COST = 0.1  # ... with a looser corridor, so that a reroute may straighten


class LayoutError(MapcurateError):
    """The network could not be laid out on an octilinear grid."""


@dataclass
class _Placement:
    """An attempt: every station's grid node, each routed chain's grid path, the grid and the relaxed chains."""

    stations: dict[str, Cell]
    paths: dict[_Chain, list[Cell]]
    grid: Grid
    relaxed: set[_Chain]


@dataclass(frozen=True)
class _Chain:
    """A metro edge: key station, intermediate stations, key station (in riding order)."""

    stations: tuple[str, ...]

    @property
    def hops(self) -> int:
        return len(self.stations) - 1


def layout_network(network: Network, seed: int = 0) -> Layout:
    """Lay `network` out octilinearly in grid units; the same (network, seed) gives the same layout."""
    nodes = sorted(network.stations)
    if not nodes:
        raise LayoutError(f"`network` must have at least one station, but got none in {network.city!r}")
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(track_edges(network))
    chains = contract(graph)
    pos = stress_layout(graph, nodes, seed)
    index = {node: i for i, node in enumerate(nodes)}
    if graph.number_of_edges():
        pos = rotate(pos, octilinear_rotation(np.array([pos[index[a]] - pos[index[b]] for a, b in graph.edges])))
    coords = {node: (float(pos[i, 0]), float(pos[i, 1])) for i, node in enumerate(nodes)}
    keys = sorted({c.stations[0] for c in chains} | {c.stations[-1] for c in chains} | set(nx.isolates(graph)))
    scale = _initial_scale(chains, coords)
    is_key = np.array([node in set(keys) for node in nodes])
    gap = np.where(is_key[:, None] & is_key[None, :], _KEY_GAP, _GAP)
    order = _route_order(graph, chains)
    spread = declutter(pos * scale, gap)
    for attempt in range(_ATTEMPTS):
        if attempt:
            spread = spread * _GROWTH
        grid_coords = {node: (float(spread[i, 0]), float(spread[i, 1])) for i, node in enumerate(nodes)}
        placed, failed = _attempt(graph, keys, order, grid_coords, attempt >= _STRICT_ATTEMPTS)
        if not failed:
            _improve(placed, order, grid_coords)
            return _to_layout(graph, chains, placed)
        order = failed + [c for c in order if c not in failed]
    raise LayoutError(f"`network` must be routable on an octilinear grid, but {network.city!r} was not "
                      f"after {_ATTEMPTS} attempts")


def contract(graph: nx.Graph[str]) -> list[_Chain]:
    """Metro edges between key stations (degree ≠ 2), with no self-loops: a cycle gets extra key stations."""
    keys = {n for n in graph if graph.degree(n) != 2}
    for component in sorted(nx.connected_components(graph), key=min):
        if not keys & component:
            keys.add(min(component))
    while True:
        chains = _walk(graph, keys)
        loops = [c for c in chains if c.stations[0] == c.stations[-1]]
        if not loops:
            return chains
        for chain in loops:
            keys.add(chain.stations[len(chain.stations) // 2])


def _walk(graph: nx.Graph[str], keys: set[str]) -> list[_Chain]:
    seen: set[Edge] = set()
    chains = []
    for start in sorted(keys):
        for first in sorted(graph[start]):
            if edge_key(start, first) in seen:
                continue
            path = [start, first]
            while path[-1] not in keys:
                prev, here = path[-2], path[-1]
                path.append(next(n for n in sorted(graph[here]) if n != prev))
            seen.update(edge_key(a, b) for a, b in pairwise(path))
            chains.append(_Chain(tuple(path)))
    return chains


def _route_order(graph: nx.Graph[str], chains: list[_Chain]) -> list[_Chain]:
    """Breadth-first from the busiest key station, so the drawing grows outwards as one piece."""
    at: dict[str, list[_Chain]] = {}
    for chain in chains:
        for end in (chain.stations[0], chain.stations[-1]):
            at.setdefault(end, []).append(chain)
    rank = {node: (-graph.degree(node), node) for node in at}
    order: list[_Chain] = []
    done: set[_Chain] = set()
    visited: set[str] = set()
    for root in sorted(at, key=rank.__getitem__):
        if root in visited:
            continue
        visited.add(root)
        queue = [root]
        while queue:
            node = queue.pop(0)
            for chain in sorted(at[node], key=lambda c: (c.hops, c.stations)):
                if chain in done:
                    continue
                done.add(chain)
                order.append(chain)
                other = chain.stations[-1] if chain.stations[0] == node else chain.stations[0]
                if other not in visited:
                    visited.add(other)
                    queue.append(other)
    return order


def _initial_scale(chains: list[_Chain], coords: dict[str, Point]) -> float:
    """Grid units per embedding unit so that most metro edges span at least as many grid steps as hops."""
    ratios = []
    for chain in chains:
        (ax, ay), (bx, by) = coords[chain.stations[0]], coords[chain.stations[-1]]
        span = max(abs(ax - bx), abs(ay - by))
        ratios.append(chain.hops / max(span, 1e-6))
    if not ratios:
        return 1.0
    return min(4.0, max(1.0, float(np.quantile(ratios, _SCALE_QUANTILE))))


def _snap(keys: list[str], graph: nx.Graph[str], coords: dict[str, Point]) -> dict[str, Cell]:
    """Each key station on the grid node nearest its scaled position with no other key station around it."""
    taken: set[Cell] = set()
    cells: dict[str, Cell] = {}
    for key in sorted(keys, key=lambda k: (-graph.degree(k), k)):
        tx, ty = coords[key]
        cx, cy = round(tx), round(ty)
        radius = 0
        while key not in cells:
            ring = [(cx + dx, cy + dy) for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)
                    if max(abs(dx), abs(dy)) == radius and (cx + dx, cy + dy) not in taken]
            if ring:
                cell = min(ring, key=lambda c: ((c[0] - tx) ** 2 + (c[1] - ty) ** 2, c))
                cells[key] = cell
                taken.update((cell[0] + dx, cell[1] + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
            radius += 1
    return cells


def _attempt(graph: nx.Graph[str], keys: list[str], order: list[_Chain], coords: dict[str, Point],
             relax: bool) -> tuple[_Placement, list[_Chain]]:
    """Route every chain; returns station cells with each chain's grid path, and the chains that failed."""
    cells = _snap(keys, graph, coords)
    xs = [c[0] for c in cells.values()]
    ys = [c[1] for c in cells.values()]
    longest = max((c.hops for c in order), default=0)
    margin = _MARGIN + longest // 4
    grid = Grid(bounds=(min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin))
    for key, cell in cells.items():
        grid.station_at[cell] = key
        if graph.degree(key) > 8:
            grid.port_capacity[cell] = math.ceil(graph.degree(key) / 8)
    open_routes: dict[str, int] = {}
    for chain in order:
        for end in (chain.stations[0], chain.stations[-1]):
            open_routes[end] = open_routes.get(end, 0) + 1
    for key, count in sorted(open_routes.items()):
        grid.reserve(cells[key], count)
    for cell in cells.values():  # a key station's neighbours are its ports: no other chain's station goes there
        for dx, dy in DIRS:
            grid.halo.setdefault((cell[0] + dx, cell[1] + dy), set()).add(cell)
    stations: dict[str, Cell] = dict(cells)
    paths: dict[_Chain, list[Cell]] = {}
    failed: list[_Chain] = []
    relaxed: set[_Chain] = set()
    for chain in order:
        src, dst = cells[chain.stations[0]], cells[chain.stations[-1]]
        grid.reserve(src, -1)
        grid.reserve(dst, -1)
        lane = corridor(chain, coords)
        path = grid.route(src, dst, chain.hops - 1, lane)
        if path is None and relax:
            path = grid.route(src, dst, chain.hops - 1, lane, relaxed=True)
            relaxed.add(chain)
        spots = _spread(path, chain.hops, grid) if path is not None and len(set(path)) == len(path) else None
        if path is None or spots is None:
            failed.append(chain)
            continue
        grid.commit(path)
        for station, index in zip(chain.stations[1:-1], spots, strict=True):
            grid.station_at[path[index]] = station
            stations[station] = path[index]
        paths[chain] = path
    return _Placement(stations, paths, grid, relaxed), failed


def _improve(placed: _Placement, order: list[_Chain], coords: dict[str, Point]) -> None:
    """Polish a complete placement: free the relaxed routes, then reroute every chain once more.

    The first routes were laid before the later ones existed; rerouted now, each pays for every crossing
    it makes. A chain without a new route keeps its old one.
    """
    for chain in [c for c in order if c in placed.relaxed]:
        _rip_up(placed, order, chain, coords)
    for _ in range(_IMPROVE_PASSES):
        for chain in order:
            old = _lift(placed, chain)
            new = _find(placed, chain, coords, relaxed=False)
            if new is None and chain in placed.relaxed:
                new = _find(placed, chain, coords, relaxed=True)
            elif new is not None:
                placed.relaxed.discard(chain)
            _put(placed, chain, *(new or old))


def _rip_up(placed: _Placement, order: list[_Chain], chain: _Chain, coords: dict[str, Point]) -> None:
    """Route a relaxed chain strictly by lifting the routes it meets and laying them again after it, if all fit."""
    path = placed.paths[chain]
    inner = set(path[1:-1])
    edges = {_grid_edge(a, b) for a, b in pairwise(path)}

    def meets(other: list[Cell]) -> bool:
        return bool(inner & set(other[1:-1]) or edges & {_grid_edge(a, b) for a, b in pairwise(other)})

    victims = [c for c in order if c != chain and c not in placed.relaxed and meets(placed.paths[c])]
    group = [chain, *victims]
    saved = {c: _lift(placed, c) for c in group}
    laid: list[_Chain] = []
    for c in group:
        new = _find(placed, c, coords, relaxed=False)
        if new is None:
            break
        _put(placed, c, *new)
        laid.append(c)
    else:
        placed.relaxed.discard(chain)
        return
    for c in laid:
        _lift(placed, c)
    for c in group:
        _put(placed, c, *saved[c])


def _grid_edge(a: Cell, b: Cell) -> tuple[Cell, Cell]:
    return (a, b) if a < b else (b, a)


def _lift(placed: _Placement, chain: _Chain) -> tuple[list[Cell], list[Cell]]:
    """Take `chain`'s route and intermediate stations off the grid; returns them (path, station cells)."""
    path = placed.paths.pop(chain)
    cells = [placed.stations[s] for s in chain.stations[1:-1]]
    placed.grid.release(path)
    for cell in cells:
        del placed.grid.station_at[cell]
    return path, cells


def _find(placed: _Placement, chain: _Chain, coords: dict[str, Point],
          relaxed: bool) -> tuple[list[Cell], list[Cell]] | None:
    """A new route for a lifted `chain` and its intermediate stations' cells, or None."""
    src, dst = placed.stations[chain.stations[0]], placed.stations[chain.stations[-1]]
    path = placed.grid.route(src, dst, chain.hops - 1, corridor(chain, coords, _IMPROVE_LANE_COST), relaxed=relaxed)
    if path is None or len(set(path)) != len(path):
        return None
    spots = _spread(path, chain.hops, placed.grid)
    return None if spots is None else (path, [path[i] for i in spots])


def _put(placed: _Placement, chain: _Chain, path: list[Cell], cells: list[Cell]) -> None:
    placed.grid.commit(path)
    for station, cell in zip(chain.stations[1:-1], cells, strict=True):
        placed.grid.station_at[cell] = station
        placed.stations[station] = cell
    placed.paths[chain] = path


def corridor(chain: _Chain, coords: dict[str, Point], cost: float = _LANE_COST) -> dict[Cell, float]:
    """Cost per grid node near the chain's embedded course: `cost` per unit of Chebyshev distance."""
    seeds: set[Cell] = set()
    for a, b in pairwise(chain.stations):
        (ax, ay), (bx, by) = coords[a], coords[b]
        steps = max(1, math.ceil(2 * max(abs(bx - ax), abs(by - ay))))
        seeds.update((round(ax + (bx - ax) * t / steps), round(ay + (by - ay) * t / steps)) for t in range(steps + 1))
    lane = dict.fromkeys(sorted(seeds), 0.0)
    frontier = sorted(seeds)
    for ring in range(1, _LANE_WIDTH + 1):
        nxt = []
        for x, y in frontier:
            for dx, dy in DIRS:
                cell = (x + dx, y + dy)
                if cell not in lane:
                    lane[cell] = ring * cost
                    nxt.append(cell)
        frontier = nxt
    return lane


def _spread(path: list[Cell], hops: int, grid: Grid) -> list[int] | None:
    """Indices of `hops - 1` interior path nodes, evenly spaced, on no other route and no other key's port."""
    need = hops - 1
    if need == 0:
        return []
    ends = {path[0], path[-1]}
    free = [i for i in range(1, len(path) - 1)
            if grid.placeable(path[i], ends)]
    if len(free) < need:
        return None
    last = len(path) - 1
    chosen: list[int] = []
    lo = 0
    for j in range(1, need + 1):
        target = j * last / hops
        hi = len(free) - (need - j)  # leave room for the stations still to place
        best = min(range(lo, hi), key=lambda k: (abs(free[k] - target), free[k]))
        chosen.append(free[best])
        lo = best + 1
    return chosen


def _to_layout(graph: nx.Graph[str], chains: list[_Chain], placed: _Placement) -> Layout:
    stations, paths = placed.stations, placed.paths
    positions: dict[str, Point] = {s: (float(stations[s][0]), float(stations[s][1])) for s in sorted(graph)}
    edges: dict[Edge, tuple[Point, ...]] = {}
    for chain in chains:
        path = paths[chain]
        index = {cell: i for i, cell in enumerate(path)}
        for a, b in pairwise(chain.stations):
            i, j = index[stations[a]], index[stations[b]]
            piece = _corners(path[i: j + 1])
            key = edge_key(a, b)
            edges[key] = piece if key == (a, b) else tuple(reversed(piece))
    return Layout(positions=positions, edges=dict(sorted(edges.items())))


def _corners(cells: list[Cell]) -> tuple[Point, ...]:
    """The polyline through `cells` reduced to its end and bend points."""
    points = [cells[0]]
    for prev, here, nxt in zip(cells, cells[1:], cells[2:], strict=False):
        if (here[0] - prev[0], here[1] - prev[1]) != (nxt[0] - here[0], nxt[1] - here[1]):
            points.append(here)
    points.append(cells[-1])
    return tuple((float(x), float(y)) for x, y in points)
