"""Where each line's stroke and each station's marker go, in pixels, before anything is drawn.

Lines riding one track edge become parallel strokes: ordered by line id (natural order) and offset
to the right of a direction that runs on along the lines, so a pair of lines keeps its side along a
shared run, through bends, termini and junctions. Coordinates are quantised to 1/16 px, the precision OpenCV
draws with, so the annotation holds exactly the drawn centre lines.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from itertools import pairwise

import shapely

from curation.network.model import Network
from curation.synth.geometry import Edge, Layout, edge_key
from curation.synth.style import MARKER_DARK, RGB, Style, natural_key

Point = tuple[float, float]
Box = tuple[float, float, float, float]
SUBPIXEL = 16  # OpenCV shift=4


@dataclass(frozen=True)
class Stroke:
    """One line's stroke along one track edge, oriented from edge[0] to edge[1]."""

    line_id: str
    edge: Edge
    points: tuple[Point, ...]

    def from_station(self, station: str) -> tuple[Point, ...]:
        return self.points if station == self.edge[0] else tuple(reversed(self.points))


@dataclass(frozen=True)
class MarkerShape:
    """A station marker: the rounded hull (radius `radius`) of `core` points, outlined `outline` thick."""

    station_id: str
    kind: str  # "station" or "interchange"
    shape: str  # "circle", "capsule" or "rounded_box"
    core: tuple[Point, ...]
    radius: float
    outline: float
    outline_color: RGB

    @property
    def box(self) -> Box:
        xs, ys = [p[0] for p in self.core], [p[1] for p in self.core]
        r = self.radius
        return min(xs) - r, min(ys) - r, max(xs) + r, max(ys) + r

    @property
    def centre(self) -> Point:
        x0, y0, x1, y1 = self.box
        return (x0 + x1) / 2, (y0 + y1) / 2


def quantise(value: float) -> float:
    return round(value * SUBPIXEL) / SUBPIXEL


def ordered_lines(network: Network) -> list[str]:
    return sorted(network.lines, key=lambda k: (natural_key(k), k))


def build_strokes(network: Network, layout: Layout, style: Style) -> dict[tuple[Edge, str], Stroke]:
    """Every (track edge, line) stroke, with its parallel offset applied, in pixels."""
    riders: dict[Edge, list[tuple[str, tuple[str, str]]]] = {}
    for line_id in ordered_lines(network):
        for a, b in network.lines[line_id].edges():
            riders.setdefault(edge_key(a, b), []).append((line_id, (a, b)))
    strokes: dict[tuple[Edge, str], Stroke] = {}
    u = style.unit
    direction = orient_edges(network, sorted(riders))
    for edge in sorted(riders):
        lines = riders[edge]
        a, b = direction[edge]
        course = [(x * u, y * u) for x, y in layout.course(a, b)]
        k = len(lines)
        for j, (line_id, _) in enumerate(lines):
            offset = (j - (k - 1) / 2) * style.stroke_spacing
            points = [(quantise(x), quantise(y)) for x, y in offset_polyline(course, offset)]
            if (a, b) != edge:
                points.reverse()
            strokes[(edge, line_id)] = Stroke(line_id, edge, tuple(points))
    return strokes


def orient_edges(network: Network, edges: list[Edge]) -> dict[Edge, tuple[str, str]]:
    """A direction per track edge that runs on wherever a line continues through a station.

    Starting from each unoriented edge (sorted), the direction spreads along every line riding it, forwards and
    backwards, so lines sharing a run see the same direction on all of its edges, junctions included.
    """
    follow: dict[tuple[Edge, str], list[tuple[Edge, str]]] = {}  # (edge, shared station) → (next edge, far end)
    for line_id in ordered_lines(network):
        line = network.lines[line_id]
        for variant in line.variants:
            pairs = variant_pairs(variant, line.loop)
            if line.loop and len(pairs) > 2:
                pairs.append(pairs[0])
            for (x, y), (_, z) in pairwise(pairs):
                if x != z:
                    follow.setdefault((edge_key(x, y), y), []).append((edge_key(y, z), z))
                    follow.setdefault((edge_key(y, z), y), []).append((edge_key(x, y), x))
    oriented: dict[Edge, tuple[str, str]] = {}
    for first in edges:
        if first in oriented:
            continue
        oriented[first] = first
        queue = deque([first])
        while queue:
            a, b = oriented[queue.popleft()]
            for nxt, far in follow.get((edge_key(a, b), b), []):  # leaving b: b → far
                if nxt not in oriented:
                    oriented[nxt] = (b, far)
                    queue.append(nxt)
            for nxt, far in follow.get((edge_key(a, b), a), []):  # arriving at a: far → a
                if nxt not in oriented:
                    oriented[nxt] = (far, a)
                    queue.append(nxt)
    return oriented


