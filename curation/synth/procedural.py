"""Seeded procedural metro networks, built together with their octilinear layout on an integer grid.

Lines are guided random walks of octilinear steps between lattice points; every walk vertex is a
station, and a step between two stations may bend once by 45°. A grid of occupied unit moves,
stations and course interiors keeps the drawing clean by construction: no two track edges share a
unit move, no course passes through a station it does not serve, courses cross only straight
through each other (at 45° or 90°). Interchanges are planned, not found: each line after the first
is aimed through chosen stations of earlier lines (its anchors), so the network is connected and
the number of transfer stations is what the plan says.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from itertools import pairwise

from curation.errors import MapcurateError
from curation.names import slugify
from curation.network.model import Line, Network, Station
from curation.synth.geometry import Layout, edge_key
from curation.synth.names import NameGenerator, city_name, numbered_line_names

P = tuple[int, int]
Key = tuple[P, P]  # a track edge during generation: its two station points, sorted

# Line colours, named for `<Colour> Line` names; distinct and readable on white.
PALETTE: tuple[tuple[str, str], ...] = (
    ("Red", "#D7263D"), ("Blue", "#1B4F9C"), ("Green", "#2E9E48"), ("Orange", "#F7931D"),
    ("Purple", "#7B3F98"), ("Brown", "#8B5A2B"), ("Pink", "#E4509A"), ("Teal", "#00897B"),
    ("Yellow", "#E0B000"), ("Navy", "#1D2F6F"), ("Lime", "#76B82A"), ("Magenta", "#B5179E"),
    ("Sky", "#2FA4E7"), ("Maroon", "#800020"), ("Olive", "#6B8E23"), ("Grey", "#6C757D"),
    ("Gold", "#B8860B"), ("Violet", "#5E35B1"), ("Coral", "#F0624D"), ("Cyan", "#00A5BD"),
    ("Forest", "#1B5E20"), ("Crimson", "#B71C1C"), ("Indigo", "#3949AB"), ("Rose", "#C2185B"),
)
LANGUAGES = ("en", "zh")

DIRS: tuple[P, ...] = ((1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))
_DIR_INDEX = {d: i for i, d in enumerate(DIRS)}
_NEIGHBOURS = DIRS
_REACH = 3  # longest ordinary step, in lattice moves
_TURN_PENALTY = (0.0, 0.9, 4.5)
_MAX_TURN = 1  # at a station a ride turns by at most 45°
_BEND_PENALTY = 1.1
_CROSSING_PENALTY = 4.0
_CROWD_PENALTY = 1.6
_LINE_ATTEMPTS = 40
_NETWORK_ATTEMPTS = 30


class SpecError(MapcurateError):
    """A `NetworkSpec` value is out of range or the spec asks for something impossible."""


@dataclass(frozen=True)
class NetworkSpec:
    """Every knob of a procedural network.

    `loops` of the `lines` are closed rides; `branches` of the others are Y-shaped (two variants
    sharing a trunk); `shared_track` lines each ride a run of ≥ 2 consecutive track edges of an
    earlier line. `interchanges` is the exact number of transfer stations (stations served by two or
    more lines, shared runs included); `None` lets the seed choose. `language` is the script of the
    station names (`zh` maps also get English line names).
    """

    lines: int = 5
    stations_per_line: tuple[int, int] = (8, 16)
    loops: int = 0
    branches: int = 0
    shared_track: int = 0
    language: str = "en"
    interchanges: int | None = None

    def __post_init__(self) -> None:
        _require_int("lines", self.lines, 1, len(PALETTE))
        spl = self.stations_per_line
        if not (isinstance(spl, tuple) and len(spl) == 2 and all(isinstance(v, int) for v in spl)
                and 3 <= spl[0] <= spl[1] <= 400):
            raise SpecError(f"`stations_per_line` must be a pair (low, high) with 3 <= low <= high <= 400, "
                            f"but got {spl!r}")
        _require_int("loops", self.loops, 0, self.lines)
        _require_int("branches", self.branches, 0, self.lines - self.loops)
        _require_int("shared_track", self.shared_track, 0, min(self.lines - self.loops, self.lines - 1))
        if (self.loops or self.branches or self.shared_track) and spl[1] < 5:
            raise SpecError(f"`stations_per_line` must be a range with high >= 5 for loops, branches or shared "
                            f"track, but got {spl!r}")
        if self.language not in LANGUAGES:
            raise SpecError(f"`language` must be one of {', '.join(LANGUAGES)}, but got {self.language!r}")
        if self.interchanges is not None:
            _require_int("interchanges", self.interchanges, 0, 10_000)


def _require_int(name: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SpecError(f"`{name}` must be an integer from {low} to {high}, but got {value!r}")


# --- step shapes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """A step from (0, 0) to `end`: one straight segment, or two with a 45° bend at `points[1]`."""

    end: P
    points: tuple[P, ...]
    first: int  # direction index of the first unit move
    last: int  # direction index of the last unit move
    moves: int  # lattice moves (Chebyshev length)
    length: float  # Euclidean length


def _sign(v: int) -> int:
    return (v > 0) - (v < 0)


def _shapes_to(dx: int, dy: int) -> list[_Shape]:
    a, b = abs(dx), abs(dy)
    end = (dx, dy)
    moves = max(a, b)
    if a == 0 or b == 0 or a == b:
        d = _DIR_INDEX[(_sign(dx), _sign(dy))]
        return [_Shape(end, ((0, 0), end), d, d, moves, math.hypot(dx, dy))]
    m = min(a, b)
    diag = (_sign(dx) * m, _sign(dy) * m)
    straight = (dx - diag[0], dy - diag[1])
    d_diag = _DIR_INDEX[(_sign(diag[0]), _sign(diag[1]))]
    d_str = _DIR_INDEX[(_sign(straight[0]), _sign(straight[1]))]
    length = m * math.sqrt(2) + abs(straight[0] + straight[1])
    return [_Shape(end, ((0, 0), diag, end), d_diag, d_str, moves, length),
            _Shape(end, ((0, 0), straight, end), d_str, d_diag, moves, length)]


def _signed_turn(a: int, b: int) -> int:
    """The turn from direction `a` to `b` in 45° units, clockwise (y down) positive, in -4..3."""
    return (b - a + 4) % 8 - 4


def _turn(a: int, b: int) -> int:
    d = abs(a - b) % 8
    return min(d, 8 - d)


_ALL_SHAPES = [s for dx in range(-_REACH, _REACH + 1) for dy in range(-_REACH, _REACH + 1)
               if (dx, dy) != (0, 0) for s in _shapes_to(dx, dy)]
# Shapes by incoming heading, with the turn they make (at most 90°); `None` heading allows every start.
_BY_HEADING: dict[int, list[tuple[_Shape, int]]] = {
    h: [(s, _turn(h, s.first)) for s in _ALL_SHAPES if _turn(h, s.first) <= 2] for h in range(8)
}


def _unit_moves(points: tuple[P, ...]) -> list[tuple[P, P]]:
    out = []
    for (x0, y0), (x1, y1) in pairwise(points):
        sx, sy = _sign(x1 - x0), _sign(y1 - y0)
        for i in range(max(abs(x1 - x0), abs(y1 - y0))):
            out.append(((x0 + i * sx, y0 + i * sy), (x0 + (i + 1) * sx, y0 + (i + 1) * sy)))
    return out


# --- occupancy grid ------------------------------------------------------------------------------------------


class _Grid:
    """What the drawing already holds: stations, used unit moves, course interiors, diagonal centres."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.stations: dict[P, int] = {}  # point → index of the line that placed it
        self.moves: dict[tuple[P, P], Key] = {}
        self.inner: dict[P, list[int]] = {}  # course-interior lattice point → axes passing (-1 = a bend)
        self.diagonals: dict[P, Key] = {}  # doubled centre of a diagonal unit move → its edge
        self.courses: dict[Key, tuple[P, ...]] = {}  # oriented from key[0] to key[1]

    def copy(self) -> _Grid:
        grid = _Grid(self.width, self.height)
        grid.stations = dict(self.stations)
        grid.moves = dict(self.moves)
        grid.inner = {p: list(v) for p, v in self.inner.items()}
        grid.diagonals = dict(self.diagonals)
        grid.courses = dict(self.courses)
        return grid

    def inside(self, p: P) -> bool:
        return 0 <= p[0] <= self.width and 0 <= p[1] <= self.height

    def free(self, p: P) -> bool:
        """A point where a new station may go."""
        return self.inside(p) and p not in self.stations and p not in self.inner

    def move_free(self, p: P, d: int) -> bool:
        q = (p[0] + DIRS[d][0], p[1] + DIRS[d][1])
        return self.inside(q) and _move_key(p, q) not in self.moves and -1 not in self.inner.get(q, ())

    def check(self, points: tuple[P, ...], target: P | None) -> int | None:
        """Crossings a new course along `points` would make, or None when it cannot be laid.

        The course ends at a new station, or at `target`, an existing station it may reach.
        """
        end = points[-1]
        if not self.inside(end) or any(not self.inside(p) for p in points[1:-1]):
            return None
        if end in self.stations:
            if end != target:
                return None
        elif end in self.inner:
            return None
        crossings = 0
        bends = set(points[1:-1])
        for a, b in _unit_moves(points):
            if _move_key(a, b) in self.moves:
                return None
            if a[0] != b[0] and a[1] != b[1] and (a[0] + b[0], a[1] + b[1]) in self.diagonals:
                crossings += 1
            if b == end:
                continue
            if b in self.stations:
                return None
            passing = self.inner.get(b)
            if passing:
                if b in bends or -1 in passing or len(passing) > 1:
                    return None
                crossings += 1
        return crossings

    def lay(self, key: Key, points: tuple[P, ...]) -> None:
        bends = set(points[1:-1])
        for a, b in _unit_moves(points):
            self.moves[_move_key(a, b)] = key
            if a[0] != b[0] and a[1] != b[1]:
                self.diagonals[(a[0] + b[0], a[1] + b[1])] = key
            if b != points[-1]:
                axis = -1 if b in bends else _DIR_INDEX[(b[0] - a[0], b[1] - a[1])] % 4
                self.inner.setdefault(b, []).append(axis)
        self.courses[key] = points if points[0] == key[0] else tuple(reversed(points))

    def course_from(self, a: P, b: P) -> tuple[P, ...]:
        path = self.courses[_key(a, b)]
        return path if path[0] == a else tuple(reversed(path))

    def crowding(self, points: tuple[P, ...]) -> float:
        """How close a new course runs to what is drawn: stations and course interiors beside it, the box edge."""
        ahead = [b for _, b in _unit_moves(points)]
        own = {points[0], *ahead}
        end = points[-1]
        total = 0.0
        for b in ahead:
            for dx, dy in _NEIGHBOURS:
                n = (b[0] + dx, b[1] + dy)
                if n in own:
                    continue
                if n in self.stations:
                    total += 1.0 if b == end else 0.5
                elif n in self.inner:
                    total += 0.3
        x, y = end
        if x <= 1 or y <= 1 or x >= self.width - 1 or y >= self.height - 1:
            total += 1.2
        return total


