"""Perception answers: points and boxes on the shown image, sets of lines — read, converted and scored."""

from __future__ import annotations

import json
import math

import pytest
from jsonschema import Draft202012Validator

from curation.coordinates import format_box, format_point
from curation.questions.views import View
from curation.resources import load_schema
from curation.scoring import ground_truth as gt_module
from curation.scoring.coordinates_answer import numbers
from curation.scoring.report import aggregate
from curation.scoring.scorer import score
from curation.scoring.trainers import compute_score, compute_score_batch
from tests.scoring.perception import CROP, LEXICON, MARKER, WHOLE, lines, locate, row

GROUND_TRUTH = Draft202012Validator(load_schema("ground_truth"))
POINT = locate("point")
BOX = locate("box")
LINES = lines(["red-line", "blue-line"])


def test_point_and_box_truths_are_in_shown_pixels():
    for kind in ("point", "box"):
        truth = locate(kind)
        GROUND_TRUTH.validate(truth)
        assert truth["kind"] == kind and truth["coords"] == "pixels"
        assert (truth["size"], truth["point"], truth["radius"]) == ([1000, 500], [400.0, 200.0], 10.0)
        assert truth["box"] == [390.0, 190.0, 410.0, 210.0]
    cropped = locate("point", view=CROP)
    assert (cropped["point"], cropped["radius"], cropped["box"]) == ([300.0, 200.0], 20.0, [280.0, 180.0, 320.0, 220.0])


def test_a_point_question_without_a_view_or_with_a_bad_answer_is_refused():
    answer = {**MARKER, "coords": "pixels"}
    with pytest.raises(ValueError, match="a point question must record its view"):
        gt_module.ground_truth(row("point", answer), LEXICON)
    with pytest.raises(ValueError, match="coords must be one of pixels, norm1000, but got 'percent'"):
        gt_module.ground_truth(row("point", {**answer, "coords": "percent"}, WHOLE), LEXICON)
    with pytest.raises(ValueError, match="radius must be positive, but got 0"):
        gt_module.ground_truth(row("point", {**answer, "radius": 0}, WHOLE), LEXICON)


def test_the_answer_kind_comes_from_the_record_else_from_the_family():
    answer = {"value": 3, "lines": []}
    assert gt_module.ground_truth(row("yes_no", {"value": "yes"}, family="counting2"), None)["kind"] == "yes_no"
    for record in (row("", answer, family="counting2"), {**row("", answer, family="counting2"), "answer_kind": None}):
        assert gt_module.ground_truth(record, None)["kind"] == "integer"
    record = row("", answer, family="counting2")
    del record["answer_kind"]
    assert gt_module.ground_truth(record, None)["kind"] == "integer"
    with pytest.raises(ValueError, match=r"answer_kind must be one of route, .*, but got 'polygon'"):
        gt_module.ground_truth(row("polygon", answer), None)
    with pytest.raises(ValueError, match="no scoring rule for family 'nonesuch'"):
        gt_module.ground_truth(row("", answer, family="nonesuch"), None)


# (response, predicted point, format, answer source)
POINT_FORMS = [
    (r"\boxed{(400, 200)}", [400.0, 200.0], 1.0, "boxed"),
    (r"\boxed{[400, 200]}", [400.0, 200.0], 1.0, "boxed"),
    (r"\boxed{400, 200}", [400.0, 200.0], 1.0, "boxed"),
    (r"\boxed{(403.5, 196.25)}", [403.5, 196.25], 1.0, "boxed"),
    (r"\boxed{x=400, y=200}", [400.0, 200.0], 1.0, "boxed"),
    ("<answer>(400, 200)</answer>", [400.0, 200.0], 1.0, "answer-tag"),
    ("<answer>400, 200</answer>", [400.0, 200.0], 1.0, "answer-tag"),
    ('```json\n[{"point_2d": [400, 200], "label": "Central Station"}]\n```', [400.0, 200.0], 0.5, "whole"),
    ('{"point_2d": [400, 200]}', [400.0, 200.0], 0.5, "whole"),
    ("Answer: 400, 200", [400.0, 200.0], 0.5, "marker"),
    ("400, 200", [400.0, 200.0], 0.5, "whole"),
    ("The map's centre is at (500, 250); Central Station's marker is at \\boxed{(400, 200)}.", [400.0, 200.0],
     1.0, "boxed"),
    (r"\boxed{(10, 10), no: (400, 200)}", [400.0, 200.0], 1.0, "boxed"),  # the last group
    (r"\boxed{[390, 190, 410, 210]}", [400.0, 200.0], 1.0, "boxed"),  # a box: its centre
    ('{"bbox_2d": [390, 190, 410, 210]}', [400.0, 200.0], 0.5, "whole"),
    (r"\boxed{(390, 190), (410, 210)}", [400.0, 200.0], 1.0, "boxed"),
    (r"\boxed{(-4, 200)}", [-4.0, 200.0], 1.0, "boxed"),
]


