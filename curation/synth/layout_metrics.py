"""Quality figures of a station layout: crossings, spacing, octilinearity, bends, bounding box."""

from __future__ import annotations

import math
import statistics
from itertools import pairwise

from shapely.geometry import LineString, MultiPoint
from shapely.strtree import STRtree

from curation.synth.geometry import Edge, Point

_EPS = 1e-7


def edge_crossings(edges: dict[Edge, tuple[Point, ...]]) -> int:
    """Pairs of courses that meet anywhere but at a station both end at (overlaps count once)."""
    keys = sorted(edges)
    lines = [LineString(edges[k]) for k in keys]
    tree = STRtree(lines)
    count = 0
    for i, j in zip(*tree.query(lines, predicate="intersects"), strict=True):
        if i >= j:
            continue
        meet = lines[i].intersection(lines[j])
        shared = [p for p in (edges[keys[i]][0], edges[keys[i]][-1]) if p in (edges[keys[j]][0], edges[keys[j]][-1])]
        if shared:
            meet = meet.difference(MultiPoint(shared).buffer(_EPS))
        if not meet.is_empty:
            count += 1
    return count


def min_spacing(positions: dict[str, Point]) -> float:
    """The smallest Euclidean distance between two stations (inf for fewer than two)."""
    points = sorted(positions.values())
    best = math.inf
    for i, (x, y) in enumerate(points):  # sweep on x: stop once the x gap alone exceeds the best
        for x2, y2 in points[i + 1:]:
            if x2 - x >= best:
                break
            best = min(best, math.hypot(x2 - x, y2 - y))
    return best


def median_edge_length(edges: dict[Edge, tuple[Point, ...]]) -> float:
    return statistics.median(sum(math.dist(a, b) for a, b in pairwise(c)) for c in edges.values())


def octilinear_share(edges: dict[Edge, tuple[Point, ...]], tolerance: float = 1e-9) -> float:
    """The share of course segments running at a multiple of 45° (exactly, within `tolerance`)."""
    total = good = 0
    for course in edges.values():
        for (ax, ay), (bx, by) in pairwise(course):
            dx, dy = abs(bx - ax), abs(by - ay)
            total += 1
            good += dx <= tolerance or dy <= tolerance or abs(dx - dy) <= tolerance
    return good / total if total else 1.0


def bends(edges: dict[Edge, tuple[Point, ...]]) -> int:
    """Interior course points where the direction changes."""
    count = 0
    for course in edges.values():
        for a, b, c in zip(course, course[1:], course[2:], strict=False):
            u = (b[0] - a[0], b[1] - a[1])
            v = (c[0] - b[0], c[1] - b[1])
            count += abs(u[0] * v[1] - u[1] * v[0]) > 1e-9 or (u[0] * v[0] + u[1] * v[1]) < 0
    return count


def bbox_size(positions: dict[str, Point], edges: dict[Edge, tuple[Point, ...]]) -> tuple[float, float]:
    xs = [p[0] for p in positions.values()] + [p[0] for c in edges.values() for p in c]
    ys = [p[1] for p in positions.values()] + [p[1] for c in edges.values() for p in c]
    return max(xs) - min(xs), max(ys) - min(ys)
