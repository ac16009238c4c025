"""Ground truths for hand-picked questions, made the way the generator makes them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from curation.network.model import Network
from curation.questions.base import Draft
from curation.questions.context import CityContext
from curation.questions.generator import label_draft
from curation.questions.planning import route_answer, route_text
from curation.scoring.ground_truth import ground_truth
from curation.scoring.lexicon import lexicon_from_network


class Truths:
    """Route ground truths of one network, by (origin, destination, form)."""

    def __init__(self, network: Network) -> None:
        self.ctx = CityContext(network)
        self.lexicon = lexicon_from_network(network)

    def route_row(self, a: str, b: str, form: str = "short") -> dict[str, Any]:
        routes = self.ctx.router.routes(a, b)
        draft = Draft(type="planning", template=f"planning_{form}", question=f"{a} to {b}",
                      answer=route_answer(self.ctx, routes[0]), answer_text=route_text(self.ctx, routes[0], form),
                      alternatives=[route_answer(self.ctx, r) for r in routes[1:]], station_1=a, station_2=b,
                      transfers=routes[0].transfers)
        return asdict(label_draft(self.ctx, "planning", draft, seed=0))

    def route(self, a: str, b: str, form: str = "short") -> dict[str, Any]:
        return ground_truth(self.route_row(a, b, form), self.lexicon)

    def detail(self, family: str, template_type: str, answer: dict[str, Any]) -> dict[str, Any]:
        draft = Draft(type=template_type, template=family, question=family, answer=answer,
                      answer_text="", alternatives=[])
        return ground_truth(asdict(label_draft(self.ctx, family, draft, seed=0)), self.lexicon)
