"""Detail answers (yes/no, option letters, integers, station and line names) as models write them."""

from __future__ import annotations

import pytest

from curation.scoring.scorer import score
from tests.conftest import build
from tests.scoring.helpers import Truths

YES = ("torf1", "TorF1", {"value": "yes", "shared_lines": ["red-line"]})
NO = ("adjacent", "Adjacent", {"value": "no", "lines": []})
CHOICE = ("counting1", "Counting1", {"letter": "B", "options": [1, 4, 5, 6], "value": 4, "line": "red-line"})
COUNT = ("counting2", "Counting2", {"value": 3, "lines": ["a", "b", "c"]})
STATION = ("next_stop", "NextStop", {"value": "museum", "line": "red-line", "name": "Museum Station"})
LINE = ("line_color", "LineColor", {"value": "harbour-line", "name": "Harbour Line", "color": "#F7931D",
                                    "color_name": "orange"})

# (question, response, expected correct, expected format, predicted)
CASES = [
    (YES, r"\boxed{yes}", 1, 1.0, "yes"),
    (YES, r"\boxed{\text{Yes}}", 1, 1.0, "yes"),
    (YES, r"Both stations are on the Red Line, so \boxed{Yes, they are}.", 1, 1.0, "yes"),
    (YES, r"\boxed{是}", 1, 1.0, "yes"),
    (YES, r"\boxed{True}", 1, 1.0, "yes"),
    (YES, r"\boxed{no}", 0, 1.0, "no"),
    (YES, "<think>maybe \\boxed{no}</think>The answer is yes.", 1, 0.5, "yes"),
    (YES, "Yes", 1, 0.5, "yes"),
    (YES, r"\boxed{maybe}", 0, 0.0, None),
    (YES, "Yes.\n\nExplanation: both stations are drawn on the red line, so no change is needed.", 1, 0.5, "yes"),
    (YES, "I am not sure whether the answer is yes or no.", 0, 0.0, None),
    (NO, r"\boxed{否}", 1, 1.0, "no"),
    (NO, r"\boxed{\textbf{No}}", 1, 1.0, "no"),
    (NO, r"\boxed{不相邻}", 1, 1.0, "no"),
    (NO, "no idea", 0, 0.0, None),
    (NO, "No, I cannot tell from this image.", 0, 0.0, None),
    (NO, r"\boxed{No}, they are two stops apart.", 1, 1.0, "no"),
    (CHOICE, r"\boxed{B}", 1, 1.0, "B"),
    (CHOICE, r"\boxed{B) 4}", 1, 1.0, "B"),
    (CHOICE, r"\boxed{(B)}", 1, 1.0, "B"),
    (CHOICE, r"\boxed{\text{B}}", 1, 1.0, "B"),
    (CHOICE, r"\boxed{Option B}", 1, 1.0, "B"),
    (CHOICE, r"\boxed{4}", 1, 1.0, "B"),
    (CHOICE, r"\boxed{C}", 0, 1.0, "C"),
    (CHOICE, r"I count 4 stops, so the answer is \boxed{A}", 0, 1.0, "A"),
    (COUNT, r"\boxed{3}", 1, 1.0, 3),
    (COUNT, r"\boxed{3 lines}", 1, 1.0, 3),
    (COUNT, r"\boxed{three}", 1, 1.0, 3),
    (COUNT, r"\boxed{3条}", 1, 1.0, 3),
    (COUNT, r"\boxed{三条线}", 1, 1.0, 3),
    (COUNT, r"\boxed{4}", 0, 1.0, 4),
    (COUNT, "There are many lines on this map, I would say several.", 0, 0.0, None),
    (STATION, r"\boxed{Museum Station}", 1, 1.0, "museum"),
    (STATION, r"\boxed{\text{museum}}", 1, 1.0, "museum"),
    (STATION, r"\boxed{Central Station}", 0, 1.0, "central"),
    (STATION, r"\boxed{Musem}", 0, 0.0, None),
    (STATION, "**Museum Station**", 1, 0.5, "museum"),
    (LINE, r"\boxed{Harbour Line}", 1, 1.0, "harbour-line"),
    (LINE, r"\boxed{Line 4}", 1, 1.0, "harbour-line"),
    (LINE, r"\boxed{L4}", 1, 1.0, "harbour-line"),
    (LINE, r"\boxed{Line L4}", 1, 1.0, "harbour-line"),
    (LINE, r"\boxed{Red Line}", 0, 1.0, "red-line"),
]


@pytest.fixture(scope="module")
def demo() -> Truths:
    return Truths(build("demo").network)


@pytest.mark.parametrize(("question", "response", "correct", "format_score", "predicted"), CASES,
                         ids=[f"{c[0][0]}:{c[1]}" for c in CASES])
def test_detail_answer(demo, question, response, correct, format_score, predicted):
    result = score(demo.detail(*question), response)
    assert (result["correct"], result["format"], result["predicted"]) == (correct, format_score, predicted), result
    weight = result["reward_weight"]
    assert result["reward"] == pytest.approx(weight * (format_score + 10 * correct))
    assert result["reward_max"] == pytest.approx(11 * weight)
