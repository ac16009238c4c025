"""Route planning (ReasonMap short and long): every optimal route, the first as the gold answer.

Pairs are drawn per difficulty level (transfers on the optimal route) to meet a quota such as
20:15:5; a level without enough pairs is filled from the next level down and the shortfall is
reported; two stations of one complex are not a pair. Each pair gives a short question and a long
one (via-stop count or via-stop list, chosen at random per pair). A route that walks between two
stations of a complex writes the hand-over as it is: one block arrives at one member, the next
departs from the other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from curation.questions.base import Draft, Stage
from curation.questions.context import CityContext
from curation.questions.difficulty import question_level
from curation.questions.templates import PLANNING
from curation.routing import Route

STAGE = Stage.PLANNING
PER_MAP = 40
KIND = "route"
BENCHMARK = True

BLOCK_SEPARATOR = "\n--\n"


@dataclass(frozen=True)
class PairPlan:
    """Pairs drawn for one city, and how many each level fell short of its quota."""

    pairs: list[tuple[str, str]]
    shortfall: tuple[int, int, int]


def draw_pairs(ctx: CityContext, rng: random.Random, quota: tuple[int, int, int]) -> PairPlan:
    """Ordered station pairs meeting `quota` (easy, medium, hard), no pair twice in either order."""
    by_level: list[list[tuple[str, str]]] = [[], [], []]
    partners = ctx.walk_partners
    for a in ctx.station_ids:
        for b, legs in ctx.router.fewest_legs(a).items():
            if a < b and b not in partners.get(a, ()):
                by_level[question_level(legs - 1)].append((a, b))
    picked: list[tuple[str, str]] = []
    shortfall = [0, 0, 0]
    carry = 0
    for level in (2, 1, 0):  # fill from the next level down
        wanted = quota[level] + carry
        chosen = rng.sample(by_level[level], min(wanted, len(by_level[level])))
        shortfall[level] = max(0, quota[level] - len(chosen))
        carry = wanted - len(chosen)
        picked += [(a, b) if rng.random() < 0.5 else (b, a) for a, b in sorted(chosen)]
    return PairPlan(pairs=picked, shortfall=(shortfall[0], shortfall[1], shortfall[2]))


def generate(ctx: CityContext, rng: random.Random, quota: tuple[int, int, int]) -> tuple[list[Draft], PairPlan]:
    plan = draw_pairs(ctx, rng, quota)
    drafts: list[Draft] = []
    for a, b in plan.pairs:
        routes = ctx.router.routes(a, b)
        gold = routes[0]
        answer, alternatives = route_answer(ctx, gold), [route_answer(ctx, r) for r in routes[1:]]
        long_form = rng.choice(("long_count", "long_list"))
        name_a, name_b = ctx.station_name(a), ctx.station_name(b)
        for form in ("short", long_form):
            question = PLANNING[form].format(a=name_a, b=name_b)
            drafts.append(Draft(
                type="planning", template=f"planning_{form}", question=question,
                answer=answer, answer_text=route_text(ctx, gold, form), alternatives=alternatives,
                station_1=a, station_2=b, transfers=gold.transfers,
            ))
    return drafts, plan


def route_answer(ctx: CityContext, route: Route) -> dict[str, object]:
    """Structured gold: ids and display names of every leg."""
    return {
        "transfers": route.transfers,
        "stops": route.stops,
        "legs": [
            {**leg.to_dict(), "line_name": ctx.line_name(leg.line), "from_name": ctx.station_name(leg.start),
             "to_name": ctx.station_name(leg.end), "towards_name": ctx.station_name(leg.towards),
             "via_names": [ctx.station_name(s) for s in leg.via]}
            for leg in route.legs
        ],
    }


def route_text(ctx: CityContext, route: Route, form: str) -> str:
    """The answer in the benchmark's block format."""
    blocks = []
    for leg in route.legs:
        lines = [f"Route Name: {ctx.line_name(leg.line)}", f"Departure Stop: {ctx.station_name(leg.start)}",
                 f"Arrival Stop: {ctx.station_name(leg.end)}"]
        if form == "long_count":
            lines.append(f"Number of Via Stops: {len(leg.via)}")
        elif form == "long_list":
            vias = [ctx.station_name(s) for s in leg.via]
            if ctx.names == "benchmark":  # as its evaluator splits them: at bare commas, the label's space kept
                lines.append("Via Stops: " + ",".join(vias))
            else:
                lines.append(("Via Stops: " + ", ".join(vias)).rstrip())
        blocks.append("\n".join(lines))
    return BLOCK_SEPARATOR.join(blocks)
