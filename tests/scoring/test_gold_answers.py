"""Every generated question's own gold answer scores full marks (demo always; the 30 cities with data)."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from curation.cities import city_slugs, load_city
from curation.network.build import build_network
from curation.questions.generator import generate_city
from curation.questions.records import to_table
from curation.resources import load_schema
from curation.scoring import ground_truth as gt_module
from curation.scoring.lexicon import lexicon_from_network
from curation.scoring.scorer import score
from tests.conftest import build

REAL = [s for s in city_slugs() if s != "demo"]


GROUND_TRUTH = Draft202012Validator(load_schema("ground_truth"))


def assert_full_marks(network, rows):
    lexicon = lexicon_from_network(network)
    for row in rows:
        truth = gt_module.ground_truth(row, lexicon)
        GROUND_TRUTH.validate(truth)
        assert truth["kind"] == row["answer_kind"], (row["id"], row["answer_kind"], truth["kind"])
        result = score(truth, row["answer_text"])
        assert result["correct"] == 1 and result["format"] == 1, (row["id"], row["answer_text"], result)
        assert result["reward"] == pytest.approx(result["reward_max"]), (row["id"], result)
        if row["family"] == "planning":
            assert result["map_score"] == result["map_score_max"], (row["id"], result)
            assert result["optimal_stops"] and result["direction_ok"], (row["id"], result)
            assert result["via_ok"] is (None if row["template"] == "planning_short" else True), (row["id"], result)
            assert result["unresolved"] is None
        # the same truth as JSON text scores the same
        assert score(gt_module.dumps(truth), row["answer_text"]) == result
        # every alternative optimal route scores full marks too
        for alternative in json.loads(row["alternatives"]):
            text = "\n--\n".join(f"Route Name: {leg['line_name']}\nDeparture Stop: {leg['from_name']}\n"
                                 f"Arrival Stop: {leg['to_name']}" for leg in alternative["legs"])
            if row["template"] == "planning_short":
                other = score(truth, text)
                assert other["correct"] == 1 and other["optimal_stops"], (row["id"], text, other)


def test_demo_gold_answers_score_full_marks():
    network = build("demo").network
    rows = to_table(generate_city(network, seed=5).questions).to_pylist()
    # the demo asks every kind of text question; each row's kind is one the scorer reads
    assert {r["answer_kind"] for r in rows} >= {"route", "choice", "integer", "yes_no", "station", "line"}
    assert {r["answer_kind"] for r in rows} <= set(gt_module.KINDS)
    assert_full_marks(network, rows)


@pytest.mark.parametrize("slug", REAL)
def test_real_city_gold_answers_score_full_marks(data_root, slug):
    city = load_city(slug)
    network = build_network(city, data_root).network
    rows = to_table(generate_city(network, seed=0, skip=city.question_skips.get("skip", [])).questions).to_pylist()
    assert_full_marks(network, rows)


def test_a_wrong_gold_is_caught():
    """The full-marks check can fail: a gold answer with its last arrival changed does not pass."""
    network = build("demo").network
    rows = [r for r in to_table(generate_city(network, seed=5).questions).to_pylist() if r["family"] == "planning"
            and json.loads(r["answer"])["legs"][-1]["to"] != "docks"]
    row = dict(rows[0])
    last = json.loads(row["answer"])["legs"][-1]
    row["answer_text"] = row["answer_text"].replace(f"Arrival Stop: {last['to_name']}", "Arrival Stop: Docks Station")
    with pytest.raises(AssertionError):
        assert_full_marks(network, [row])


def test_a_lexicon_of_another_city_is_refused_when_the_truth_is_built():
    network = build("demo").network
    row = next(r for r in to_table(generate_city(network, seed=5).questions).to_pylist() if r["family"] == "planning")
    lexicon = dict(lexicon_from_network(network), city="elsewhere")
    with pytest.raises(ValueError, match="is about demo, but the lexicon is elsewhere's"):
        gt_module.ground_truth(row, lexicon)
    lexicon = lexicon_from_network(network)
    lexicon = dict(lexicon, stations=[s for s in lexicon["stations"] if s[0] != row["station_2_id"]])
    with pytest.raises(ValueError, match=f"{row['station_2_id']} not in the demo lexicon"):
        gt_module.ground_truth(row, lexicon)
