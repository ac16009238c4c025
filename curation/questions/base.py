"""What a question family returns, and helpers the families share."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from curation.questions.views import View

T = TypeVar("T")
R = TypeVar("R")


class Stage(IntEnum):
    """Curriculum stages, local before global (RewardMap's judgement → counting → along a line → planning,
    with a perception stage first): each family module names its `STAGE`."""

    CROP = 1
    JUDGEMENT = 2
    COUNTING = 3
    ALONG_A_LINE = 4
    PLANNING = 5


@dataclass(frozen=True)
class Draft:
    """A family's question before the city-wide labels (difficulty, weights, ids) are added."""

    type: str
    template: str
    question: str
    answer: Any
    answer_text: str
    alternatives: list[dict[str, object]] = field(default_factory=list)  # other optimal routes' answers
    station_1: str | None = None
    station_2: str | None = None
    transfers: int | None = None
    kind: str | None = None
    """How the answer is read, where it is not the family's `KIND` (a family with several kinds of answer)."""
    level: int | None = None
    """The question's own difficulty level (0–2), where it is not the map's (perception questions: from pixels)."""
    view: View | None = None
    """What the question shows, where it is not the whole map (`curation.questions.views`)."""


def sample(rng: random.Random, pool: Sequence[T], count: int) -> list[T]:
    """Up to `count` distinct items of `pool`, in a seeded order."""
    return rng.sample(list(pool), min(count, len(pool)))


def balanced(rng: random.Random, yes: Sequence[T], no: Sequence[T], count: int) -> list[tuple[T, bool]]:
    """Up to `count` cases, as many yes as no (an odd count adds one of a seeded side), shuffled.

    A map without one of the two answers gets no questions of this kind.
    """
    n_yes = n_no = min(count // 2, len(yes), len(no))
    if count % 2 and n_yes == count // 2 and n_yes:
        if (rng.random() < 0.5 and len(yes) > n_yes) or len(no) == n_no:
            n_yes += len(yes) > n_yes
        else:
            n_no += 1
    picked = [(item, True) for item in sample(rng, yes, n_yes)] + [(item, False) for item in sample(rng, no, n_no)]
    rng.shuffle(picked)
    return picked


def spread(rng: random.Random, pools: Sequence[Sequence[T]], count: int) -> list[T]:
    """Up to `count` items taken in turn from each pool, while at least two pools still have some,
    so that no single answer dominates (a map with one kind of answer gets none)."""
    shuffled = [rng.sample(list(pool), len(pool)) for pool in pools]
    chosen: list[T] = []
    while len(chosen) < count and sum(1 for pool in shuffled if pool) >= 2:
        for pool in shuffled:
            if pool and len(chosen) < count:
                chosen.append(pool.pop())
    return chosen


def first_valid(rng: random.Random, pool: Sequence[T], count: int, check: Callable[[T], R | None]) -> list[R]:
    """What `check` makes of up to `count` items of `pool` (None: skip), in a seeded order, lazily."""
    order = list(range(len(pool)))
    rng.shuffle(order)
    chosen: list[R] = []
    for index in order:
        if len(chosen) == count:
            break
        result = check(pool[index])
        if result is not None:
            chosen.append(result)
    return chosen


def unordered_pairs(items: Sequence[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(items) for b in items[i + 1:]]