@pytest.mark.parametrize(("response", "predicted", "format_score", "source"), POINT_FORMS,
                         ids=[f[0][:40] for f in POINT_FORMS])
def test_point_forms(response, predicted, format_score, source):
    result = score(POINT, response)
    assert (result["predicted"], result["format"], result["answer_source"]) == (predicted, format_score, source)
    assert result["parse_error"] is None and result["expected"] == [400.0, 200.0]
    d = math.dist(predicted, (400, 200))
    assert result["distance_radii"] == pytest.approx(d / 10)
    assert result["correct"] == float(d <= 10)


@pytest.mark.parametrize("response", [
    "I cannot find it.",
    r"\boxed{Central Station}",
    r"\boxed{(400, 200, 7)}",  # three numbers are no point
    r"\boxed{(400)}",
    r"\boxed{(1e3, 200)}",
    r"\boxed{(" + "9" * 40 + ", 200)}",  # no number this long is a coordinate
    "There are 3, 4 or 5 lines through this station, and I think the marker of Central Station is at the middle",
    "<think>it is at (400, 200)",  # reasoning never ended
])
def test_no_point_read(response):
    result = score(POINT, response)
    assert (result["predicted"], result["format"], result["correct"]) == (None, 0.0, 0.0), result
    assert result["parse_error"] == "no readable point answer found"
    assert (result["distance_radii"], result["detail_reward"], result["detail_reward_max"]) == (None, 0.0, 10.0)


def test_bare_numbers_in_prose_are_not_read_but_bracketed_ones_are():
    assert numbers("lines 1, 2 and 3", bare=False) is None
    assert numbers("lines 1, 2 and 3", bare=True) == (1.0, 2.0)
    long = "After looking at the whole map carefully, the marker of Central Station is at (400, 200) I think"
    assert score(POINT, long)["predicted"] == [400.0, 200.0]


def test_norm1000_answers_are_converted_to_shown_pixels():
    truth = locate("point", coords="norm1000")
    assert score(truth, r"\boxed{(400, 400)}")["predicted"] == [400.0, 200.0]  # x: 400‰ of 1000, y: 400‰ of 500
    assert score(truth, r"\boxed{(400, 400)}")["correct"] == 1
    wrong = score(truth, r"\boxed{(400, 200)}")  # pixels where 0-1000 was asked
    assert (wrong["predicted"], wrong["correct"], wrong["distance_radii"]) == ([400.0, 100.0], 0.0, 10.0)
    box = locate("box", coords="norm1000")
    result = score(box, r"\boxed{[390, 380, 410, 420]}")
    assert (result["predicted"], result["iou"], result["correct"]) == ([390.0, 190.0, 410.0, 210.0], 1.0, 1.0)


@pytest.mark.parametrize("coords", ["pixels", "norm1000"])
@pytest.mark.parametrize("kind", ["point", "box"])
def test_the_gold_answer_text_scores_full_marks(kind, coords):
    truth = locate(kind, coords=coords, reward_weight=1.5)
    size = tuple(truth["size"])
    text = format_point(tuple(truth["point"]), size, coords) if kind == "point" else format_box(
        tuple(truth["box"]), size, coords)
    result = score(truth, f"\\boxed{{{text}}}")
    assert (result["correct"], result["format"], result["detail_reward"]) == (1.0, 1.0, 10.0)
    assert result["reward"] == result["reward_max"] == pytest.approx(16 * 1.5)


