"""Property-based: no response string makes the scorer raise, and every score stays in its range."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.scoring.scorer import score
from curation.scoring.trainers import compute_score, compute_score_batch
from tests.conftest import build
from tests.scoring.helpers import Truths
from tests.scoring.perception import lines, locate

DEMO = Truths(build("demo").network)
TRUTHS = [
    DEMO.route("airport", "northgate"),
    DEMO.route("airport", "docks", "long_count"),
    DEMO.route("seaview", "summit", "long_list"),
    DEMO.route("park-lane", "fairground", "long_list"),
    DEMO.detail("counting1", "Counting1", {"letter": "B", "options": [1, 4, 5, 6], "value": 4, "line": "red-line"}),
    DEMO.detail("torf1", "TorF1", {"value": "yes", "shared_lines": ["red-line"]}),
    DEMO.detail("next_stop", "NextStop", {"value": "museum", "line": "red-line", "name": "Museum Station"}),
    DEMO.detail("line_color", "LineColor", {"value": "red-line", "name": "Red Line", "color": "#D7263D",
                                            "color_name": "red"}),
    DEMO.detail("counting3", "Counting3", {"value": 4, "lines": []}),
    locate("point"),
    locate("box", coords="norm1000"),
    lines(["red-line", "blue-line"]),
]
NAMES = ["Red Line", "Blue Line", "L3", "Line 4", "Harbour", "Airport Station", "Central", "Docks", "Northgate",
         "Market Station", "Seaview", "Summit", "Fork Junction", "Old Town", "蓝线", "X"]
LABELS = ["Route Name:", "Departure Stop:", "Arrival Stop:", "Number of Via Stops:", "Via Stops:", "路线名称：",
          "出发站：", "到达站：", "--", "\n", ", ", "**", "<think>", "</think>", "\\boxed{", "}", "<answer>", "1.",
          "Final answer:", "(", ")", "\\text{", "yes", "B)", "3", "[", "]", ",", "400", "-2.5", '{"point_2d":', "&",
          "and"]
answer_like = st.lists(st.one_of(st.sampled_from(NAMES), st.sampled_from(LABELS), st.text(max_size=12)),
                       max_size=40).map(" ".join)
anything = st.one_of(st.text(max_size=400), answer_like)


def assert_in_range(result):
    assert 0.0 <= result["format"] <= 1.0
    assert result["correct"] in (0.0, 1.0)
    assert result["detail_reward"] <= result["detail_reward_max"] <= 10.0
    assert result["detail_reward"] >= -5.0 * (result["blocks"] or 0)  # −5 per extra block, as released
    assert min(0.0, 0.5 * result["reward_weight"] * result["detail_reward"]) <= result["reward"]
    assert result["reward"] <= result["reward_max"] + 1e-9
    if result["family"] == "planning":
        cap = 20 if result["template"] == "planning_short" else 40
        assert 0.0 <= result["map_score"] <= result["map_score_max"] <= cap


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(truth=st.sampled_from(TRUTHS), response=anything)
def test_any_response_scores_in_range(truth, response):
    assert_in_range(score(truth, response))


@settings(max_examples=150, deadline=None)
@given(truth=st.sampled_from(TRUTHS), response=anything)
def test_trainer_entry_points_are_total(truth, response):
    single = compute_score("mapcurate", response, truth)
    assert set(single) == {"score", "format", "accuracy", "detail", "map_score"}
    assert all(isinstance(v, float) for v in single.values())
    assert 0.0 <= single["map_score"] <= 1.0
    (batch,) = compute_score_batch([{"response": response, "ground_truth": truth}])
    assert batch == {"overall": single["score"], "format": single["format"], "accuracy": single["accuracy"]}


@pytest.mark.parametrize("response", [None, 42, b"bytes", "\x00" * 5, "}" * 100 + "\\boxed{" * 100, "：" * 50])
def test_odd_inputs(response):
    for truth in TRUTHS:
        assert_in_range(score(truth, response))
