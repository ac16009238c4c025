"""Guided random walks of octilinear steps: how one ride of a line is laid onto the grid, step by step."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from curation.synth.procedural_grid import Grid
from curation.synth.procedural_moves import BY_HEADING, DIRS, REACH, P, Shape, ahead, key, shapes_to, signed_turn, turn
from curation.synth.procedural_spec import NetworkSpec

_TURN_PENALTY = (0.0, 0.9, 4.5)
_MAX_TURN = 1  # at a station a ride turns by at most 45°
_BEND_PENALTY = 1.1
_CROSSING_PENALTY = 4.0
_CROWD_PENALTY = 1.6


@dataclass
class Goal:
    """Where a walk heads: a soft waypoint, or a `hard` station it must end a step on."""

    point: tuple[float, float]
    hard: bool = False
    arrival_turn_to: int | None = None  # hard goals: the arrival must turn ≤ 45° into this direction
    pass_through: bool = False  # hard goals: the walk continues through it


@dataclass
class Ride:
    """A walk in progress: its stations so far and how it has turned."""

    points: list[P]
    heading: int
    max_turn: int = 1
    since_turn: int = 0
    curl: int = 0  # signed sum of 45° turns so far (+ clockwise)
    curl_limit: int | None = 3  # open lines turn at most 135° one way overall; loops have no limit
    turning: int = 0
    budget: int = 0  # most 45° turns in all; 0: 4 plus one per 6 stations of the walk's limit


class Walker:
    """One attempt's drawing state (grid, per-line counts and spacing, rides laid) and the walk that extends it."""

    def __init__(self, rng: random.Random, spec: NetworkSpec) -> None:
        self.rng = rng
        self.spec = spec
        lo, hi = spec.stations_per_line
        self.counts = [rng.randint(max(lo, 5) if i < spec.loops else lo, hi) for i in range(spec.lines)]
        self.spacing = [rng.choice((2, 2, 2, 3)) for _ in range(spec.lines)]
        total = sum(c * s * s for c, s in zip(self.counts, self.spacing, strict=True))
        side = max(math.sqrt(total * 3.0), hi * 2 * 0.9, 12)
        width = round(side * rng.uniform(1.05, 1.3))
        self.grid = Grid(width, round(side))
        self.rides: list[list[list[P]]] = []  # per line, its variants as station points

    def _walk(self, ride: Ride, goals: list[Goal], line: int, stop: int | None, limit: int) -> bool:
        """Extend `ride` step by step through `goals`; stop at `stop` stations once every hard goal is met."""
        spacing = self.spacing[line]
        while True:
            p = ride.points[-1]
            while goals and not goals[0].hard and max(abs(p[0] - goals[0].point[0]),
                                                      abs(p[1] - goals[0].point[1])) <= 2:
                goals.pop(0)
            hard_left = any(g.hard for g in goals)
            if not hard_left and stop is not None and len(ride.points) >= stop:
                return True
            if len(ride.points) >= limit or ride.turning > (ride.budget or 4 + limit // 6):
                return False
            if not goals:
                far = ahead(p, ride.heading, 40)
                goals.append(Goal((float(far[0]), float(far[1]))))
            goal = goals[0]
            if goal.hard and self._try_goal(ride, goal, line):
                goals.pop(0)
                if not goal.pass_through:
                    return True
                continue
            step = self._best_step(ride, goal.point, spacing)
            if step is None:
                return not hard_left and stop is not None and len(ride.points) >= self.spec.stations_per_line[0]
            shape = step[0]
            q = (p[0] + shape.end[0], p[1] + shape.end[1])
            self._lay(ride, line, p, q, tuple((p[0] + x, p[1] + y) for x, y in shape.points), shape)

    def _first_step(self, ride: Ride, goal: Goal, line: int, spacing: int) -> bool:
        """Take the best step toward `goal`, whatever its distance; False when none can be laid."""
        step = self._best_step(ride, goal.point, spacing)
        if step is None:
            return False
        shape = step[0]
        p = ride.points[-1]
        q = (p[0] + shape.end[0], p[1] + shape.end[1])
        self._lay(ride, line, p, q, tuple((p[0] + x, p[1] + y) for x, y in shape.points), shape)
        return True

    def _lay(self, ride: Ride, line: int, p: P, q: P, points: tuple[P, ...], shape: Shape) -> None:
        self.grid.lay(key(p, q), points)
        if q not in self.grid.stations:
            self.grid.stations[q] = line
        bend = turn(ride.heading, shape.first)
        ride.turning += bend + (shape.first != shape.last)
        ride.curl += signed_turn(ride.heading, shape.last)
        ride.since_turn = 0 if bend or shape.first != shape.last else ride.since_turn + 1
        ride.heading = shape.last
        ride.max_turn = _MAX_TURN
        ride.points.append(q)

    def _try_goal(self, ride: Ride, goal: Goal, line: int) -> bool:
        """Step onto the hard `goal` station when it is within reach and the step can be laid."""
        p = ride.points[-1]
        target = (int(goal.point[0]), int(goal.point[1]))
        dx, dy = target[0] - p[0], target[1] - p[1]
        if max(abs(dx), abs(dy)) > REACH + 1 or (dx, dy) == (0, 0):
            return False
        best: tuple[int, Shape] | None = None
        for shape in shapes_to(dx, dy):
            if turn(ride.heading, shape.first) > ride.max_turn:
                continue
            if goal.arrival_turn_to is not None and turn(shape.last, goal.arrival_turn_to) > 1:
                continue
            if goal.pass_through and not any(self.grid.move_free(target, (shape.last + k) % 8) for k in (-1, 0, 1)):
                continue
            points = tuple((p[0] + x, p[1] + y) for x, y in shape.points)
            crossings = self.grid.check(points, target)
            if crossings is not None and (best is None or crossings < best[0]):
                best = (crossings, shape)
        if best is None:
            return False
        shape = best[1]
        self._lay(ride, line, p, target, tuple((p[0] + x, p[1] + y) for x, y in shape.points), shape)
        if goal.pass_through:
            ride.max_turn = 1
        return True

    def _best_step(self, ride: Ride, goal_point: tuple[float, float], spacing: int) -> tuple[Shape, int] | None:
        """The best-scoring step that can be laid toward `goal_point`, and the crossings it makes."""
        rng, grid = self.rng, self.grid
        p = ride.points[-1]
        gx, gy = goal_point
        here = math.hypot(gx - p[0], gy - p[1])
        scored = []
        for shape, bend in BY_HEADING[ride.heading]:
            if bend > ride.max_turn:
                continue
            qx, qy = p[0] + shape.end[0], p[1] + shape.end[1]
            align = (here - math.hypot(gx - qx, gy - qy)) / shape.length
            score = 2.2 * align - _TURN_PENALTY[bend] - 1.1 * abs(shape.moves - spacing) - 0.8 * (shape.moves == 1)
            if shape.first != shape.last:
                score -= _BEND_PENALTY
            if (bend or shape.first != shape.last) and ride.since_turn < 2:
                score -= 1.0
            curl = ride.curl + signed_turn(ride.heading, shape.last)
            if ride.curl_limit is not None and abs(curl) > ride.curl_limit:
                continue
            scored.append((score + rng.random() * 1.3, shape))
        scored.sort(key=lambda item: -item[0])
        best: tuple[float, Shape, int] | None = None
        for score, shape in scored:
            if best is not None and score <= best[0]:
                break
            points = tuple((p[0] + x, p[1] + y) for x, y in shape.points)
            crossings = grid.check(points, None)
            if crossings is None:
                continue
            value = score - _CROSSING_PENALTY * crossings - _CROWD_PENALTY * grid.crowding(points)
            if best is None or value > best[0]:
                best = (value, shape, crossings)
        return None if best is None else (best[1], best[2])

    def _start(self, near: P, line: int) -> P | None:
        """Place a line's first station on a free point near `near`, with no station beside it."""
        x = min(max(near[0], 1), self.grid.width - 1)
        y = min(max(near[1], 1), self.grid.height - 1)
        for r in range(3):
            spots = [(x + dx, y + dy) for dx in range(-r, r + 1) for dy in range(-r, r + 1)
                     if max(abs(dx), abs(dy)) == r]
            self.rng.shuffle(spots)
            for q in spots:
                if self.grid.free(q) and not any((q[0] + dx, q[1] + dy) in self.grid.stations for dx, dy in DIRS):
                    self.grid.stations[q] = line
                    return q
        return None