def _move_key(a: P, b: P) -> tuple[P, P]:
    return (a, b) if a < b else (b, a)


def _key(a: P, b: P) -> Key:
    return (a, b) if a < b else (b, a)


def _direction(a: P, b: P) -> int:
    return _DIR_INDEX[(_sign(b[0] - a[0]), _sign(b[1] - a[1]))]


def _ahead(p: P, d: int, k: int) -> P:
    return (p[0] + DIRS[d][0] * k, p[1] + DIRS[d][1] * k)


# --- walks ---------------------------------------------------------------------------------------------------


@dataclass
class _Goal:
    """Where a walk heads: a soft waypoint, or a `hard` station it must end a step on."""

    point: tuple[float, float]
    hard: bool = False
    arrival_turn_to: int | None = None  # hard goals: the arrival must turn ≤ 45° into this direction
    pass_through: bool = False  # hard goals: the walk continues through it


@dataclass
class _Ride:
    points: list[P]
    heading: int
    max_turn: int = 1
    since_turn: int = 0
    curl: int = 0  # signed sum of 45° turns so far (+ clockwise)
    curl_limit: int | None = 3  # open lines turn at most 135° one way overall; loops have no limit
    turning: int = 0
    budget: int = 0  # most 45° turns in all; 0: 4 plus one per 6 stations of the walk's limit


