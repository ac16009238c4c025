"""Counting1 (ReasonMap-Plus, local counting): intermediate stops between two stations of a line,
as a four-way multiple choice. Options are always ascending, and the correct letter is spread
evenly over A–D (a count of 0 can only be option A, so small counts take the early letters)."""

from __future__ import annotations

import random
from collections import Counter

from curation.questions.base import Draft, Stage, first_valid, unordered_pairs
from curation.questions.context import CityContext
from curation.questions.rides import rides_between
from curation.questions.templates import COUNTING1, COUNTING1_LOOP, boxed

STAGE = Stage.ALONG_A_LINE
PER_MAP = 35
KIND = "choice"
BENCHMARK = True

LETTERS = "ABCD"
SPREAD = 6  # distractors are drawn from up to this far either side of the correct count


def generate(ctx: CityContext, rng: random.Random, count: int) -> list[Draft]:
    candidates = [(ctx.network.lines[lid], a, b) for lid in ctx.line_ids
                  for a, b in unordered_pairs(ctx.network.lines[lid].station_ids)]
    rides = first_valid(rng, candidates, count, lambda candidate: rides_between(*candidate))
    slots = _letter_slots(rng, [len(r.between) for r in rides])
    drafts = []
    for ride, slot in zip(rides, slots, strict=True):
        a, b = (ride.end, ride.start) if rng.random() < 0.5 else (ride.start, ride.end)
        correct = len(ride.between)  # the same either way along one ride
        options = _options(rng, correct, slot)
        letter = LETTERS[slot]
        template = COUNTING1_LOOP if ctx.network.lines[ride.line].loop else COUNTING1
        question = template.format(a=ctx.station_name(a), b=ctx.station_name(b), line=ctx.line_phrase(ride.line),
                                   **dict(zip(LETTERS, map(str, options), strict=True)))
        drafts.append(Draft(type="Counting1", template="counting1", question=question,
                            answer={"letter": letter, "value": correct, "options": options, "line": ride.line},
                            answer_text=boxed(letter), station_1=a, station_2=b))
    return drafts


def _letter_slots(rng: random.Random, corrects: list[int]) -> list[int]:
    """A letter position per question: as even as the counts allow (position ≤ count, since the
    options below the correct one must be non-negative), smallest counts placed first."""
    used: Counter[int] = Counter()
    slots = [0] * len(corrects)
    order = sorted(range(len(corrects)), key=lambda i: (corrects[i], rng.random()))
    for i in order:
        allowed = range(min(corrects[i], 3) + 1)
        fewest = min(used[s] for s in allowed)
        slots[i] = rng.choice([s for s in allowed if used[s] == fewest])
        used[slots[i]] += 1
    return slots


def _options(rng: random.Random, correct: int, slot: int) -> list[int]:
    """Four ascending distinct non-negative counts, the correct one at `slot`, gaps varied."""
    below = rng.sample(range(max(0, correct - SPREAD), correct), slot)
    above = rng.sample(range(correct + 1, correct + SPREAD + 1), 3 - slot)
    return sorted([*below, correct, *above])
