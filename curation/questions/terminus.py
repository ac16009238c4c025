"""Terminus (new): boarding line X at A towards B, at which terminal station does the train end?
Read off the map by following the line to its end; asked only where every train from A towards
B ends at the same terminus (never on loops)."""

from __future__ import annotations

import random

from curation.questions.base import Draft, Stage
from curation.questions.context import CityContext
from curation.questions.rides import sample_rides
from curation.questions.templates import TERMINUS, boxed

STAGE = Stage.ALONG_A_LINE
PER_MAP = 10
KIND = "station"


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    rides = sample_rides(ctx, rng, count, lambda ride: ride.terminus not in (None, ride.end), loops=False)
    return [
        Draft(type="Terminus", template="terminus",
              question=TERMINUS.format(line=ctx.line_phrase(r.line), a=ctx.station_name(r.start),
                                       b=ctx.station_name(r.end)),
              answer={"value": r.terminus, "name": ctx.station_name(r.terminus), "line": r.line},
              answer_text=boxed(ctx.station_name(r.terminus)), station_1=r.start, station_2=r.end)
        for r in rides if r.terminus is not None
    ]