def test_a_point_off_the_marker_earns_less_the_farther_it_is():
    edge = score(POINT, r"\boxed{(410, 200)}")  # on the marker's edge: d = r
    just_off = score(POINT, r"\boxed{(410.5, 200)}")
    one_off = score(POINT, r"\boxed{(420, 200)}")  # one radius beyond the edge
    three_off = score(POINT, r"\boxed{(400, 240)}")
    assert (edge["correct"], edge["detail_reward"], edge["distance_radii"]) == (1.0, 10.0, 1.0)
    assert edge["reward"] == pytest.approx(16)
    assert just_off["correct"] == 0.0 and just_off["detail_reward"] < 10.0
    assert (one_off["correct"], one_off["distance_radii"]) == (0.0, 2.0)
    assert one_off["detail_reward"] == pytest.approx(10 * math.exp(-0.5))  # 6.07
    assert one_off["reward"] == pytest.approx(1 + 0.5 * 10 * math.exp(-0.5))  # 4.03
    assert three_off["detail_reward"] == pytest.approx(10 * math.exp(-1.5))
    assert edge["reward"] > just_off["reward"] > one_off["reward"] > three_off["reward"] > 1.0


@pytest.mark.parametrize("coords", ["pixels", "norm1000"])
def test_a_marker_smaller_than_a_unit_still_takes_its_rounded_gold_point(coords):
    """Shown with radius 0.1 px at (400.4, 200.4): the gold answer, in whole units, is up to half a unit off."""
    answer = {**MARKER, "point": [800.8, 400.8], "radius": 0.2, "coords": coords}
    view = View(map_size=(2000, 1000), window=(0, 0, 2000, 1000), size=(1000, 500)) if coords == "pixels" else View(
        map_size=(2000, 1000), window=(0, 0, 2000, 1000), size=(1900, 950))
    truth = gt_module.ground_truth(row("point", answer, view), LEXICON)
    assert truth["radius"] == pytest.approx(0.1 if coords == "pixels" else 0.19)
    text = format_point(tuple(truth["point"]), tuple(truth["size"]), coords)
    result = score(truth, f"\\boxed{{{text}}}")
    assert result["correct"] == 1 and result["reward"] == pytest.approx(16), (text, result)
    two_units = {"pixels": r"\boxed{(402, 200)}", "norm1000": r"\boxed{(423, 422)}"}[coords]
    assert score(truth, two_units)["correct"] == 0


# (response, IoU, correct): the gold box is (390, 190)–(410, 210), 20 × 20
BOXES = [
    (r"\boxed{[390, 190, 410, 210]}", 1.0, 1.0),
    (r"\boxed{[410, 210, 390, 190]}", 1.0, 1.0),  # corners in the other order
    (r"\boxed{[390, 190, 430, 210]}", 0.5, 1.0),  # twice as wide: exactly the threshold
    (r"\boxed{[390, 190, 431, 210]}", 400 / 820, 0.0),  # a little wider: short of it
    (r"\boxed{[395, 190, 415, 210]}", 300 / 500, 1.0),
    (r"\boxed{[500, 300, 520, 320]}", 0.0, 0.0),
    ('{"bbox_2d": [390, 190, 410, 210], "label": "Central Station 2"}', 1.0, 1.0),
    (r"\boxed{(390, 190), (410, 210)}", 1.0, 1.0),
    (r"\boxed{[[390, 190], [410, 210]]}", 1.0, 1.0),
]


@pytest.mark.parametrize(("response", "iou", "correct"), BOXES, ids=[b[0][:40] for b in BOXES])
def test_box_iou(response, iou, correct):
    result = score(BOX, response)
    assert result["iou"] == pytest.approx(iou) and result["correct"] == correct, result
    assert result["detail_reward"] == pytest.approx(10 * min(1.0, iou / 0.5))
    assert result["distance_radii"] is None


def test_a_box_short_of_the_threshold_earns_less_than_one_on_it():
    on, short = score(BOX, r"\boxed{[390, 190, 430, 210]}"), score(BOX, r"\boxed{[390, 190, 431, 210]}")
    assert on["reward"] == pytest.approx(16) and short["reward"] == pytest.approx(1 + 0.5 * 10 * 400 / 820 / 0.5)


def test_a_point_is_no_answer_to_a_box_question():
    result = score(BOX, r"\boxed{(400, 200)}")
    assert (result["predicted"], result["format"], result["correct"], result["iou"]) == (None, 0.0, 0.0, 0.0)
    assert result["parse_error"] == "no readable box answer found"


