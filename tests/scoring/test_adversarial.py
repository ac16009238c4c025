"""Answers a policy under RL pressure would try, and inputs meant to crash or stall the scorer."""

from __future__ import annotations

import copy

import pytest

from curation.scoring.scorer import score
from tests.scoring.test_properties import DEMO, assert_in_range
from tests.scoring.test_route_answers import RED

BLOCK = "Route Name: {}\nDeparture Stop: {}\nArrival Stop: {}"


def test_listing_every_line_finds_none():
    every = "Red / Blue / Green / Harbour"
    answer = "\n--\n".join([BLOCK.format(every, "Airport", "Central"), BLOCK.format(every, "Central", "Market"),
                            BLOCK.format(every, "Market", "Eastport")])
    result = score(DEMO.route("airport", "eastport"), answer)
    assert (result["correct"], result["lines_ok"]) == (0, False)
    assert result["reward"] < result["reward_max"] / 2


def test_lines_sharing_the_ride_may_be_listed():
    """`Red/Harbour` from Airport is refused (the Harbour Line does not call there); one line named two ways is it."""
    truth = DEMO.route("airport", "northgate")
    assert score(truth, RED.replace("Red Line", "Red/Harbour"))["correct"] == 0
    assert score(truth, RED.replace("Red Line", "Red Line / Line 1"))["correct"] == 1


def test_a_parenthetical_naming_another_station_is_a_hedge():
    truth = DEMO.route("airport", "northgate")
    result = score(truth, RED.replace("Northgate Station", "Docks (Northgate)"))
    assert (result["correct"], result["endpoints_ok"]) == (0, False)  # read as Docks, what stands outside
    next_stop = DEMO.detail("next_stop", "NextStop", {"value": "museum", "line": "red-line", "name": "Museum Station"})
    assert score(next_stop, r"\boxed{Docks (Museum)}")["correct"] == 0
    assert score(next_stop, r"\boxed{Museum (Red Line)}")["correct"] == 1


@pytest.mark.parametrize(("response", "predicted"), [
    (r"\boxed{" + "9" * 5000 + "}", None),
    (r"\boxed{3.7}", None),
    (r"\boxed{3.0}", 3),
    (r"\boxed{3}", 3),
])
def test_numbers_that_are_not_counts(response, predicted):
    truth = DEMO.detail("counting3", "Counting3", {"value": 3, "lines": []})
    assert score(truth, response)["predicted"] == predicted


@pytest.mark.parametrize(("response", "predicted", "format_score"), [
    (r"\boxed{Answer: B}", "B", 1.0),
    (r"\boxed{A/B/C/D}", None, 0.0),
    (r"\boxed{B or C}", None, 0.0),
])
def test_option_letters(response, predicted, format_score):
    truth = DEMO.detail("counting1", "Counting1", {"letter": "B", "options": [1, 4, 5, 6], "value": 4,
                                                   "line": "red-line"})
    result = score(truth, response)
    assert (result["predicted"], result["format"]) == (predicted, format_score)


@pytest.mark.parametrize("prefix", ["1.", "1)", "(1)", "Step 1:", "—", "• "])
def test_labels_glued_to_numbering(prefix):
    answer = "\n".join(prefix + line for line in RED.split("\n"))
    assert score(DEMO.route("airport", "northgate"), answer)["correct"] == 1


def test_a_ground_truth_edited_in_place_is_prepared_again():
    truth = DEMO.route("airport", "northgate")
    assert score(truth, RED)["correct"] == 1
    other = DEMO.route("airport", "docks")
    for key in ("id", "origin", "destination", "routes", "rides", "stops", "reward_weight"):
        truth[key] = copy.deepcopy(other[key])
    docks = BLOCK.format("Red Line", "Airport", "Harbor") + "\n--\n" + BLOCK.format("Harbour Line", "Harbor", "Docks")
    fields = ("correct", "reward", "reward_max", "map_score", "map_score_max", "detail_reward", "rides", "stops")
    assert [score(truth, docks)[f] for f in fields] == [score(other, docks)[f] for f in fields]
    assert score(truth, RED)["correct"] == 0


PATHOLOGICAL = [
    "\n" + "-" * 40 + "x to: Docks\n" + RED,
    " to:" * 5000 + "\n" + RED,
    "Arrival Stop: " + "x, " * 3000,
    "<think>" * 14000 + RED,
    "\\boxed{" + "\\text{" * 3000 + RED + "}" * 3001,
    "\\boxed{x}" * 11000 + RED,
    ":" * 100000 + RED,
    "Via Stops: " + "Central (" * 5000,
    "Route Name: " + "Red Line " * 20000,
]


@pytest.mark.parametrize("response", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_inputs_end_in_range(response):
    """Each of these took seconds to minutes before the work per answer was bounded (bench_scoring.py times them)."""
    for truth in (DEMO.route("airport", "northgate", "long_list"), DEMO.detail("counting3", "Counting3",
                                                                                {"value": 3, "lines": []})):
        assert_in_range(score(truth, response))
