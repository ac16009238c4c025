"""Adjacent (new): are two stations next to each other on some line? Yes and no balanced; the no
cases are two stops apart on a line (one station in between), so the map must be read closely."""

from __future__ import annotations

import random

from curation.questions.base import Draft, Stage, balanced
from curation.questions.context import CityContext
from curation.questions.templates import ADJACENT, boxed

STAGE = Stage.JUDGEMENT
PER_MAP = 10
KIND = "yes_no"


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    graph = ctx.network.to_networkx()
    yes = sorted({tuple(sorted((a, b))) for a, b in graph.edges()})
    two_apart = {(a, c) for b in graph for a in graph[b] for c in graph[b]  # a and c flank b
                 if a < c and not graph.has_edge(a, c)}
    drafts = []
    for (a, b), adjacent in balanced(rng, yes, sorted(two_apart), count):
        if rng.random() < 0.5:
            a, b = b, a
        lines = sorted(graph[a][b]) if adjacent else []
        drafts.append(Draft(type="Adjacent", template="adjacent",
                            question=ADJACENT.format(a=ctx.station_name(a), b=ctx.station_name(b)),
                            answer={"value": "yes" if adjacent else "no", "lines": lines},
                            answer_text=boxed("yes" if adjacent else "no"), station_1=a, station_2=b))
    return drafts
