"""NextStop (new): on line X from A towards B, which station comes right after A?
Needs the line's order to be read, not just its stations; asked where the way is unambiguous."""

from __future__ import annotations

import random

from curation.questions.base import Draft, first_valid
from curation.questions.context import CityContext
from curation.questions.rides import rides_between
from curation.questions.templates import NEXT_STOP, boxed


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    candidates = [(lid, a, b) for lid in ctx.line_ids for a in ctx.network.lines[lid].station_ids
                  for b in ctx.network.lines[lid].station_ids if a != b]

    def ride(candidate: tuple[str, str, str]):
        found = rides_between(ctx.network.lines[candidate[0]], candidate[1], candidate[2])
        return found if found is not None and len(found.between) >= 1 else None  # B is not the next stop

    drafts = []
    for lid, a, b in first_valid(rng, candidates, count, ride):
        nxt = ride((lid, a, b)).next_stop  # type: ignore[union-attr]
        drafts.append(Draft(type="NextStop", template="next_stop",
                            question=NEXT_STOP.format(line=ctx.line_name(lid), a=ctx.station_name(a),
                                                      b=ctx.station_name(b)),
                            answer={"value": nxt, "name": ctx.station_name(nxt), "line": lid},
                            answer_text=boxed(ctx.station_name(nxt)), station_1=a, station_2=b))
    return drafts
