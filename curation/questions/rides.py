"""Rides along one line, for the families that ask about stops, directions and termini."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from curation.network.model import Line
from curation.questions.base import first_valid
from curation.questions.context import CityContext


@dataclass(frozen=True)
class Ride:
    """From `start` towards `end` on one line: the stations strictly between, the next stop, and
    the terminus the train runs to (None where variants disagree or on a loop)."""

    line: str
    start: str
    end: str
    between: tuple[str, ...]
    next_stop: str
    terminus: str | None


def rides_between(line: Line, start: str, end: str) -> Ride | None:
    """The ride from `start` to `end` along `line`, or None if no single ride (or loop way) is unambiguous."""
    found: set[tuple[tuple[str, ...], str | None]] = set()
    for variant in line.variants:
        if start not in variant or end not in variant:
            continue
        i, j = variant.index(start), variant.index(end)
        if line.loop:
            n = len(variant)
            forward = [variant[(i + k) % n] for k in range(1, (j - i) % n)]
            backward = [variant[(i - k) % n] for k in range(1, (i - j) % n)]
            if len(forward) == len(backward):
                return None  # opposite sides of the loop: no shorter way
            shorter = min(forward, backward, key=len)
            found.add((tuple(shorter), None))
        else:
            step = 1 if j > i else -1
            terminus = variant[-1] if step == 1 else variant[0]
            found.add((tuple(variant[i + step: j: step]), terminus))
    paths = {between for between, _ in found}
    if len(paths) != 1:
        return None
    between = paths.pop()
    termini = {terminus for _, terminus in found}
    return Ride(line=line.id, start=start, end=end, between=between,
                next_stop=between[0] if between else end,
                terminus=termini.pop() if len(termini) == 1 else None)


def sample_rides(ctx: CityContext, rng: random.Random, count: int, accept: Callable[[Ride], bool],
                 loops: bool = True) -> list[Ride]:
    """Up to `count` unambiguous rides between two stations of a line that `accept` keeps."""
    candidates = [(line, a, b) for lid in ctx.line_ids if loops or not ctx.network.lines[lid].loop
                  for line in (ctx.network.lines[lid],) for a in line.station_ids for b in line.station_ids if a != b]

    def check(candidate: tuple[Line, str, str]) -> Ride | None:
        ride = rides_between(*candidate)
        return ride if ride is not None and accept(ride) else None

    return first_valid(rng, candidates, count, check)