class _Builder:
    """One attempt at a whole network; `None` from `build` means try again."""

    def __init__(self, rng: random.Random, spec: NetworkSpec) -> None:
        self.rng = rng
        self.spec = spec
        lo, hi = spec.stations_per_line
        self.counts = [rng.randint(max(lo, 5) if i < spec.loops else lo, hi) for i in range(spec.lines)]
        self.spacing = [rng.choice((2, 2, 2, 3)) for _ in range(spec.lines)]
        total = sum(c * s * s for c, s in zip(self.counts, self.spacing, strict=True))
        side = max(math.sqrt(total * 3.0), hi * 2 * 0.9, 12)
        width = round(side * rng.uniform(1.05, 1.3))
        self.grid = _Grid(width, round(side))
        self.rides: list[list[list[P]]] = []  # per line, its variants as station points

    # planning

    def plan(self) -> tuple[list[str], list[int], list[int], set[int]]:
        """Roles (`loop`, `rider`, `line`), anchors per line, run lengths per line, branched lines."""
        spec, rng = self.spec, self.rng
        roles = ["loop"] * spec.loops + ["line"] * (spec.lines - spec.loops)
        radial = list(range(spec.loops, spec.lines))
        for i in rng.sample([i for i in radial if i > 0], spec.shared_track):
            roles[i] = "rider"
        branched = set(rng.sample(radial, spec.branches))
        runs = [2 if roles[i] == "rider" else 0 for i in range(spec.lines)]
        anchors = [1 if i > 0 and roles[i] != "rider" else 0 for i in range(spec.lines)]
        open_lines = [i for i in range(1, spec.lines) if roles[i] == "line"]
        base = sum(anchors) + sum(r + 1 for r in runs if r)
        if spec.interchanges is None:
            extra = sum(rng.random() < 0.45 for _ in open_lines)
        else:
            extra = spec.interchanges - base
            if extra < 0:
                raise SpecError(f"`interchanges` must be at least {base} for {spec.lines} lines with "
                                f"{spec.shared_track} shared runs, but got {spec.interchanges}")
            if extra > 2 * len(open_lines):
                raise SpecError(f"`interchanges` must be at most {base + 2 * len(open_lines)} for this spec, "
                                f"but got {spec.interchanges}")
        for _ in range(extra):
            choices = [i for i in open_lines if anchors[i] < 3]
            anchors[rng.choice(choices)] += 1
        return roles, anchors, runs, branched

    def build(self) -> bool:
        roles, anchors, runs, branched = self.plan()
        for i, role in enumerate(roles):
            options = self._candidate_anchors() if role != "rider" and i > 0 else []
            for attempt in range(_LINE_ATTEMPTS):
                if attempt == _LINE_ATTEMPTS // 2 and anchors[i] > 1:
                    self._move_anchor(i, anchors, roles)
                saved = self.grid.copy()
                if role == "loop":
                    rides = self._loop(i, options)
                elif role == "rider":
                    rides = self._rider(i, runs[i])
                else:
                    rides = self._line(i, anchors[i], options)
                if rides is not None and i in branched:
                    rides = self._branch(i, rides[0])
                if rides is not None:
                    self.rides.append(rides)
                    break
                self.grid = saved
            else:
                return False
        return True

    def _move_anchor(self, line: int, anchors: list[int], roles: list[str]) -> None:
        """Give one of `line`'s anchors to a later line (or drop it when the count is free)."""
        later = [i for i in range(line + 1, len(roles)) if roles[i] == "line" and anchors[i] < 3]
        if self.spec.interchanges is None:
            anchors[line] -= 1
        elif later:
            anchors[line] -= 1
            anchors[self.rng.choice(later)] += 1

    # station bookkeeping

    def _transfer_points(self) -> set[P]:
        served: dict[P, int] = {}
        for rides in self.rides:
            for p in dict.fromkeys(p for ride in rides for p in ride):
                served[p] = served.get(p, 0) + 1
        return {p for p, n in served.items() if n >= 2}

    def _candidate_anchors(self) -> list[tuple[P, int]]:
        """(station of an earlier line, axis direction) pairs a new line may cross straight through."""
        transfers = self._transfer_points()
        out = []
        for rides in self.rides:
            for ride in rides:
                for p in ride:
                    if p in transfers:
                        continue
                    for d in range(4):
                        if self.grid.move_free(p, d) and self.grid.move_free(p, d + 4):
                            out.append((p, d))
        return sorted(set(out))

    def _central(self, options: list[tuple[P, int]]) -> tuple[P, int]:
        """The most central of three random options: interchanges gather toward the middle."""
        cx, cy = self.grid.width / 2, self.grid.height / 2
        picks = [options[self.rng.randrange(len(options))] for _ in range(3)]
        return min(picks, key=lambda o: (o[0][0] - cx) ** 2 + (o[0][1] - cy) ** 2)

    # walking

    def _walk(self, ride: _Ride, goals: list[_Goal], line: int, stop: int | None, limit: int) -> bool:
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
                far = _ahead(p, ride.heading, 40)
                goals.append(_Goal((float(far[0]), float(far[1]))))
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

    def _lay(self, ride: _Ride, line: int, p: P, q: P, points: tuple[P, ...], shape: _Shape) -> None:
        key = _key(p, q)
        self.grid.lay(key, points)
        if q not in self.grid.stations:
            self.grid.stations[q] = line
        turn = _turn(ride.heading, shape.first)
        ride.turning += turn + (shape.first != shape.last)
        ride.curl += _signed_turn(ride.heading, shape.last)
        ride.since_turn = 0 if turn or shape.first != shape.last else ride.since_turn + 1
        ride.heading = shape.last
        ride.max_turn = _MAX_TURN
        ride.points.append(q)

    def _try_goal(self, ride: _Ride, goal: _Goal, line: int) -> bool:
        p = ride.points[-1]
        target = (int(goal.point[0]), int(goal.point[1]))
        dx, dy = target[0] - p[0], target[1] - p[1]
        if max(abs(dx), abs(dy)) > _REACH + 1 or (dx, dy) == (0, 0):
            return False
        best: tuple[int, _Shape] | None = None
        for shape in _shapes_to(dx, dy):
            if _turn(ride.heading, shape.first) > ride.max_turn:
                continue
            if goal.arrival_turn_to is not None and _turn(shape.last, goal.arrival_turn_to) > 1:
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

    def _best_step(self, ride: _Ride, goal_point: tuple[float, float], spacing: int) -> tuple[_Shape, int] | None:
        """The best-scoring step that can be laid toward `goal_point`, and the crossings it makes."""
        rng, grid = self.rng, self.grid
        p = ride.points[-1]
        gx, gy = goal_point
        here = math.hypot(gx - p[0], gy - p[1])
        scored = []
        for shape, turn in _BY_HEADING[ride.heading]:
            if turn > ride.max_turn:
                continue
            qx, qy = p[0] + shape.end[0], p[1] + shape.end[1]
            align = (here - math.hypot(gx - qx, gy - qy)) / shape.length
            score = 2.2 * align - _TURN_PENALTY[turn] - 1.1 * abs(shape.moves - spacing) - 0.8 * (shape.moves == 1)
            if shape.first != shape.last:
                score -= _BEND_PENALTY
            if (turn or shape.first != shape.last) and ride.since_turn < 2:
                score -= 1.0
            curl = ride.curl + _signed_turn(ride.heading, shape.last)
            if ride.curl_limit is not None and abs(curl) > ride.curl_limit:
                continue
            scored.append((score + rng.random() * 1.3, shape))
        scored.sort(key=lambda item: -item[0])
        best: tuple[float, _Shape, int] | None = None
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
        x = min(max(near[0], 1), self.grid.width - 1)
        y = min(max(near[1], 1), self.grid.height - 1)
        for r in range(3):
            spots = [(x + dx, y + dy) for dx in range(-r, r + 1) for dy in range(-r, r + 1)
                     if max(abs(dx), abs(dy)) == r]
            self.rng.shuffle(spots)
            for q in spots:
                if self.grid.free(q) and not any((q[0] + dx, q[1] + dy) in self.grid.stations
                                                 for dx, dy in _NEIGHBOURS):
                    self.grid.stations[q] = line
                    return q
        return None

    # line kinds

    def _line(self, line: int, n_anchors: int, options: list[tuple[P, int]]) -> list[list[P]] | None:
        rng, grid = self.rng, self.grid
        n, spacing = self.counts[line], self.spacing[line]
        cx, cy = grid.width / 2, grid.height / 2
        if n_anchors == 0:
            heading = rng.randrange(8)
            half = n * spacing * (0.5 if heading % 2 == 0 else 0.36)
            start = self._start((round(cx - DIRS[heading][0] * half), round(cy - DIRS[heading][1] * half)), line)
            if start is None:
                return None
            goals = [_Goal((cx + rng.uniform(-2, 2), cy + rng.uniform(-2, 2)))]
            end_dir = (heading + rng.choice((-1, 0, 0, 0, 1))) % 8
            goals.append(_Goal((cx + DIRS[end_dir][0] * half * 2, cy + DIRS[end_dir][1] * half * 2)))
            ride = _Ride([start], heading)
            return [ride.points] if self._walk(ride, goals, line, n, n) else None
        if not options:
            return None
        first, heading = self._central(options)
        if rng.random() < 0.5:
            heading += 4
        chain = [first]
        step = DIRS[heading]
        for _ in range(n_anchors - 1):
            last = chain[-1]
            ahead = [p for p, _ in options if p not in chain
                     and _ahead_of(last, p, step, 3, n * spacing * 0.6)]
            if not ahead:
                return None
            chain.append(ahead[rng.randrange(len(ahead))])
        before = max(1, round(n * rng.uniform(0.2, 0.5)))
        back = before * spacing * (1 if heading % 2 == 0 else 0.72)
        start = self._start((round(first[0] - step[0] * back), round(first[1] - step[1] * back)), line)
        if start is None:
            return None
        goals = []
        for a in chain:
            goals.append(_Goal((a[0] - step[0] * 2.0, a[1] - step[1] * 2.0)))
            goals.append(_Goal((float(a[0]), float(a[1])), hard=True, pass_through=True))
        end_dir = (heading + rng.choice((-1, 0, 0, 1))) % 8
        last = chain[-1]
        far = n * spacing
        goals.append(_Goal((last[0] + DIRS[end_dir][0] * far, last[1] + DIRS[end_dir][1] * far)))
        ride = _Ride([start], _direction(start, first) if start != first else heading)
        if not self._walk(ride, goals, line, n, n):
            return None
        return [ride.points]

    def _loop(self, line: int, options: list[tuple[P, int]]) -> list[list[P]] | None:
        rng, grid = self.rng, self.grid
        n, spacing = self.counts[line], self.spacing[line]
        lo = max(self.spec.stations_per_line[0], 4)
        half_x = max(2.0, n * spacing / 6.5 * rng.uniform(0.9, 1.15))
        half_y = max(2.0, n * spacing / 6.5 * rng.uniform(0.8, 1.05))
        cut = min(half_x, half_y) * rng.uniform(0.4, 0.6)
        side = rng.randrange(4)  # 0 left, 1 top, 2 right, 3 bottom: where the ride starts
        if line == 0:
            cx, cy = grid.width / 2 + rng.uniform(-2, 2), grid.height / 2 + rng.uniform(-2, 2)
            mids = [(cx - half_x, cy), (cx, cy - half_y), (cx + half_x, cy), (cx, cy + half_y)]
            start = self._start((round(mids[side][0]), round(mids[side][1])), line)
            if start is None:
                return None
        else:
            options = [(p, d) for p, d in options if d in (0, 2)]
            if not options:
                return None
            start, axis = self._central(options)
            side = rng.choice((0, 2)) if axis == 2 else rng.choice((1, 3))
            offset = rng.uniform(-0.5, 0.5)
            if side in (0, 2):
                cx = start[0] + (half_x if side == 0 else -half_x)
                cy = start[1] + offset * half_y
            else:
                cx = start[0] + offset * half_x
                cy = start[1] + (half_y if side == 1 else -half_y)
        corners = [(cx - half_x + cut, cy - half_y), (cx + half_x - cut, cy - half_y),
                   (cx + half_x, cy - half_y + cut), (cx + half_x, cy + half_y - cut),
                   (cx + half_x - cut, cy + half_y), (cx - half_x + cut, cy + half_y),
                   (cx - half_x, cy + half_y - cut), (cx - half_x, cy - half_y + cut)]
        # Clockwise from the start side: left side → corner 7 first, top → 1, right → 3, bottom → 5.
        first_corner = (7, 1, 3, 5)[side]
        order = [corners[(first_corner + k) % 8] for k in range(8)]
        heading = (6, 0, 2, 4)[side]
        if rng.random() < 0.5:
            order = [corners[(first_corner - 1 - k) % 8] for k in range(8)]
            heading = (heading + 4) % 8
        ride = _Ride([start], heading, budget=16, curl_limit=None)
        goals = [_Goal(c) for c in order]
        goals.append(_Goal((float(start[0]), float(start[1])), hard=True))
        if not self._first_step(ride, goals[0], line, spacing):
            return None
        # The closing arrival must turn at most 45° into the first move of the ride.
        goals[-1].arrival_turn_to = _direction(start, grid.course_from(start, ride.points[1])[1])
        if not self._walk(ride, goals, line, None, self.spec.stations_per_line[1] + 1):
            return None
        ride.points.pop()  # the closing step's end is the start again
        if len(ride.points) < lo:
            return None
        return [ride.points]

    def _first_step(self, ride: _Ride, goal: _Goal, line: int, spacing: int) -> bool:
        step = self._best_step(ride, goal.point, spacing)
        if step is None:
            return False
        shape = step[0]
        p = ride.points[-1]
        q = (p[0] + shape.end[0], p[1] + shape.end[1])
        self._lay(ride, line, p, q, tuple((p[0] + x, p[1] + y) for x, y in shape.points), shape)
        return True

    def _rider(self, line: int, run: int) -> list[list[P]] | None:
        rng, grid = self.rng, self.grid
        n, spacing = self.counts[line], self.spacing[line]
        transfers = self._transfer_points()
        windows = []
        for host, rides in enumerate(self.rides):
            ride = rides[0]
            cyclic = self.spec.loops > host
            m = len(ride)
            for i in range(m if cyclic else m - run):
                window = [ride[(i + k) % m] for k in range(run + 1)]
                if not any(p in transfers for p in window):
                    windows.append(window)
        if not windows:
            return None
        window = windows[rng.randrange(len(windows))]
        if rng.random() < 0.5:
            window = window[::-1]
        d_run = _direction(window[0], grid.course_from(window[0], window[1])[1])
        end_course = grid.course_from(window[-2], window[-1])
        d_end = _direction(end_course[-2], end_course[-1])
        before = rng.randint(0, max(0, n - run - 2))
        if before:
            approach = (d_run + rng.choice((-1, 1))) % 8
            back = before * spacing * (1 if approach % 2 == 0 else 0.72)
            s0 = window[0]
            start = self._start((round(s0[0] - DIRS[approach][0] * back), round(s0[1] - DIRS[approach][1] * back)),
                                line)
            if start is None:
                return None
            ride = _Ride([start], approach)
            goals = [_Goal((s0[0] - DIRS[approach][0] * 2.0, s0[1] - DIRS[approach][1] * 2.0)),
                     _Goal((float(s0[0]), float(s0[1])), hard=True, arrival_turn_to=d_run)]
            if not self._walk(ride, goals, line, None, n - run):
                return None
            if ride.points[-1] != s0:
                return None
        else:
            ride = _Ride([window[0]], d_run)
        ride.points.extend(window[1:])
        ride.heading = d_end
        ride.max_turn = 1
        ride.since_turn = 0
        leave = (d_end + rng.choice((-1, 1))) % 8
        last = window[-1]
        remaining = n - len(ride.points)
        if remaining <= 0:
            return [ride.points]
        far = (remaining + 2) * spacing
        goals = [_Goal((last[0] + DIRS[leave][0] * far, last[1] + DIRS[leave][1] * far))]
        if not self._walk(ride, goals, line, n, n):
            return None
        return [ride.points]

    def _branch(self, line: int, trunk: list[P]) -> list[list[P]] | None:
        rng, grid = self.rng, self.grid
        lo, hi = self.spec.stations_per_line
        n = len(trunk)
        forks = list(range(1, n - 2))
        rng.shuffle(forks)
        for fork in forks[:4]:
            low = max(lo, fork + 3)
            if low > hi:
                continue
            target = rng.randint(low, hi)
            at = trunk[fork]
            into = grid.course_from(trunk[fork - 1], at)
            heading = _direction(into[-2], into[-1])
            leave = (heading + rng.choice((-1, 1))) % 8
            far = (target - fork + 2) * self.spacing[line]
            saved = self.grid.copy()
            ride = _Ride(list(trunk[: fork + 1]), heading)
            goals = [_Goal((at[0] + DIRS[leave][0] * far, at[1] + DIRS[leave][1] * far))]
            if self._walk(ride, goals, line, target, target) and len(ride.points) - fork - 1 >= 2:
                return [trunk, ride.points]
            self.grid = saved
        return None


