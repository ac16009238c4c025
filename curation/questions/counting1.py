"""Counting1 (ReasonMap-Plus, local counting): intermediate stops between two stations of a line,
as a four-way multiple choice whose correct letter cycles evenly through A–D."""

from __future__ import annotations

import random

from curation.questions.base import Draft, first_valid, unordered_pairs
from curation.questions.context import CityContext
from curation.questions.rides import rides_between
from curation.questions.templates import COUNTING1, boxed

LETTERS = "ABCD"


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    candidates = [(ctx.network.lines[lid], a, b) for lid in ctx.line_ids
                  for a, b in unordered_pairs(ctx.network.lines[lid].station_ids)]
    chosen = first_valid(rng, candidates, count, lambda candidate: rides_between(*candidate))
    drafts = []
    offset = rng.randrange(4)
    for k, ride in enumerate(chosen):
        lid, a, b = ride.line, *((ride.end, ride.start) if rng.random() < 0.5 else (ride.start, ride.end))
        correct = len(ride.between)  # the same either way along one ride
        options = _options(rng, correct, (k + offset) % 4)  # the correct letter cycles evenly
        letter = LETTERS[options.index(correct)]
        question = COUNTING1.format(a=ctx.station_name(a), b=ctx.station_name(b), line=ctx.line_name(lid),
                                    **dict(zip(LETTERS, map(str, options), strict=True)))
        drafts.append(Draft(type="Counting1", template="counting1", question=question,
                            answer={"letter": letter, "value": correct, "options": options, "line": lid},
                            answer_text=boxed(letter), station_1=a, station_2=b))
    return drafts


def _options(rng: random.Random, correct: int, slot: int) -> list[int]:
    """Four distinct non-negative counts near the correct one, the correct one at `slot`.

    Options are ascending whenever there are `slot` smaller counts to offer; for tiny counts
    (fewer smaller values than the slot needs) the distractors are larger and the order mixed.
    """
    below = list(range(max(0, correct - 4), correct))
    above = list(range(correct + 1, correct + 5))
    if len(below) >= slot:
        return [*sorted(rng.sample(below, slot)), correct, *sorted(rng.sample(above, 3 - slot))]
    distractors = sorted(rng.sample(below + above, 3))
    return [*distractors[:slot], correct, *distractors[slot:]]
