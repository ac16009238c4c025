"""NextStop (new): on line X from A towards B, which station comes right after A?
Needs the line's order to be read, not just its stations; asked where the way is unambiguous."""

from __future__ import annotations

import random

from curation.questions.base import Draft, Stage
from curation.questions.context import CityContext
from curation.questions.rides import sample_rides
from curation.questions.templates import NEXT_STOP, boxed

STAGE = Stage.ALONG_A_LINE
PER_MAP = 10
KIND = "station"


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    rides = sample_rides(ctx, rng, count, lambda ride: len(ride.between) >= 1)  # B itself is not next
    return [
        Draft(type="NextStop", template="next_stop",
              question=NEXT_STOP.format(line=ctx.line_phrase(r.line), a=ctx.station_name(r.start),
                                        b=ctx.station_name(r.end)),
              answer={"value": r.next_stop, "name": ctx.station_name(r.next_stop), "line": r.line},
              answer_text=boxed(ctx.station_name(r.next_stop)), station_1=r.start, station_2=r.end)
        for r in rides
    ]