# (response, correct, Jaccard, predicted, unresolved): the gold lines are Red (Line 1) and Blue (Line 2)
LINE_SETS = [
    (r"\boxed{Red Line, Blue Line}", 1, 1.0, ["blue-line", "red-line"], None),
    (r"\boxed{Blue Line, Red Line}", 1, 1.0, ["blue-line", "red-line"], None),
    (r"\boxed{Blue Line and Red Line}", 1, 1.0, ["blue-line", "red-line"], None),
    (r"\boxed{Line 1 & L2}", 1, 1.0, ["blue-line", "red-line"], None),
    (r"\boxed{Line 1 / Line 2}", 1, 1.0, ["blue-line", "red-line"], None),
    (r"\boxed{Red Line、Blue Line}", 1, 1.0, ["blue-line", "red-line"], None),
    (r"\boxed{Red Line，Blue Line}", 1, 1.0, ["blue-line", "red-line"], None),
    (r"\boxed{Red Line, Line 1, Blue Line}", 1, 1.0, ["blue-line", "red-line"], None),
    ("<answer>\n- Red Line\n- Blue Line\n</answer>", 1, 1.0, ["blue-line", "red-line"], None),
    ('\\boxed{["Red Line", "Blue Line"]}', 1, 1.0, ["blue-line", "red-line"], None),
    (r"\boxed{Red Line}", 0, 0.5, ["red-line"], None),
    (r"\boxed{Red Line, Blue Line, Green Line}", 0, 2 / 3, ["blue-line", "green-line", "red-line"], None),
    (r"\boxed{Red Line, Blue Line, Purple Line}", 0, 2 / 3, ["blue-line", "red-line"], ["Purple Line"]),
    (r"\boxed{Red Line and Purple Line}", 0, 1 / 3, ["red-line"], ["Purple Line"]),
    (r"\boxed{Green Line, Harbour Line}", 0, 0.0, ["green-line", "harbour-line"], None),
]


@pytest.mark.parametrize(("response", "correct", "jaccard", "predicted", "unresolved"), LINE_SETS,
                         ids=[c[0] for c in LINE_SETS])
def test_lines_sets(response, correct, jaccard, predicted, unresolved):
    result = score(LINES, response)
    assert (result["correct"], result["predicted"], result["unresolved"]) == (correct, predicted, unresolved), result
    assert result["detail_reward"] == pytest.approx(10 * jaccard)
    assert result["reward"] == pytest.approx(result["format"] + 10 * correct + 5 * jaccard)


def test_lines_truth_and_unreadable_lines():
    GROUND_TRUTH.validate(LINES)
    assert LINES["value"] == ["blue-line", "red-line"] and "lexicon" in LINES
    gold = score(LINES, r"\boxed{Red Line, Blue Line}")
    assert gold["reward"] == gold["reward_max"] == pytest.approx(16)
    result = score(LINES, r"\boxed{Purple Line, Orange Line}")
    assert (result["predicted"], result["format"]) == (None, 0.0)
    assert result["parse_error"] == "no readable lines answer found"
    with pytest.raises(ValueError, match="purple-line not in the demo lexicon"):
        lines(["red-line", "purple-line"])
    with pytest.raises(ValueError, match="a lines answer's value must be a non-empty list of line ids, but got"):
        lines([])


def test_a_station_truth_may_ride_no_line():
    for answer in ({"value": "museum", "name": "Museum Station", "line": None, "pixels": {}},
                   {"value": "museum", "name": "Museum Station"}):
        truth = gt_module.ground_truth(row("station", answer, WHOLE, family="identify", template="identify_station"),
                                       LEXICON)
        GROUND_TRUTH.validate(truth)
        assert truth["line"] is None
        assert score(truth, r"\boxed{Museum Station}")["correct"] == 1
        assert score(truth, r"\boxed{Central Station}")["correct"] == 0
        assert score(json.loads(gt_module.dumps(truth)), r"\boxed{Museum}")["correct"] == 1


def test_trainer_entry_points_on_a_point_truth():
    text = gt_module.dumps(POINT)
    gold = compute_score("mapcurate", r"\boxed{(400, 200)}", text)
    assert gold == {"score": 16.0, "format": 1.0, "accuracy": 1.0, "detail": 10.0, "map_score": 0.0}
    near = compute_score("mapcurate", "(420, 200)", text, weighted=False)
    assert near["accuracy"] == 0.0 and near["score"] == pytest.approx(0.5 + 5 * math.exp(-0.5))
    batch = compute_score_batch([{"response": r"\boxed{(400, 200)}", "ground_truth": text},
                                 {"response": "(420, 200)", "ground_truth": POINT}, {"ground_truth": BOX}])
    assert batch[0] == {"overall": 16.0, "format": 1.0, "accuracy": 1.0}
    assert batch[1]["overall"] == pytest.approx(near["score"]) and batch[1]["accuracy"] == 0.0
    assert batch[2] == {"overall": 0.0, "format": 0.0, "accuracy": 0.0}


