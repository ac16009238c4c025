"""A hand-over within a station complex: the gold writes it, the scorer and the reward's detail term accept it."""

import pytest

from curation.scoring.lexicon import compile_lexicon, lexicon_from_network
from curation.scoring.scorer import score
from tests.conftest import build, embedded_manifest
from tests.scoring.helpers import Truths

STATIONS = {
    "1": ["North St", "Times Sq", "South St"],
    "A": ["West End", "Port Authority", "Middle", "East End"],
    "B": ["South St", "Yonder"],
    "C": ["Yonder", "West End"],
}
COMPLEX = '[[complexes]]\nstations = ["Times Sq", "Port Authority"]\nnote = "joined by a walkway"\n'


def blocks(*rides: tuple[str, str, str]) -> str:
    return "\n--\n".join(f"Route Name: {line}\nDeparture Stop: {a}\nArrival Stop: {b}" for line, a, b in rides)


WALK = blocks(("1", "North St", "Times Sq"), ("A", "Port Authority", "East End"))


@pytest.fixture
def walks(scratch_cities):
    scratch_cities("walks", embedded_manifest(COMPLEX), STATIONS)
    result = build("walks")
    assert result.ok, result.report.errors
    return Truths(result.network)


def test_the_gold_route_hands_over_across_the_walkway(walks):
    row = walks.route_row("north-st", "east-end")
    assert row["answer_text"] == WALK
    truth = walks.route("north-st", "east-end")
    assert truth["routes"] == [[["line-1", "north-st", "times-sq", []],
                                ["line-a", "port-authority", "east-end", ["middle"]]]]
    result = score(truth, WALK)
    assert result["correct"] and result["handovers_ok"] and result["optimal_stops"] and result["direction_ok"]
    assert result["map_score"] == result["map_score_max"] and result["detail_reward"] == result["detail_reward_max"]


@pytest.mark.parametrize(("case", "response", "failed", "detail_lost"), [
    ("a hand-over to a station outside the complex",
     blocks(("1", "North St", "Times Sq"), ("A", "West End", "East End")), "handovers_ok", True),
    ("the complex's other name on a line that does not serve it",  # the last block earns no hand-over point
     blocks(("1", "North St", "Times Sq"), ("A", "Times Sq", "East End")), "stops_on_lines_ok", False),
])
def test_only_the_complex_hands_over(walks, case, response, failed, detail_lost):
    truth = walks.route("north-st", "east-end")
    gold, result = score(truth, WALK), score(truth, response)
    assert not result["correct"] and not result[failed], case
    assert (result["detail_reward"] < gold["detail_reward"]) == detail_lost


def test_the_walk_is_a_transfer_and_riding_round_is_not_optimal(walks):
    from curation.routing import Router

    route = walks.ctx.router.routes("north-st", "east-end")[0]
    assert (route.transfers, route.stops, route.walks) == (1, 3, (("times-sq", "port-authority"),))
    [riding] = Router(walks.ctx.network, walks=False).routes("north-st", "east-end")
    assert riding.transfers == 3
    response = blocks(("1", "North St", "South St"), ("B", "South St", "Yonder"), ("C", "Yonder", "West End"),
                      ("A", "West End", "East End"))
    result = score(walks.route("north-st", "east-end"), response)
    assert result["correct"] and result["optimal_transfers"] is False


def test_the_lexicon_carries_complexes_only_where_there_are_some(walks):
    lexicon = walks.lexicon
    index = {sid: i for i, (sid, _) in enumerate(lexicon["stations"])}
    assert lexicon["complexes"] == [sorted([index["port-authority"], index["times-sq"]])]
    compiled = compile_lexicon(lexicon)
    assert compiled.hands_over(index["times-sq"], index["port-authority"])
    assert not compiled.hands_over(index["times-sq"], index["west-end"]) and not compiled.hands_over(None, None)
    demo = lexicon_from_network(build("demo").network)
    assert "complexes" not in demo and compile_lexicon(demo).complex_of == {}


def test_planning_leaves_out_pairs_within_one_complex(walks):
    import random

    from curation.questions.planning import draw_pairs

    plan = draw_pairs(walks.ctx, random.Random(0), (20, 20, 20))
    assert plan.pairs and not {frozenset(p) for p in plan.pairs} & {frozenset(("times-sq", "port-authority"))}