def offset_polyline(points: list[Point], offset: float) -> list[Point]:
    """`points` moved `offset` px to the right of the travel direction (y down), with mitred joins."""
    pts = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    if len(pts) < 2:
        return [pts[0], pts[0]]
    if offset == 0:
        return pts
    normals = []
    for (x0, y0), (x1, y1) in pairwise(pts):
        length = math.hypot(x1 - x0, y1 - y0)
        normals.append((-(y1 - y0) / length, (x1 - x0) / length))
    out = [(pts[0][0] + offset * normals[0][0], pts[0][1] + offset * normals[0][1])]
    for i in range(1, len(pts) - 1):
        (ax, ay), (bx, by) = normals[i - 1], normals[i]
        denom = 1 + ax * bx + ay * by
        if denom < 0.3:  # a hairpin: no sensible mitre
            mx, my = ax, ay
        else:
            mx, my = (ax + bx) / denom, (ay + by) / denom
        out.append((pts[i][0] + offset * mx, pts[i][1] + offset * my))
    out.append((pts[-1][0] + offset * normals[-1][0], pts[-1][1] + offset * normals[-1][1]))
    return out


def variant_pairs(variant: list[str], loop: bool) -> list[tuple[str, str]]:
    pairs = list(pairwise(variant))
    if loop and len(variant) > 2:
        pairs.append((variant[-1], variant[0]))
    return pairs


def line_polylines(network: Network, strokes: dict[tuple[Edge, str], Stroke]) -> dict[str, list[tuple[Point, ...]]]:
    """Each line's drawn centre line per variant, in riding order; a loop's polyline ends where it starts."""
    out: dict[str, list[tuple[Point, ...]]] = {}
    for line_id in ordered_lines(network):
        line = network.lines[line_id]
        polylines = []
        for variant in line.variants:
            points: list[Point] = []
            for a, b in variant_pairs(variant, line.loop):
                for p in strokes[(edge_key(a, b), line_id)].from_station(a):
                    if not points or points[-1] != p:
                        points.append(p)
            if line.loop and len(points) > 2 and points[-1] != points[0]:
                points.append(points[0])
            if len(points) >= 2:
                polylines.append(tuple(points))
        out[line_id] = polylines
    return out


def line_joins(network: Network, strokes: dict[tuple[Edge, str], Stroke]) -> dict[str, list[tuple[Point, Point]]]:
    """Each line's short segments between consecutive strokes whose parallel offsets differ at a station."""
    out: dict[str, list[tuple[Point, Point]]] = {}
    for line_id in ordered_lines(network):
        line = network.lines[line_id]
        joins: set[tuple[Point, Point]] = set()
        for variant in line.variants:
            pairs = variant_pairs(variant, line.loop)
            if line.loop and len(pairs) > 2:
                pairs.append(pairs[0])
            for (a, b), (_, c) in pairwise(pairs):
                end = strokes[(edge_key(a, b), line_id)].from_station(a)[-1]
                start = strokes[(edge_key(b, c), line_id)].from_station(b)[0]
                if end != start:
                    joins.add((min(end, start), max(end, start)))
        out[line_id] = sorted(joins)
    return out


def serving_lines(network: Network) -> dict[str, list[str]]:
    """Station → the lines that stop there (natural order)."""
    served: dict[str, list[str]] = {s: [] for s in sorted(network.stations)}
    for line_id in ordered_lines(network):
        for station in network.lines[line_id].station_ids:
            if station in served and line_id not in served[station]:
                served[station].append(line_id)
    return served


def build_markers(network: Network, layout: Layout, strokes: dict[tuple[Edge, str], Stroke], style: Style,
                  colors: dict[str, RGB]) -> dict[str, MarkerShape]:
    """Each station's marker: a circle, or a capsule / rounded box spanning an interchange's strokes."""
    ends: dict[str, list[Point]] = {s: [] for s in network.stations}
    for (edge, _), stroke in sorted(strokes.items()):
        ends[edge[0]].append(stroke.points[0])
        ends[edge[1]].append(stroke.points[-1])
    served = serving_lines(network)
    markers = {}
    for sid in sorted(network.stations):
        x, y = layout.positions[sid]
        points = sorted(set(ends[sid])) or [(quantise(x * style.unit), quantise(y * style.unit))]
        core = _hull(points)
        lines = served[sid]
        interchange = len(lines) >= 2
        if interchange or len(core) > 1:
            radius = round(2 * style.interchange_radius) / 2  # OpenCV strokes have whole-pixel widths
            outline, color = style.interchange_outline, MARKER_DARK
        else:
            radius, outline = style.station_radius, style.station_outline
            color = colors[lines[0]] if lines else MARKER_DARK
        shape = "circle" if len(core) == 1 else "capsule" if len(core) == 2 else "rounded_box"
        markers[sid] = MarkerShape(sid, "interchange" if interchange else "station", shape, core, radius, outline,
                                   color)
    return markers


def _hull(points: list[Point]) -> tuple[Point, ...]:
    """The corners of the convex hull of `points`: one point, a segment's two ends, or a polygon's corners."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    if max(xs) - min(xs) < 0.5 and max(ys) - min(ys) < 0.5:
        return ((quantise(sum(xs) / len(xs)), quantise(sum(ys) / len(ys))),)
    hull = shapely.MultiPoint(points).convex_hull
    if isinstance(hull, shapely.Polygon):
        coords = list(hull.exterior.coords)[:-1]
        return tuple((float(x), float(y)) for x, y in coords)
    a, b = hull.coords[0], hull.coords[-1]  # a LineString: the points are in a row
    return (a[0], a[1]), (b[0], b[1])
