"""Counting2 (ReasonMap-Plus, local counting): how many lines pass through a station."""

from __future__ import annotations

import random
from collections import defaultdict

from curation.questions.base import Draft, Stage, spread
from curation.questions.context import CityContext
from curation.questions.templates import COUNTING2, boxed

STAGE = Stage.COUNTING
PER_MAP = 32
KIND = "integer"
BENCHMARK = True


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    """Stations drawn in turn across line counts, so one-line stations do not dominate."""
    by_count: dict[int, list[str]] = defaultdict(list)
    for sid in ctx.station_ids:
        by_count[len(ctx.network.stations[sid].lines)].append(sid)
    chosen = spread(rng, [by_count[n] for n in sorted(by_count)], count)
    return [
        Draft(type="Counting2", template="counting2", question=COUNTING2.format(a=ctx.station_name(sid)),
              answer={"value": len(ctx.network.stations[sid].lines), "lines": ctx.network.stations[sid].lines},
              answer_text=boxed(len(ctx.network.stations[sid].lines)), station_1=sid)
        for sid in chosen
    ]
