"""mapcurate's default reward against RewardMap's released one (restated in `rewardmap_rule.py`).

On the route and detail answers of the scoring tests that both readers read alike, the rewards are
equal once mapcurate's format term is taken off — except where the released off-by-one fires (the
endpoints are right and the answer has at least as many blocks as rides needed), where mapcurate's
detail reward is the released one + 5, up to the cap. Under the defaults no wrong answer earns more
than two fifths of its question's gold reward.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.scoring.extract import answer_candidates
from curation.scoring.lexicon import compile_lexicon
from curation.scoring.route_score import resolve_blocks
from curation.scoring.route_text import read_blocks
from curation.scoring.scorer import score
from tests.conftest import build
from tests.scoring import rewardmap_rule as rm
from tests.scoring import test_detail_answers, test_route_answers
from tests.scoring.helpers import Truths

DEMO = Truths(build("demo").network)
NET = DEMO.ctx.network
METRO = {line.names["en"]: [NET.stations[s].names["en"] for s in line.station_ids] for line in NET.lines.values()}
LINE_BY_NAME = {line.names["en"]: line.id for line in NET.lines.values()}
STATION_BY_KEY = {rm.station_key(s.names["en"]): s.id for s in NET.stations.values()}


def released_reading(response: str) -> list[tuple[str | None, str | None, str | None]]:
    """What the released reader makes of the blocks, as ids (None where a name is not in the metro data)."""
    return [(LINE_BY_NAME.get(rm.line_key(b.route)), STATION_BY_KEY.get(rm.station_key(b.departure)),
             STATION_BY_KEY.get(rm.station_key(b.arrival))) for b in rm.read_blocks(response, any_case=True)]


def mapcurate_reading(truth: dict, response: str) -> list[tuple[str | None, str | None, str | None]]:
    """The blocks mapcurate's scorer reads (its choice of answer candidate), as ids."""
    lexicon = compile_lexicon(truth["lexicon"], truth.get("lexicon_id"))
    blocks = []
    for candidate in answer_candidates(response):
        found = read_blocks(candidate.text)
        if found and not blocks:
            blocks = found
        if found and all({"route", "departure", "arrival"} <= set(b.order) for b in found):
            blocks = found
            break
    rides, _ = resolve_blocks(lexicon, blocks)

    def sid(i: int | None) -> str | None:
        return None if i is None else lexicon.station_ids[i]
    return [(None if r.line is None else lexicon.line_ids[r.line], sid(r.departure), sid(r.arrival)) for r in rides]


def name(sid: str) -> str:
    return NET.stations[sid].names["en"]


ROUTE_CASES = [(c[0], c[1], c[2], c[3], c[4]) for c in test_route_answers.CASES]


def test_route_rewards_match_the_released_rule():
    compared, fired = [], 0
    for case, origin, destination, form, response in ROUTE_CASES:
        truth = DEMO.route(origin, destination, form)
        if released_reading(response) != mapcurate_reading(truth, response):
            continue  # the readers differ (markdown, one-line blocks, aliases…): not the reward's business
        result = score(truth, response)
        transfers = truth["rides"] - 1
        w = result["reward_weight"]
        ours = result["reward"] - w * result["format"]
        args = (response, METRO, name(origin), name(destination), transfers, truth["difficulty_map"])
        released, fixed = rm.route_reward(*args), rm.route_reward(*args, off_by_one=False)
        assert ours == pytest.approx(fixed), case
        blocks = rm.read_blocks(response, any_case=True)
        fires = rm.endpoints_right(blocks, name(origin), name(destination)) and len(blocks) >= truth["rides"]
        raw = rm.detail_points(*args[:5])
        assert result["detail_reward"] == pytest.approx(min(raw + (5 if fires else 0), 10)), case
        if fires:
            fired += 1
            assert ours - released == pytest.approx(w * 0.5 * (min(raw + 5, 10) - min(raw, 10))), case
        else:
            assert ours == pytest.approx(released), case
        compared.append(case)
    assert len(compared) >= 15 and 8 <= fired < len(compared), (compared, fired)
    assert {"gold", "gold with a transfer", "wrong line", "missing leg", "hand-over mismatch",
            "valid but not optimal", "extra leg on the same line"} <= set(compared)


RELEASED_KIND = {"torf1": "TorF1", "counting1": "Counting1", "counting2": "Counting2"}