def test_the_report_averages_distance_and_iou():
    results = [score(POINT, r"\boxed{(400, 200)}"), score(POINT, r"\boxed{(420, 200)}"), score(POINT, "no idea"),
               score(BOX, r"\boxed{[390, 190, 430, 210]}"), score(BOX, "no idea"), score(LINES, r"\boxed{Red Line}")]
    report = aggregate(results)
    assert report["overall"]["distance_radii"] == pytest.approx((0 + 2) / 2)  # over the points given
    assert report["overall"]["iou"] == pytest.approx((0.5 + 0) / 2)  # no box: IoU 0
    assert report["by_family"]["locate"]["distance_radii"] == pytest.approx(1.0)
    assert report["by_family"]["crop"]["distance_radii"] is None and report["by_family"]["crop"]["iou"] is None
    assert set(report["by_family"]) == {"locate", "crop"}


@pytest.mark.parametrize("response", [
    "(" * 20000 + "1, 2",
    "[1, " * 5000,
    "1, " * 8000,
    r"\boxed{" + "(1, 2), " * 3000 + "}",
    "x=" * 8000,
    "-" * 16000 + "1",
])
def test_pathological_coordinates_are_scored_without_error(response):
    """Their time is measured in benchmarks/bench_scoring.py (the slowest adversarial point answer)."""
    for truth in (POINT, BOX):
        result = score(truth, response)
        assert result["reward"] <= result["reward_max"] and result["correct"] == 0


@pytest.mark.parametrize(("change", "says"), [
    ({"radius": float("inf")}, "radius must be a finite number"),
    ({"radius": -2}, "radius must be positive"),
    ({"point": [float("nan"), 1]}, "point must be a finite number"),
    ({"point": "12,3"}, "point must be 2 numbers"),
    ({"box": [820, 380, 780, 420]}, "box must have x0 ≤ x1"),
])
def test_a_gold_point_that_is_no_point_is_refused(change, says):
    answer = {"value": "central", "name": "Central Station", **MARKER, "coords": "pixels", "pixels": {}, **change}
    with pytest.raises(ValueError, match=says):
        gt_module.ground_truth(row("point", answer, WHOLE), LEXICON)


@pytest.mark.parametrize(("edit", "says"), [
    (lambda t: "{bad", "not mapcurate JSON"),
    (lambda t: {k: v for k, v in t.items() if k != "size"}, "must have size"),
    (lambda t: {**t, "box": [1]}, "box must be 4 numbers"),
    (lambda t: {**t, "radius": "x"}, "radius must be a finite number"),
    (lambda t: {**t, "kind": "polygon"}, "kind must be one of"),
    (lambda t: {**t, "format": "other"}, "not in the mapcurate-gt/1 format"),
])
def test_a_carried_ground_truth_is_checked_before_it_is_scored(edit, says):
    from curation.scoring.ground_truth import check, dumps

    truth = locate()
    edited = edit(dict(truth))
    with pytest.raises(ValueError, match=says):
        check(edited if isinstance(edited, str) else dumps(edited))
    assert check(dumps(truth)) == truth


def test_a_question_that_cannot_be_scored_names_the_questions_file(tmp_path):
    from curation.errors import SourceError
    from curation.scoring.ground_truth import dumps
    from curation.scoring.run import ground_truths
    bad = row("point", {"value": "central", "coords": "pixels", **{k: MARKER[k] for k in ("box", "radius")}}, WHOLE)
    questions = tmp_path / "questions.parquet"
    with pytest.raises(SourceError, match="its answer has no 'point'") as raised:
        ground_truths([bad], tmp_path, questions)
    assert str(questions) in str(raised.value)
    carried = {**bad, "ground_truth": dumps({**locate(), "radius": None})}
    with pytest.raises(SourceError, match="carries a ground_truth that cannot be scored") as raised:
        ground_truths([carried], tmp_path, questions)
    assert str(questions) in str(raised.value)
