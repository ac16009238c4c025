"""One attempt at a whole procedural network: the plan (line roles, anchors, shared runs) and laying it out."""

from __future__ import annotations

from curation.synth.procedural_lines import LineMaker
from curation.synth.procedural_spec import SpecError

_LINE_ATTEMPTS = 40


class Builder(LineMaker):
    """One attempt at a whole network; `build` returning False means try again."""

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
        """Lay every planned line in order, retrying each up to a fixed number of times; False when one fails."""
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
