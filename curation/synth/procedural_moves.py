"""Octilinear lattice moves: the eight directions, turns between them, and the step shapes a line walk takes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

P = tuple[int, int]
Key = tuple[P, P]  # a track edge during generation: its two station points, sorted

DIRS: tuple[P, ...] = ((1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))
DIR_INDEX = {d: i for i, d in enumerate(DIRS)}
REACH = 3  # longest ordinary step, in lattice moves


@dataclass(frozen=True)
class Shape:
    """A step from (0, 0) to `end`: one straight segment, or two with a 45° bend at `points[1]`."""

    end: P
    points: tuple[P, ...]
    first: int  # direction index of the first unit move
    last: int  # direction index of the last unit move
    moves: int  # lattice moves (Chebyshev length)
    length: float  # Euclidean length


def sign(v: int) -> int:
    return (v > 0) - (v < 0)


def shapes_to(dx: int, dy: int) -> list[Shape]:
    """The octilinear steps from (0, 0) to (dx, dy): straight, or both single-bend variants."""
    a, b = abs(dx), abs(dy)
    end = (dx, dy)
    moves = max(a, b)
    if a == 0 or b == 0 or a == b:
        d = DIR_INDEX[(sign(dx), sign(dy))]
        return [Shape(end, ((0, 0), end), d, d, moves, math.hypot(dx, dy))]
    m = min(a, b)
    diag = (sign(dx) * m, sign(dy) * m)
    straight = (dx - diag[0], dy - diag[1])
    d_diag = DIR_INDEX[(sign(diag[0]), sign(diag[1]))]
    d_str = DIR_INDEX[(sign(straight[0]), sign(straight[1]))]
    length = m * math.sqrt(2) + abs(straight[0] + straight[1])
    return [Shape(end, ((0, 0), diag, end), d_diag, d_str, moves, length),
            Shape(end, ((0, 0), straight, end), d_str, d_diag, moves, length)]


def signed_turn(a: int, b: int) -> int:
    """The turn from direction `a` to `b` in 45° units, clockwise (y down) positive, in -4..3."""
    return (b - a + 4) % 8 - 4


def turn(a: int, b: int) -> int:
    """The unsigned turn between directions `a` and `b` in 45° units, 0..4."""
    d = abs(a - b) % 8
    return min(d, 8 - d)


ALL_SHAPES = [s for dx in range(-REACH, REACH + 1) for dy in range(-REACH, REACH + 1)
              if (dx, dy) != (0, 0) for s in shapes_to(dx, dy)]
# Shapes by incoming heading, with the turn they make (at most 90°).
BY_HEADING: dict[int, list[tuple[Shape, int]]] = {
    h: [(s, turn(h, s.first)) for s in ALL_SHAPES if turn(h, s.first) <= 2] for h in range(8)
}


def unit_moves(points: tuple[P, ...]) -> list[tuple[P, P]]:
    """The single lattice moves along an octilinear polyline, in order."""
    out = []
    for (x0, y0), (x1, y1) in pairwise(points):
        sx, sy = sign(x1 - x0), sign(y1 - y0)
        for i in range(max(abs(x1 - x0), abs(y1 - y0))):
            out.append(((x0 + i * sx, y0 + i * sy), (x0 + (i + 1) * sx, y0 + (i + 1) * sy)))
    return out


def key(a: P, b: P) -> Key:
    """The pair `a`, `b` sorted: the key of a track edge or of a unit move."""
    return (a, b) if a < b else (b, a)


def direction(a: P, b: P) -> int:
    """The direction index from `a` toward `b` (the signs of the offset)."""
    return DIR_INDEX[(sign(b[0] - a[0]), sign(b[1] - a[1]))]


def ahead(p: P, d: int, k: int) -> P:
    """The point `k` moves from `p` in direction `d`."""
    return (p[0] + DIRS[d][0] * k, p[1] + DIRS[d][1] * k)
