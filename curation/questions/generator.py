"""The seeded question generator: families × quotas per city, labelled and deduplicated."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from types import ModuleType

from curation.atomic import canonical_json
from curation.errors import MapcurateError
from curation.network.model import Network
from curation.questions import (
    adjacent,
    counting1,
    counting2,
    counting3,
    crop,
    identify,
    line_color,
    locate,
    min_transfers,
    next_stop,
    planning,
    terminus,
    torf1,
    torf2,
)
from curation.questions.base import Draft
from curation.questions.context import CityContext
from curation.questions.difficulty import (
    MAP_LEVELS,
    QUESTION_LEVELS,
    question_level,
    reward_weight,
    scoring_weight,
)
from curation.questions.records import GENERATOR_VERSION, Question, question_id
from curation.questions.vocabulary import Names


@dataclass(frozen=True)
class Family:
    """A question family, as its module declares it: curriculum `STAGE`, default count per map `PER_MAP`,
    answer `KIND` (how `curation.scoring` reads it, unless a draft names another) and `BENCHMARK` (whether
    ReasonMap or ReasonMap-Plus asks it; only those go into its own layout, `reasonmap` / `reasonmap_plus`)."""

    module: ModuleType

    @property
    def stage(self) -> int:
        return int(self.module.STAGE)

    @property
    def per_map(self) -> int:
        return int(self.module.PER_MAP)

    @property
    def kind(self) -> str:
        return str(self.module.KIND)

    @property
    def benchmark(self) -> bool:
        return bool(getattr(self.module, "BENCHMARK", False))


# Default counts follow ReasonMap (40 route pairs, 20:15:5) and ReasonMap-Plus per map.
_MODULES = (planning, counting1, counting2, counting3, torf1, torf2, terminus, next_stop, min_transfers, adjacent,
            line_color, locate, identify, crop)
FAMILIES: dict[str, Family] = {module.__name__.rsplit(".", 1)[1]: Family(module) for module in _MODULES}
DEFAULT_QUOTA = (20, 15, 5)


@dataclass
class CityQuestions:
    """One city's questions and what fell short of the request."""

    city: str
    questions: list[Question]
    requested: dict[str, int]
    produced: dict[str, int]
    planning_levels: tuple[int, int, int] = (0, 0, 0)
    planning_shortfall: tuple[int, int, int] = (0, 0, 0)
    skipped: list[str] = field(default_factory=list)
    duplicates_dropped: int = 0
    map_level: str = ""


def parse_quota(text: str) -> tuple[int, int, int]:
    """`20:15:5` → (20, 15, 5)."""
    parts = text.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or not any(int(p) for p in parts):
        raise MapcurateError(f"quota must be easy:medium:hard whole numbers, not all zero, like 20:15:5, "
                             f"but got {text!r}")
    return int(parts[0]), int(parts[1]), int(parts[2])


def generate_city(network: Network, *, seed: int = 0, families: list[str] | None = None,
                  per_map: dict[str, int] | None = None, quota: tuple[int, int, int] = DEFAULT_QUOTA,
                  skip: list[str] | None = None, names: Names = "map",
                  raw: dict[str, list[str]] | None = None) -> CityQuestions:
    """Every requested family for one city, with deterministic randomness from `seed`.

    `skip` names families the city's manifest rules out (its map draws what the source lacks);
    `names` the vocabulary (`curation.questions.vocabulary`), `raw` the city's station list it reads.
    """
    requested = families or list(FAMILIES)
    chosen = [name for name in requested if name not in (skip or [])]
    unknown = sorted(set(requested) - set(FAMILIES))
    if unknown:
        raise MapcurateError(f"unknown question families: {', '.join(unknown)} (known: {', '.join(FAMILIES)})")
    counts = {name: (per_map or {}).get(name, FAMILIES[name].per_map) for name in chosen}
    ctx = CityContext(network, names=names, raw=raw)
    result = CityQuestions(city=network.city, questions=[], requested=dict(counts), produced={},
                           map_level=MAP_LEVELS[ctx.map_level],
                           skipped=[name for name in requested if name in (skip or [])])
    seen: set[str] = set()
    for name in chosen:
        rng = random.Random(f"{seed}/{network.city}/{name}")
        if name == "planning":
            total = sum(quota)
            scaled = quota if counts[name] == total or total == 0 else _scale(quota, counts[name])
            drafts, plan = planning.generate(ctx, rng, scaled)
            result.planning_shortfall = plan.shortfall
            levels = [question_level(d.transfers or 0) for d in drafts if d.template == "planning_short"]
            result.planning_levels = (levels.count(0), levels.count(1), levels.count(2))
            produced = len(plan.pairs)
        else:
            drafts = FAMILIES[name].module.generate(ctx, rng, counts[name])
            produced = len(drafts)
        for draft in drafts:
            question = label_draft(ctx, name, draft, seed)
            if question.id in seen:
                result.duplicates_dropped += 1
                continue
            seen.add(question.id)
            result.questions.append(question)
        result.produced[name] = produced
    return result


def _scale(quota: tuple[int, int, int], pairs: int) -> tuple[int, int, int]:
    """A quota in the same proportions for another number of pairs (remainders to the easy level)."""
    total = sum(quota)
    medium, hard = quota[1] * pairs // total, quota[2] * pairs // total
    return pairs - medium - hard, medium, hard


def label_draft(ctx: CityContext, family: str, draft: Draft, seed: int) -> Question:
    is_route = family == "planning"
    level = question_level(draft.transfers or 0) if is_route else draft.level
    own_level = level is not None
    if level is None:
        level = ctx.map_level
    net = ctx.network
    view = None if draft.view is None else draft.view.to_json()
    return Question(
        id=question_id(net.city, family, draft.template, draft.question, draft.answer_text, view),
        city=net.city,
        country=net.country,
        family=family,
        type=draft.type,
        template=draft.template,
        question=draft.question,
        answer=canonical_json(draft.answer),
        answer_text=draft.answer_text,
        alternatives=canonical_json(draft.alternatives),
        station_1_id=draft.station_1,
        station_1=ctx.station_name(draft.station_1) if draft.station_1 else None,
        station_2_id=draft.station_2,
        station_2=ctx.station_name(draft.station_2) if draft.station_2 else None,
        difficulty_question=QUESTION_LEVELS[level],
        difficulty_map=MAP_LEVELS[ctx.map_level],
        weight=scoring_weight(level if own_level else None, ctx.map_level),
        reward_weight=reward_weight(ctx.map_level, draft.transfers if is_route else None),
        city_line_count=len(net.lines),
        city_transfer_count=ctx.transfer_station_count,
        question_transfer_count=draft.transfers if is_route else None,
        stage=FAMILIES[family].stage,
        seed=seed,
        generator_version=GENERATOR_VERSION,
        names=ctx.names,
        answer_kind=draft.kind or FAMILIES[family].kind,
        view=view,
    )

