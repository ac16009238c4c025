"""Terminus (new): boarding line X at A towards B, at which terminal station does the train end?
Read off the map by following the line to its end; asked only where every train from A towards
B ends at the same terminus (never on loops)."""

from __future__ import annotations

import random

from curation.questions.base import Draft, first_valid
from curation.questions.context import CityContext
from curation.questions.rides import rides_between
from curation.questions.templates import TERMINUS, boxed


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    candidates = [(lid, a, b) for lid in ctx.line_ids if not ctx.network.lines[lid].loop
                  for a in ctx.network.lines[lid].station_ids for b in ctx.network.lines[lid].station_ids if a != b]

    def ride(candidate: tuple[str, str, str]):
        found = rides_between(ctx.network.lines[candidate[0]], candidate[1], candidate[2])
        return found if found is not None and found.terminus not in (None, candidate[2]) else None

    drafts = []
    for lid, a, b in first_valid(rng, candidates, count, ride):
        terminus = ride((lid, a, b)).terminus  # type: ignore[union-attr]
        drafts.append(Draft(type="Terminus", template="terminus",
                            question=TERMINUS.format(line=ctx.line_name(lid), a=ctx.station_name(a),
                                                     b=ctx.station_name(b)),
                            answer={"value": terminus, "name": ctx.station_name(terminus), "line": lid},
                            answer_text=boxed(ctx.station_name(terminus)), station_1=a, station_2=b))
    return drafts
