"""The occupancy grid of a procedural drawing: where stations, unit moves and course interiors already are."""

from __future__ import annotations

from curation.synth.procedural_moves import DIR_INDEX, DIRS, Key, P, key, unit_moves


class Grid:
    """What the drawing already holds: stations, used unit moves, course interiors, diagonal centres."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.stations: dict[P, int] = {}  # point → index of the line that placed it
        self.moves: dict[tuple[P, P], Key] = {}
        self.inner: dict[P, list[int]] = {}  # course-interior lattice point → axes passing (-1 = a bend)
        self.diagonals: dict[P, Key] = {}  # doubled centre of a diagonal unit move → its edge
        self.courses: dict[Key, tuple[P, ...]] = {}  # oriented from key[0] to key[1]

    def copy(self) -> Grid:
        grid = Grid(self.width, self.height)
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
        """Whether the unit move from `p` in direction `d` is unused and does not end on a bend."""
        q = (p[0] + DIRS[d][0], p[1] + DIRS[d][1])
        return self.inside(q) and key(p, q) not in self.moves and -1 not in self.inner.get(q, ())

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
        for a, b in unit_moves(points):
            if key(a, b) in self.moves:
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

    def lay(self, edge: Key, points: tuple[P, ...]) -> None:
        """Record the course `points` of track edge `edge`."""
        bends = set(points[1:-1])
        for a, b in unit_moves(points):
            self.moves[key(a, b)] = edge
            if a[0] != b[0] and a[1] != b[1]:
                self.diagonals[(a[0] + b[0], a[1] + b[1])] = edge
            if b != points[-1]:
                axis = -1 if b in bends else DIR_INDEX[(b[0] - a[0], b[1] - a[1])] % 4
                self.inner.setdefault(b, []).append(axis)
        self.courses[edge] = points if points[0] == edge[0] else tuple(reversed(points))

    def course_from(self, a: P, b: P) -> tuple[P, ...]:
        """The course of track edge a–b, oriented from `a`."""
        path = self.courses[key(a, b)]
        return path if path[0] == a else tuple(reversed(path))

    def crowding(self, points: tuple[P, ...]) -> float:
        """How close a new course runs to what is drawn: stations and course interiors beside it, the box edge."""
        ahead = [b for _, b in unit_moves(points)]
        own = {points[0], *ahead}
        end = points[-1]
        total = 0.0
        for b in ahead:
            for dx, dy in DIRS:
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
