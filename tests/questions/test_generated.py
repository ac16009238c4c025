"""Generated questions, checked against independent computations (demo always; 30 real cities with data)."""

import io
import json
from collections import Counter
from itertools import pairwise

import pyarrow.parquet as pq
import pytest
from jsonschema import Draft202012Validator

from curation.cities import city_slugs, load_city
from curation.network.build import build_network
from curation.questions.difficulty import map_level
from curation.questions.generator import generate_city
from curation.questions.records import to_table, write_questions
from curation.resources import load_schema
from curation.routing import Router
from tests.conftest import build
from tests.independent_router import IndependentRouter
from tests.questions.checks import Names, check_detail, check_planning

REAL = [s for s in city_slugs() if s != "demo"]


@pytest.fixture(scope="module")
def networks(data_root):
    return {slug: build_network(load_city(slug), data_root).network for slug in REAL}


@pytest.fixture(scope="module")
def generated(networks):
    skips = {slug: load_city(slug).question_skips.get("skip", []) for slug in networks}
    return {slug: generate_city(net, seed=0, skip=skips[slug]) for slug, net in networks.items()}


def rows_of(result):
    return to_table(result.questions).to_pylist()


def check_all(network, rows):
    names, router = Names(network), IndependentRouter(network)
    for row in rows:
        if row["family"] == "planning":
            check_planning(network, names, router, row)
        else:
            check_detail(network, names, router, row)


def test_demo_questions_are_right():
    network = build("demo").network
    result = generate_city(network, seed=3)
    rows = rows_of(result)
    assert {r["family"] for r in rows} >= {"planning", "counting1", "counting2", "counting3", "torf1", "torf2",
                                           "terminus", "next_stop", "min_transfers", "adjacent", "line_color"}
    check_all(network, rows)
    validator = Draft202012Validator(load_schema("question"))
    for row in rows:
        validator.validate(row)
    assert len({r["id"] for r in rows}) == len(rows)


def test_every_real_answer_is_right(networks, generated):
    for slug, result in generated.items():
        check_all(networks[slug], rows_of(result))


def test_defaults_give_enough_questions_with_balanced_answers(generated):
    rows = [r for result in generated.values() for r in rows_of(result)]
    pairs = {(r["city"], r["station_1_id"], r["station_2_id"]) for r in rows if r["family"] == "planning"}
    assert len(pairs) >= 1000
    assert sum(r["family"] != "planning" for r in rows) >= 4000
    for family in ("torf1", "torf2", "adjacent"):
        answers = Counter(json.loads(r["answer"])["value"] for r in rows if r["family"] == family)
        assert abs(answers["yes"] / sum(answers.values()) - 0.5) <= 0.05, (family, answers)
    letters = Counter(json.loads(r["answer"])["letter"] for r in rows if r["family"] == "counting1")
    assert all(abs(letters[x] / sum(letters.values()) - 0.25) <= 0.05 for x in "ABCD"), letters


def test_map_difficulty_splits_the_cities_ten_ten_ten(networks):
    assert Counter(map_level(net) for net in networks.values()) == {0: 10, 1: 10, 2: 10}


def test_quota_and_shortfall(generated):
    shanghai = generated["shanghai"]
    assert shanghai.planning_levels == (20, 15, 5) and shanghai.planning_shortfall == (0, 0, 0)
    miami = generated["miami"]  # two lines on one trunk: no pair needs two transfers, few need one
    assert miami.planning_levels == (33, 7, 0) and miami.planning_shortfall == (0, 8, 5)
    sydney = generated["sydney"]  # its map draws lines its station list lacks (manifest)
    assert "planning" in sydney.skipped and not any(q.family == "planning" for q in sydney.questions)


def test_loops_and_branches_in_gold_routes(networks):
    shanghai = generate_city(networks["shanghai"], families=["planning"], per_map={"planning": 400})
    legs = [leg for q in shanghai.questions for leg in json.loads(q.answer)["legs"]]
    line4 = [leg for leg in legs if leg["line"] == "line-4"]
    assert line4 and all(len(leg["via"]) <= 12 for leg in line4), "a loop of 26 is ridden the shorter way"
    changes = [(x, y) for q in shanghai.questions for x, y in pairwise(json.loads(q.answer)["legs"])]
    for x, y in changes:  # branch to branch on one line: the change is at the fork
        if x["line"] == y["line"]:
            assert x["to"] in {"long-xi-lu", "dong-chuan-lu", "jia-ding-xin-cheng"}
    router = Router(networks["shanghai"])
    for start, end, fork in (("min-hang-kai-fa-qu", "feng-xian-xin-cheng", "dong-chuan-lu"),
                             ("hong-qiao-huo-che", "hang-zhong-lu", "long-xi-lu"),
                             ("jia-ding-bei", "hua-qiao", "jia-ding-xin-cheng")):
        [route] = router.routes(start, end)
        assert [(leg.line, leg.end) for leg in route.legs][:1] == [(route.legs[1].line, fork)]


def test_same_seed_same_bytes_other_seed_other_sample(networks, tmp_path):
    some = [networks[s] for s in ("hangzhou", "new_york", "rome")]

    def parquet(seed):
        questions = [q for net in some for q in generate_city(net, seed=seed).questions]
        path = tmp_path / f"q{seed}.parquet"
        write_questions(questions, path)
        return path.read_bytes()

    first = parquet(1)
    assert first == parquet(1)
    other = parquet(2)
    assert other != first
    ids = [set(pq.read_table(io.BytesIO(b)).column("id").to_pylist()) for b in (first, other)]
    assert len(ids[0] & ids[1]) < 0.5 * len(ids[0])


def test_the_checks_catch_wrong_answers():
    """The independent checks are not vacuous: corrupt answers fail them."""
    network = build("demo").network
    names, router = Names(network), IndependentRouter(network)
    rows = rows_of(generate_city(network, seed=3))
    planning = next(r for r in rows if r["family"] == "planning" and json.loads(r["answer"])["transfers"] == 1)
    wrong_route = {**planning, "alternatives": "[]", "answer": json.dumps(
        {**json.loads(planning["answer"]), "stops": 99})}
    torf = next(r for r in rows if r["family"] == "torf1")
    flipped = {**torf, "answer_text": "\\boxed{no}" if "yes" in torf["answer_text"] else "\\boxed{yes}"}
    bad_text = {**planning, "answer_text": planning["answer_text"].replace("Arrival Stop: ", "Arrival Stop: X", 1)}
    for row, check in ((wrong_route, check_planning), (flipped, check_detail), (bad_text, check_planning)):
        with pytest.raises(AssertionError):
            check(network, names, router, row)


def test_counting1_options_ascend_and_loops_say_which_way():
    network = build("demo").network
    rows = [r for r in rows_of(generate_city(network, seed=1, families=["counting1"], per_map={"counting1": 60}))]
    for row in rows:
        options = json.loads(row["answer"])["options"]
        assert options == sorted(options)
    loop_rows = [r for r in rows if json.loads(r["answer"])["line"] == "blue-line"]
    assert loop_rows and all("shorter way round the loop" in r["question"] for r in loop_rows)


def test_line_colour_questions_skip_lines_named_after_their_colour():
    network = build("demo").network  # Red/Blue/Green Line are named after their colours; Harbour Line is not
    [row] = rows_of(generate_city(network, families=["line_color"]))
    assert row["answer_text"] == "\\boxed{Harbour Line}" and "orange" in row["question"]
