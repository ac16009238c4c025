"""Ground truths of perception questions built from hand-written question records (no family module needed).

The demo map is taken to be 2000 × 1000 pixels; shown whole at half size (`WHOLE`) or as a window at native
resolution (`CROP`). The station marker sits at (800, 400) with radius 20 map pixels, in the box
(780, 380)–(820, 420): on `WHOLE` that is (400, 200), radius 10, box (390, 190)–(410, 210).
"""

from __future__ import annotations

import json
from typing import Any

from curation.questions.views import Mark, View
from curation.scoring.ground_truth import ground_truth
from curation.scoring.lexicon import lexicon_from_network
from tests.conftest import build

LEXICON = lexicon_from_network(build("demo").network)
WHOLE = View(map_size=(2000, 1000), window=(0, 0, 2000, 1000), size=(1000, 500))
CROP = View(map_size=(2000, 1000), window=(500, 200, 1500, 700), size=(1000, 500),
            marks=(Mark((800.0, 400.0), 30.0),))
MARKER = {"point": [800, 400], "box": [780, 380, 820, 420], "radius": 20}


def row(kind: str, answer: dict[str, Any], view: View | None = None, *, family: str = "locate",
        template: str = "locate_point", reward_weight: float = 1.0, **extra: Any) -> dict[str, Any]:
    """A question record as the questions Parquet holds it (only what the ground truth reads)."""
    return {"id": f"{template}-1", "city": "demo", "family": family, "type": family.title(), "template": template,
            "difficulty_question": "easy", "difficulty_map": "easy", "weight": 1.0, "reward_weight": reward_weight,
            "answer": json.dumps(answer), "answer_kind": kind, "view": None if view is None else view.to_json(),
            **extra}


def locate(kind: str = "point", coords: str = "pixels", view: View = WHOLE, reward_weight: float = 1.0
           ) -> dict[str, Any]:
    answer = {"value": "central", "name": "Central Station", **MARKER, "coords": coords, "pixels": {}}
    return ground_truth(row(kind, answer, view, template=f"locate_{kind}", reward_weight=reward_weight), LEXICON)


def lines(value: list[str], reward_weight: float = 1.0) -> dict[str, Any]:
    answer = {"value": value, "names": value, "pixels": {}}
    return ground_truth(row("lines", answer, CROP, family="crop", template="crop_lines",
                            reward_weight=reward_weight), LEXICON)
