"""The kinds of procedural line (open, loop, shared-track rider, Y branch) and how they pick their anchors."""

from __future__ import annotations

import math

from curation.synth.procedural_moves import DIRS, P, direction
from curation.synth.procedural_walk import Goal, Ride, Walker


class LineMaker(Walker):
    """Lays whole lines of each kind onto the grid; each returns the line's variants, or None to retry."""

    def _transfer_points(self) -> set[P]:
        """Station points already served by two or more lines."""
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

    def _line(self, line: int, n_anchors: int, options: list[tuple[P, int]]) -> list[list[P]] | None:
        """An open line: free across the middle, or aimed straight through `n_anchors` chosen stations."""
        rng, grid = self.rng, self.grid
        n, spacing = self.counts[line], self.spacing[line]
        cx, cy = grid.width / 2, grid.height / 2
        if n_anchors == 0:
            heading = rng.randrange(8)
            half = n * spacing * (0.5 if heading % 2 == 0 else 0.36)
            start = self._start((round(cx - DIRS[heading][0] * half), round(cy - DIRS[heading][1] * half)), line)
            if start is None:
                return None
            goals = [Goal((cx + rng.uniform(-2, 2), cy + rng.uniform(-2, 2)))]
            end_dir = (heading + rng.choice((-1, 0, 0, 0, 1))) % 8
            goals.append(Goal((cx + DIRS[end_dir][0] * half * 2, cy + DIRS[end_dir][1] * half * 2)))
            ride = Ride([start], heading)
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
            goals.append(Goal((a[0] - step[0] * 2.0, a[1] - step[1] * 2.0)))
            goals.append(Goal((float(a[0]), float(a[1])), hard=True, pass_through=True))
        end_dir = (heading + rng.choice((-1, 0, 0, 1))) % 8
        last = chain[-1]
        far = n * spacing
        goals.append(Goal((last[0] + DIRS[end_dir][0] * far, last[1] + DIRS[end_dir][1] * far)))
        ride = Ride([start], direction(start, first) if start != first else heading)
        if not self._walk(ride, goals, line, n, n):
            return None
        return [ride.points]

    def _loop(self, line: int, options: list[tuple[P, int]]) -> list[list[P]] | None:
        """A closed ride around an octagon of soft corners, through one anchor unless it is the first line."""
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
        ride = Ride([start], heading, budget=16, curl_limit=None)
        goals = [Goal(c) for c in order]
        goals.append(Goal((float(start[0]), float(start[1])), hard=True))
        if not self._first_step(ride, goals[0], line, spacing):
            return None
        # The closing arrival must turn at most 45° into the first move of the ride.
        goals[-1].arrival_turn_to = direction(start, grid.course_from(start, ride.points[1])[1])
        if not self._walk(ride, goals, line, None, self.spec.stations_per_line[1] + 1):
            return None
        ride.points.pop()  # the closing step's end is the start again
        if len(ride.points) < lo:
            return None
        return [ride.points]

    def _rider(self, line: int, run: int) -> list[list[P]] | None:
        """A line that rides `run` consecutive track edges of an earlier line, with its own ends."""
        rng, grid = self.rng, self.grid
        n, spacing = self.counts[line], self.spacing[line]
        transfers = self._transfer_points()
        windows = []
        for host, rides in enumerate(self.rides):
            host_ride = rides[0]
            cyclic = self.spec.loops > host
            m = len(host_ride)
            for i in range(m if cyclic else m - run):
                window = [host_ride[(i + k) % m] for k in range(run + 1)]
                if not any(p in transfers for p in window):
                    windows.append(window)
        if not windows:
            return None
        window = windows[rng.randrange(len(windows))]
        if rng.random() < 0.5:
            window = window[::-1]
        d_run = direction(window[0], grid.course_from(window[0], window[1])[1])
        end_course = grid.course_from(window[-2], window[-1])
        d_end = direction(end_course[-2], end_course[-1])
        before = rng.randint(0, max(0, n - run - 2))
        if before:
            approach = (d_run + rng.choice((-1, 1))) % 8
            back = before * spacing * (1 if approach % 2 == 0 else 0.72)
            s0 = window[0]
            start = self._start((round(s0[0] - DIRS[approach][0] * back), round(s0[1] - DIRS[approach][1] * back)),
                                line)
            if start is None:
                return None
            ride = Ride([start], approach)
            goals = [Goal((s0[0] - DIRS[approach][0] * 2.0, s0[1] - DIRS[approach][1] * 2.0)),
                     Goal((float(s0[0]), float(s0[1])), hard=True, arrival_turn_to=d_run)]
            if not self._walk(ride, goals, line, None, n - run):
                return None
            if ride.points[-1] != s0:
                return None
        else:
            ride = Ride([window[0]], d_run)
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
        goals = [Goal((last[0] + DIRS[leave][0] * far, last[1] + DIRS[leave][1] * far))]
        if not self._walk(ride, goals, line, n, n):
            return None
        return [ride.points]

    def _branch(self, line: int, trunk: list[P]) -> list[list[P]] | None:
        """`trunk` and a second variant forking off it at a station (a Y), or None."""
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
            heading = direction(into[-2], into[-1])
            leave = (heading + rng.choice((-1, 1))) % 8
            far = (target - fork + 2) * self.spacing[line]
            saved = self.grid.copy()
            ride = Ride(list(trunk[: fork + 1]), heading)
            goals = [Goal((at[0] + DIRS[leave][0] * far, at[1] + DIRS[leave][1] * far))]
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

