"""Counting3 (ReasonMap-Plus, global counting): how many lines the map shows (one per map)."""

from __future__ import annotations

import random

from curation.questions.base import Draft, Stage
from curation.questions.context import CityContext
from curation.questions.templates import COUNTING3, boxed

STAGE = Stage.COUNTING
PER_MAP = 1
KIND = "integer"
BENCHMARK = True


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    if count < 1:
        return []
    total = len(ctx.network.lines)
    return [Draft(type="Counting3", template="counting3", question=COUNTING3.format(),
                  answer={"value": total, "lines": ctx.line_ids}, answer_text=boxed(total))]
