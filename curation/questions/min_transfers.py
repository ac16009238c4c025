"""MinTransfers (new): the fewest transfers between two stations, drawn in turn from 0, 1 and 2+."""

from __future__ import annotations

import random

from curation.questions.base import Draft, Stage, spread
from curation.questions.context import CityContext
from curation.questions.difficulty import question_level
from curation.questions.templates import MIN_TRANSFERS, boxed

STAGE = Stage.COUNTING
PER_MAP = 10
KIND = "integer"


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    by_level: list[list[tuple[str, str, int]]] = [[], [], []]
    partners = ctx.walk_partners
    for a in ctx.station_ids:
        for b, legs in ctx.router.fewest_legs(a).items():
            if b not in partners.get(a, ()):
                by_level[question_level(legs - 1)].append((a, b, legs - 1))
    chosen = spread(rng, [rng.sample(level, min(len(level), count)) for level in by_level], count)
    return [
        Draft(type="MinTransfers", template="min_transfers",
              question=MIN_TRANSFERS.format(a=ctx.station_name(a), b=ctx.station_name(b)),
              answer={"value": transfers}, answer_text=boxed(transfers), station_1=a, station_2=b,
              transfers=transfers)
        for a, b, transfers in chosen
    ]