def _ahead_of(a: P, b: P, step: P, low: float, high: float) -> bool:
    """Whether `b` lies `low`..`high` units ahead of `a` along `step`, within 45° of it."""
    vx, vy = b[0] - a[0], b[1] - a[1]
    norm = math.hypot(*step)
    along = (vx * step[0] + vy * step[1]) / norm
    return low <= along <= high and along >= math.hypot(vx, vy) * math.cos(math.radians(45)) - 1e-9


# --- assembly ------------------------------------------------------------------------------------------------


def generate_network(seed: int, spec: NetworkSpec, city: str = "synthetic") -> tuple[Network, Layout]:
    """A random metro network and its octilinear layout, both determined by `seed` and `spec`.

    Raises `SpecError` (a `MapcurateError`) when the spec cannot be met.
    """
    if not isinstance(spec, NetworkSpec):
        raise SpecError(f"`spec` must be a NetworkSpec, but got {type(spec).__name__}")
    rng = random.Random(seed)
    for _ in range(_NETWORK_ATTEMPTS):
        builder = _Builder(rng, spec)
        if builder.build():
            return _assemble(builder, seed, spec, city, rng)
    raise SpecError(f"`spec` must be one a network can be laid out for, but got {spec} "
                    f"(no layout after {_NETWORK_ATTEMPTS} attempts with seed {seed})")