def released_truth(family: str, answer: dict) -> int:
    if family == "torf1":
        return 1 if answer["value"] == "yes" else 0
    if family == "counting1":
        return "ABCD".index(answer["letter"])
    return answer["value"]


def released_prediction(family: str, response: str) -> object:
    answer = rm.final_answer(response).lower()
    if family == "torf1":
        return answer if answer in ("yes", "no") else None
    if family == "counting1":
        return answer.upper() if len(answer) == 1 and answer in "abcd" else None
    return int(answer) if answer.isdigit() else None


def test_detail_rewards_match_the_released_rule():
    compared = 0
    for (family, kind, answer), response, *_ in test_detail_answers.CASES:
        if family not in RELEASED_KIND:
            continue  # question types RewardMap does not have
        result = score(DEMO.detail(family, kind, answer), response)
        if released_prediction(family, response) != result["predicted"]:
            continue  # the readers differ (\text{Yes}, 是, three…)
        ours = result["reward"] - result["reward_weight"] * result["format"]
        released = rm.detail_question_reward(RELEASED_KIND[family], response, released_truth(family, answer),
                                             result["difficulty_map"])
        assert ours == pytest.approx(released), response
        compared += 1
    assert compared >= 8


ROUTE_TRUTHS = [DEMO.route(a, b) for a, b in (("airport", "northgate"), ("airport", "docks"),
                                             ("eastport", "docks"), ("seaview", "summit"), ("westfield", "old-town"))]
STATIONS = sorted(NET.stations)
LINES = [line.names["en"] for line in NET.lines.values()]


def blocks_text(blocks: list[tuple[str, str, str]]) -> str:
    return "\n--\n".join(f"Route Name: {line}\nDeparture Stop: {name(a)}\nArrival Stop: {name(b)}"
                         for line, a, b in blocks)


@st.composite
def near_miss(draw: st.DrawFn) -> tuple[dict, str]:
    """A route answer from the question's own stations and the map's lines, often with the right endpoints."""
    truth = draw(st.sampled_from(ROUTE_TRUTHS))
    n = draw(st.integers(1, 5))
    stops = [truth["origin"], *draw(st.lists(st.sampled_from(STATIONS), min_size=n - 1, max_size=n - 1)),
             truth["destination"]]
    if draw(st.booleans()):
        stops[draw(st.integers(0, n))] = draw(st.sampled_from(STATIONS))
    blocks = [(draw(st.sampled_from(LINES)), a, b) for a, b in pairwise(stops)]
    if draw(st.booleans()) and len(blocks) > 1:
        i = draw(st.integers(0, len(blocks) - 2))
        blocks[i] = (blocks[i][0], blocks[i][1], draw(st.sampled_from(STATIONS)))
    return truth, blocks_text(blocks)


@settings(max_examples=600, deadline=None)
@given(case=near_miss())
def test_no_wrong_route_answer_earns_more_than_two_fifths_of_gold(case):
    truth, response = case
    result = score(truth, response)
    gold = result_gold(truth)
    assert result["reward_max"] == pytest.approx(gold)
    if not result["correct"]:
        assert result["reward"] <= 0.4 * gold + 1e-9, (response, result["reward"], gold)


def test_wrong_answers_over_every_two_block_route():
    """Exhaustive: every one- and two-block answer with the right endpoints, on each route question."""
    worst = 0.0
    for truth in ROUTE_TRUTHS:
        gold = result_gold(truth)
        for line1 in LINES:
            candidates = [[(line1, truth["origin"], truth["destination"])]]
            candidates += [[(line1, truth["origin"], mid), (line2, mid, truth["destination"])]
                           for mid in STATIONS for line2 in LINES]
            for blocks in candidates:
                result = score(truth, blocks_text(blocks))
                if not result["correct"]:
                    worst = max(worst, result["reward"] / gold)
    assert 0.3 < worst <= 0.4, worst


@cache
def _gold(origin: str, destination: str) -> float:
    truth = DEMO.route(origin, destination)
    gold_text = DEMO.route_row(truth["origin"], truth["destination"])["answer_text"]
    result = score(truth, gold_text)
    assert result["correct"] and result["reward"] == pytest.approx(result["reward_max"])
    return result["reward"]


def result_gold(truth: dict) -> float:
    """The gold answer's reward (the gold text scored: it must be correct and earn the maximum)."""
    return _gold(truth["origin"], truth["destination"])
