"""TorF1 (ReasonMap-Plus, judgement): are two stations on the same line? Yes and no balanced."""

from __future__ import annotations

import random

from curation.questions.base import Draft, Stage, balanced, unordered_pairs
from curation.questions.context import CityContext
from curation.questions.templates import TORF1, boxed

STAGE = Stage.JUDGEMENT
PER_MAP = 35
KIND = "yes_no"
BENCHMARK = True


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    yes: list[tuple[str, str]] = []
    no: list[tuple[str, str]] = []
    for a, b in unordered_pairs(ctx.station_ids):
        shared = set(ctx.network.stations[a].lines) & set(ctx.network.stations[b].lines)
        (yes if shared else no).append((a, b))
    drafts = []
    for (a, b), same in balanced(rng, yes, no, count):
        if rng.random() < 0.5:
            a, b = b, a
        on_both = sorted(set(ctx.network.stations[a].lines) & set(ctx.network.stations[b].lines))
        drafts.append(Draft(type="TorF1", template="torf1",
                            question=TORF1.format(a=ctx.station_name(a), b=ctx.station_name(b)),
                            answer={"value": "yes" if same else "no", "shared_lines": on_both},
                            answer_text=boxed("yes" if same else "no"), station_1=a, station_2=b))
    return drafts