def _assemble(builder: _Builder, seed: int, spec: NetworkSpec, city: str,
              rng: random.Random) -> tuple[Network, Layout]:
    grid = builder.grid
    names_rng = random.Random(rng.getrandbits(64))
    generator = NameGenerator(names_rng, spec.language)
    points_in_order = list(dict.fromkeys(p for rides in builder.rides for ride in rides for p in ride))
    names = {p: generator.station() for p in points_in_order}
    ids = {p: slugify(name) for p, name in names.items()}
    languages = ["zh", "en"] if spec.language == "zh" else ["en"]
    colours = list(PALETTE)
    names_rng.shuffle(colours)
    numbers = list(range(1, spec.lines + 1))
    names_rng.shuffle(numbers)
    by_colour = spec.language == "en" and names_rng.random() < 0.5
    lines: dict[str, Line] = {}
    stations: dict[str, Station] = {}
    for index, rides in enumerate(builder.rides):
        colour_name, colour = colours[index]
        line_names = {"en": f"{colour_name} Line"} if by_colour else numbered_line_names(numbers[index], languages)
        line_id = slugify(line_names["en"])
        if line_id[0].isdigit() or len(line_id) <= 2:
            line_id = f"line-{line_id}"
        variants = [[ids[p] for p in ride] for ride in rides]
        lines[line_id] = Line(id=line_id, names=line_names, variants=variants, color=colour,
                              loop=index < spec.loops, source_name=line_names["en"])
        for p in dict.fromkeys(p for ride in rides for p in ride):
            sid = ids[p]
            if sid not in stations:
                stations[sid] = Station(id=sid, names={spec.language: names[p]}, source_names=[names[p]])
            stations[sid].lines.append(line_id)
    for station in stations.values():
        station.lines.sort()
        station.marked_transfer = len(station.lines) >= 2
    points = points_in_order + [q for course in grid.courses.values() for q in course]
    x0, y0 = min(p[0] for p in points), min(p[1] for p in points)
    positions = {ids[p]: (float(p[0] - x0), float(p[1] - y0)) for p in points_in_order}
    edges: dict[tuple[str, str], tuple[tuple[float, float], ...]] = {}
    for (a, b), course in grid.courses.items():
        key = edge_key(ids[a], ids[b])
        oriented = course if key[0] == ids[a] else tuple(reversed(course))
        edges[key] = tuple((float(x - x0), float(y - y0)) for x, y in oriented)
    names_city = city_name(names_rng, spec.language)
    network = Network(
        city=city, country="synthetic",
        city_names=names_city,
        languages=languages, stations=dict(sorted(stations.items())), lines=lines,
        sources={"procedural": {"seed": seed, "spec": _spec_dict(spec)}},
    )
    return network, Layout(positions=dict(sorted(positions.items())), edges=dict(sorted(edges.items())))


def _spec_dict(spec: NetworkSpec) -> dict[str, object]:
    data = asdict(spec)
    data["stations_per_line"] = list(spec.stations_per_line)
    return data


def count_crossings(layout: Layout) -> int:
    """How many times two courses of different track edges cross (away from stations)."""
    at: dict[tuple[int, int], int] = {}
    diagonal: dict[tuple[int, int], int] = {}
    total = 0
    for course in layout.edges.values():
        points = tuple((round(x), round(y)) for x, y in course)
        for a, b in _unit_moves(points):
            if b != points[-1]:
                total += at.get(b, 0)
                at[b] = at.get(b, 0) + 1
            if a[0] != b[0] and a[1] != b[1]:
                centre = (a[0] + b[0], a[1] + b[1])
                total += diagonal.get(centre, 0)
                diagonal[centre] = diagonal.get(centre, 0) + 1
    return total
