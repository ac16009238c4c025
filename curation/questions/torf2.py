"""TorF2 (ReasonMap-Plus, judgement): is a station on a given line? Yes and no balanced."""

from __future__ import annotations

import random

from curation.questions.base import Draft, Stage, balanced
from curation.questions.context import CityContext
from curation.questions.templates import TORF2, boxed

STAGE = Stage.JUDGEMENT
PER_MAP = 31
KIND = "yes_no"
BENCHMARK = True


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    yes: list[tuple[str, str]] = []
    no: list[tuple[str, str]] = []
    for sid in ctx.station_ids:
        serving = set(ctx.network.stations[sid].lines)
        for lid in ctx.line_ids:
            (yes if lid in serving else no).append((sid, lid))
    return [
        Draft(type="TorF2", template="torf2",
              question=TORF2.format(a=ctx.station_name(sid), line=ctx.line_phrase(lid)),
              answer={"value": "yes" if on_line else "no", "line": lid},
              answer_text=boxed("yes" if on_line else "no"), station_1=sid)
        for (sid, lid), on_line in balanced(rng, yes, no, count)
    ]
