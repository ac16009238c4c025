"""Point-label placement: candidate boxes around each marker, a greedy start, then seeded simulated annealing.

Pure geometry (pixels, x right, y down). Each label may take one of a fixed set of candidate boxes
(8 directions next to its marker, and 8 more further out); a candidate costs its direction
preference (east first, then west) plus penalties for overlapping other labels, markers and line
strokes, and for sitting as close to another station's marker as to its own. The search follows
Christensen, Marks & Shieber (1995): start greedy, then anneal with a bounded number of moves. A
label with no free place keeps its cheapest candidate and is counted.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

Box = tuple[float, float, float, float]
Point = tuple[float, float]
_Floats = npt.NDArray[np.float64]
_Counts = npt.NDArray[np.int_]  # per candidate box

# Direction → (dx, dy, preference cost); dx/dy ∈ {-1, 0, 1} put the box right/left/centred, below/above/centred.
DIRECTIONS = {
    "E": (1, 0, 0.0), "W": (-1, 0, 0.1), "NE": (1, -1, 0.3), "SE": (1, 1, 0.35),
    "NW": (-1, -1, 0.4), "SW": (-1, 1, 0.45), "N": (0, -1, 0.5), "S": (0, 1, 0.55),
}
FAR_COST = 1.0  # extra preference cost of the outer ring of candidates
LABEL_COST = 10.0  # per pair of overlapping labels
MARKER_COST = 12.0  # per marker a label covers
LINE_COST = 4.0  # per line stroke a label crosses
CLOSER_COST = 9.0  # per other marker nearer a label than its own: the label would name the wrong station
NEAR_COST = 1.5  # per other marker close to a label (the label could be read as that station's)


@dataclass(frozen=True)
class LabelSpec:
    """One label to place: `anchor` is its station's marker box, `size` the label's (width, height)."""

    key: str
    anchor: Box
    size: tuple[float, float]


@dataclass(frozen=True)
class PlacedLabel:
    key: str
    box: Box
    direction: str  # a DIRECTIONS key, "+" appended for the outer ring
    overlaps_labels: int
    overlaps_markers: int
    overlaps_lines: int

    @property
    def free(self) -> bool:
        return not (self.overlaps_labels or self.overlaps_markers or self.overlaps_lines)


@dataclass(frozen=True)
class Placement:
    labels: tuple[PlacedLabel, ...]

    def stats(self) -> dict[str, int]:
        """label_overlaps: labels over another label or a marker; label_line_overlaps: labels over a line
        stroke; labels_unplaced: labels that found no free place (either kind of overlap)."""
        return {
            "labels": len(self.labels),
            "label_overlaps": sum(1 for p in self.labels if p.overlaps_labels or p.overlaps_markers),
            "label_line_overlaps": sum(1 for p in self.labels if p.overlaps_lines),
            "labels_unplaced": sum(1 for p in self.labels if not p.free),
        }


def candidate_boxes(spec: LabelSpec, gap: float) -> list[tuple[str, Box, float]]:
    """(direction, box, preference cost) of every candidate of one label."""
    x0, y0, x1, y1 = spec.anchor
    w, h = spec.size
    out = []
    for ring, extra in ((0, 0.0), (1, FAR_COST)):
        g = gap + ring * (gap + 0.8 * h)
        for name, (dx, dy, pref) in DIRECTIONS.items():
            gx = g * (0.7 if dy else 1.0)  # diagonal candidates sit closer to the corner
            bx = x1 + gx if dx > 0 else x0 - gx - w if dx < 0 else (x0 + x1 - w) / 2
            by = y1 + g if dy > 0 else y0 - g - h if dy < 0 else (y0 + y1 - h) / 2
            out.append((name + "+" * ring, (bx, by, bx + w, by + h), pref + extra))
    return out


def place_labels(specs: Sequence[LabelSpec], markers: Sequence[Box], strokes: Sequence[Sequence[Point]],
                 stroke_half_width: float, gap: float, seed: int = 0, clearance: float = 0.0,
                 bounds: Box | None = None, max_moves: int | None = None) -> Placement:
    """Place every label; `bounds` (if given) shifts candidates inside it, `clearance` pads label-label tests."""
    if not specs:
        return Placement(())
    owner, names, boxes, prefs = [], [], [], []
    for i, spec in enumerate(specs):
        for name, box, pref in candidate_boxes(spec, gap):
            owner.append(i)
            names.append(name)
            boxes.append(_clamp(box, bounds) if bounds is not None else box)
            prefs.append(pref)
    arr = np.array(boxes, dtype=float)
    owner_arr = np.array(owner)
    marker_arr = np.array(markers, dtype=float).reshape(-1, 4)
    n_markers = _count_hits(arr, marker_arr, 0.0)
    n_near = _count_near(arr, marker_arr, np.array([specs[i].anchor for i in owner], dtype=float),
                         np.array([specs[i].size[1] for i in owner], dtype=float))
    n_lines = _count_line_hits(arr, strokes, stroke_half_width)
    n_closer = _count_closer(arr, marker_arr, np.array([specs[i].anchor for i in owner], dtype=float))
    static = [p + MARKER_COST * m + LINE_COST * k + NEAR_COST * near + CLOSER_COST * closer
              for p, m, k, near, closer in zip(prefs, n_markers, n_lines, n_near, n_closer, strict=True)]
    conflicts = _conflicts(arr, owner_arr, clearance)
    by_label: list[list[int]] = [[] for _ in specs]
    for c, i in enumerate(owner):
        by_label[i].append(c)
    current = _greedy(by_label, static, conflicts)
    current = _anneal(current, by_label, static, conflicts, random.Random(seed), max_moves)
    active = [False] * len(owner)
    for c in current:
        active[c] = True
    placed = []
    for i, c in enumerate(current):
        placed.append(PlacedLabel(specs[i].key, _as_box(boxes[c]), names[c],
                                  sum(active[j] for j in conflicts[c]), int(n_markers[c]), int(n_lines[c])))
    return Placement(tuple(placed))


def _as_box(values: Iterable[float]) -> Box:
    x0, y0, x1, y1 = (float(v) for v in values)
    return x0, y0, x1, y1


def _clamp(box: Box, bounds: Box) -> Box:
    x0, y0, x1, y1 = box
    dx = max(bounds[0] - x0, 0.0) - max(x1 - bounds[2], 0.0)
    dy = max(bounds[1] - y0, 0.0) - max(y1 - bounds[3], 0.0)
    return x0 + dx, y0 + dy, x1 + dx, y1 + dy


def _boxes(rows: _Floats) -> npt.NDArray[np.object_]:
    """One shapely box per row (x0, y0, x1, y1)."""
    return shapely.box(rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3])


def _strict_overlap(a: _Floats, b: _Floats, pad: float) -> npt.NDArray[np.bool_]:
    return ((a[:, 0] < b[:, 2] + pad) & (b[:, 0] < a[:, 2] + pad)
            & (a[:, 1] < b[:, 3] + pad) & (b[:, 1] < a[:, 3] + pad))


def _count_hits(cands: _Floats, obstacles: _Floats, pad: float) -> _Counts:
    """How many obstacle boxes each candidate box overlaps (touching edges do not count)."""
    counts = np.zeros(len(cands), dtype=int)
    if not len(obstacles):
        return counts
    tree = shapely.STRtree(_boxes(obstacles))
    ci, oi = tree.query(_boxes(cands), predicate="intersects")
    hit = _strict_overlap(cands[ci], obstacles[oi], pad)
    np.add.at(counts, ci[hit], 1)
    return counts


def _count_near(cands: _Floats, markers: _Floats, own: _Floats, heights: _Floats) -> _Counts:
    """How many markers other than its own lie about as close to each candidate box as its own marker does
    (within 1.5 × that distance + half the label's height) without overlapping it."""
    counts = np.zeros(len(cands), dtype=int)
    if not len(markers):
        return counts
    boxes = _boxes(cands)
    reach = 1.5 * shapely.distance(boxes, _boxes(own)) + heights / 2
    marker_boxes = _boxes(markers)
    tree = shapely.STRtree(marker_boxes)
    grown = shapely.box(cands[:, 0] - reach, cands[:, 1] - reach, cands[:, 2] + reach, cands[:, 3] + reach)
    ci, mi = tree.query(grown, predicate="intersects")
    distance = shapely.distance(boxes[ci], marker_boxes[mi])
    near = ~np.all(markers[mi] == own[ci], axis=1) & (distance > 0) & (distance < reach[ci])
    np.add.at(counts, ci[near], 1)
    return counts


def _count_closer(cands: _Floats, markers: _Floats, own: _Floats) -> _Counts:
    """How many other markers lie strictly nearer each candidate box than its own marker (an ambiguous label)."""
    counts = np.zeros(len(cands), dtype=int)
    if not len(markers):
        return counts
    boxes = _boxes(cands)
    mine = shapely.distance(boxes, _boxes(own))
    marker_boxes = _boxes(markers)
    tree = shapely.STRtree(marker_boxes)
    grown = shapely.box(cands[:, 0] - mine, cands[:, 1] - mine, cands[:, 2] + mine, cands[:, 3] + mine)
    ci, mi = tree.query(grown, predicate="intersects")
    closer = ~np.all(markers[mi] == own[ci], axis=1) & (shapely.distance(boxes[ci], marker_boxes[mi]) < mine[ci] - 1e-9)
    np.add.at(counts, ci[closer], 1)
    return counts


def _count_line_hits(cands: _Floats, strokes: Sequence[Sequence[Point]], half_width: float) -> _Counts:
    """How many strokes (polylines of width 2·half_width) each candidate box touches."""
    counts = np.zeros(len(cands), dtype=int)
    lines = [shapely.LineString(s) for s in strokes if len(s) >= 2]
    if not lines:
        return counts
    tree = shapely.STRtree(lines)
    grown = shapely.box(cands[:, 0] - half_width, cands[:, 1] - half_width,
                        cands[:, 2] + half_width, cands[:, 3] + half_width)
    ci, _ = tree.query(grown, predicate="intersects")
    np.add.at(counts, ci, 1)
    return counts


def _conflicts(cands: _Floats, owner: npt.NDArray[np.int_], clearance: float) -> list[list[int]]:
    """For each candidate, the candidates of other labels it overlaps (with `clearance` between them)."""
    tree = shapely.STRtree(_boxes(cands))
    pad = clearance / 2
    grown = shapely.box(cands[:, 0] - pad, cands[:, 1] - pad, cands[:, 2] + pad, cands[:, 3] + pad)
    a, b = tree.query(grown, predicate="intersects")
    keep = (owner[a] != owner[b]) & _strict_overlap(cands[a], cands[b], clearance)
    out: list[list[int]] = [[] for _ in range(len(cands))]
    for i, j in zip(a[keep].tolist(), b[keep].tolist(), strict=True):
        out[i].append(j)
    return [sorted(set(x)) for x in out]


def _greedy(by_label: list[list[int]], static: list[float], conflicts: list[list[int]]) -> list[int]:
    """Most constrained label first (fewest obstacle-free candidates), each at its cheapest candidate so far."""
    active = [False] * len(static)
    free = [sum(1 for c in cands if static[c] < MARKER_COST / 2) for cands in by_label]
    current = [-1] * len(by_label)
    for i in sorted(range(len(by_label)), key=lambda i: (free[i], i)):
        best = min(by_label[i], key=lambda c: (static[c] + LABEL_COST * sum(active[j] for j in conflicts[c]), c))
        current[i] = best
        active[best] = True
    return current


def _anneal(current: list[int], by_label: list[list[int]], static: list[float], conflicts: list[list[int]],
            rng: random.Random, max_moves: int | None) -> list[int]:
    """Simulated annealing over candidate choices; returns the best assignment seen, then polished greedily."""
    n = len(by_label)
    active = [False] * len(static)
    for c in current:
        active[c] = True

    def cost(c: int) -> float:
        return static[c] + LABEL_COST * sum(active[j] for j in conflicts[c])

    floor = [min(static[k] for k in cands) for cands in by_label]

    def excess(i: int) -> float:
        return cost(current[i]) - floor[i]

    moves = max_moves if max_moves is not None else min(150 * n, 120_000)
    total = sum(static[c] for c in current) + LABEL_COST * sum(active[j] for c in current for j in conflicts[c]) / 2
    best_total, best = total, list(current)
    t0, t1 = 3.0, 0.02
    for step in range(moves):
        temp = t0 * (t1 / t0) ** (step / max(moves - 1, 1))
        i = max((rng.randrange(n) for _ in range(3)), key=excess)
        old = current[i]
        new = by_label[i][rng.randrange(len(by_label[i]))]
        if new == old:
            continue
        active[old] = False
        delta = cost(new) - cost(old)
        if delta <= 0 or rng.random() < math.exp(-delta / temp):
            active[new] = True
            current[i] = new
            total += delta
            if total < best_total - 1e-9:
                best_total, best = total, list(current)
        else:
            active[old] = True
    return _polish(best, by_label, static, conflicts)


def _polish(current: list[int], by_label: list[list[int]], static: list[float],
            conflicts: list[list[int]]) -> list[int]:
    """Move each label to its cheapest candidate given the others until nothing improves (at most 5 rounds)."""
    active = [False] * len(static)
    for c in current:
        active[c] = True
    for _ in range(5):
        changed = False
        for i, old in enumerate(current):
            active[old] = False
            best = min(by_label[i], key=lambda c: (static[c] + LABEL_COST * sum(active[j] for j in conflicts[c]),
                                                   c != old, c))
            active[best] = True
            if best != old:
                current[i] = best
                changed = True
        if not changed:
            break
    return current


def ambiguous_labels(labels: Sequence[tuple[Box, Box]], markers: Sequence[Box]) -> int:
    """How many labels (box, own marker box) lie nearer to another marker than to their own: a reader could
    take them for that station's name."""
    if not labels or not markers:
        return 0
    marker_boxes = shapely.box(*np.array(markers, dtype=float).T)
    tree = shapely.STRtree(marker_boxes)
    count = 0
    for box, own in labels:
        label = shapely.box(*box)
        mine = label.distance(shapely.box(*own))
        nearby = tree.query(label.buffer(mine), predicate="intersects")
        others = [i for i in nearby if tuple(markers[i]) != tuple(own)]
        count += any(label.distance(marker_boxes[i]) < mine - 1e-9 for i in others)
    return count

