"""`mapcurate score`: per-question JSON lines, the JSON report, missing and unknown predictions."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from curation.cli import app


@pytest.fixture
def demo_questions(runner, tmp_path):
    assert runner.invoke(app, ["demo", "--out", str(tmp_path)]).exit_code == 0
    path = tmp_path / "demo" / "questions.parquet"
    return path, pq.read_table(path).to_pylist()


def write_predictions(path, items):
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def run_score(runner, questions, predictions, graphs, *extra):
    return runner.invoke(app, ["score", "--questions", str(questions), "--predictions", str(predictions),
                               "--graphs", str(graphs), *extra])


def test_gold_predictions_score_full_marks_and_missing_ones_are_counted(runner, tmp_path, demo_questions):
    questions, rows = demo_questions
    answered, skipped = rows[:-7], rows[-7:]
    predictions = tmp_path / "preds.jsonl"
    write_predictions(predictions, [{"id": r["id"], "response": r["answer_text"]} for r in answered])
    result = run_score(runner, questions, predictions, tmp_path, "--out", str(tmp_path / "report"))
    assert result.exit_code == 0, result.output
    assert "missing: 7 questions without a prediction" in result.output
    assert "w-acc" in result.output and "type planning" in result.output
    lines = (tmp_path / "report" / "scores.jsonl").read_text(encoding="utf-8").splitlines()
    scores = [json.loads(line) for line in lines]
    assert [s["id"] for s in scores] == sorted(r["id"] for r in answered)
    assert all(s["correct"] == 1 and s["reward"] == pytest.approx(s["reward_max"]) for s in scores)
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert (report["questions"], report["scored"], report["missing"]) == (len(rows), len(answered), 7)
    assert sorted(report["missing_ids"]) == sorted(r["id"] for r in skipped)
    assert report["overall"]["weighted_accuracy"] == 1.0
    assert set(report["by_type"]) == {r["type"] for r in answered}
    assert set(report["by_city"]) == {"demo"}


def test_weighted_accuracy_weighs_by_difficulty(runner, tmp_path, demo_questions):
    questions, rows = demo_questions
    predictions = tmp_path / "preds.jsonl"
    # right on every easy route question, wrong on the others
    routes = [r for r in rows if r["family"] == "planning"]
    write_predictions(predictions, [{"id": r["id"], "response": r["answer_text"] if r["difficulty_question"] == "easy"
                                     else "no idea"} for r in routes])
    result = run_score(runner, questions, predictions, tmp_path, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    easy = [r for r in routes if r["difficulty_question"] == "easy"]
    expected = sum(r["weight"] for r in easy) / sum(r["weight"] for r in routes)
    assert report["by_type"]["planning"]["weighted_accuracy"] == pytest.approx(expected, abs=1e-6)
    assert report["by_type"]["planning"]["accuracy"] == pytest.approx(len(easy) / len(routes), abs=1e-6)


def test_default_output_folder_is_under_exports(runner, tmp_path, demo_questions, monkeypatch):
    questions, rows = demo_questions
    predictions = tmp_path / "run1.jsonl"
    write_predictions(predictions, [{"id": rows[0]["id"], "response": "x"}])
    monkeypatch.chdir(tmp_path / "demo")
    assert run_score(runner, questions, predictions, tmp_path).exit_code == 0
    assert (tmp_path / "demo" / "exports" / "scores" / "run1" / "report.json").is_file()
    assert not (tmp_path / "run1.jsonl.score").exists()


@pytest.mark.parametrize(("lines", "message"), [
    (['{"id": "nope", "response": "x"}'], "1 prediction(s) for question ids not in the questions: nope"),
    (["{not json"], "preds.jsonl:1: not a JSON line"),
    (['{"id": 3, "response": "x"}'], 'preds.jsonl:1: expected {"id": "<question id>", "response": "<text>"}'),
    (['{"id": "ID", "response": null}'], 'preds.jsonl:1: "response" must be the model\'s text, a string (write "" '
                                         "for no answer), but got null"),
    (['{"id": "ID", "response": 42}'], "preds.jsonl:1: \"response\" must be the model's text, a string (write \"\" "
                                       "for no answer), but got int"),
])
def test_bad_predictions_are_one_line_errors(runner, tmp_path, demo_questions, lines, message):
    questions, _ = demo_questions
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_score(runner, questions, predictions, tmp_path, "--out", str(tmp_path / "never"))
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "never").exists()


def test_duplicate_prediction_is_an_error(runner, tmp_path, demo_questions):
    questions, rows = demo_questions
    predictions = tmp_path / "preds.jsonl"
    write_predictions(predictions, [{"id": rows[0]["id"], "response": "a"}, {"id": rows[0]["id"], "response": "b"}])
    result = run_score(runner, questions, predictions, tmp_path)
    assert result.exit_code == 2 and f"preds.jsonl:2: second prediction for question {rows[0]['id']}" in result.stderr


def test_route_questions_need_their_graphs_others_do_not(runner, tmp_path, demo_questions):
    questions, rows = demo_questions
    predictions = tmp_path / "preds.jsonl"
    yes_no = next(r for r in rows if r["family"] == "torf1")
    write_predictions(predictions, [{"id": yes_no["id"], "response": ""}])
    result = run_score(runner, questions, predictions, tmp_path / "elsewhere", "--out", str(tmp_path / "a"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "a" / "scores.jsonl").read_text(encoding="utf-8"))["format"] == 0.0
    route = next(r for r in rows if r["family"] == "planning")
    write_predictions(predictions, [{"id": route["id"], "response": "a"}])
    result = run_score(runner, questions, predictions, tmp_path / "elsewhere")
    assert result.exit_code == 2 and "no graph.json for 1 city of these questions (demo)" in result.stderr


def test_missing_questions_file(runner, tmp_path):
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text("", encoding="utf-8")
    result = run_score(runner, tmp_path / "nope.parquet", predictions, tmp_path)
    assert result.exit_code == 2 and "nope.parquet: no such file or folder" in result.stderr


def test_point_answers_are_scored_by_distance_in_marker_radii(runner, tmp_path, demo_questions):
    """Locate points: gold on the marker, one marker radius past its edge scores less and is not correct."""
    from curation.coordinates import format_point
    from curation.questions.views import View

    questions, rows = demo_questions
    points = [r for r in rows if r["template"] == "locate_point"]
    gold, off = points[: len(points) // 2], points[len(points) // 2:]
    predictions, off_by = tmp_path / "preds.jsonl", {}
    items = [{"id": r["id"], "response": r["answer_text"]} for r in gold]
    for row in off:
        answer, view = json.loads(row["answer"]), View.from_dict(json.loads(row["view"]))
        x, y = view.to_shown(tuple(answer["point"]))
        shift = 2 * answer["radius"] * view.scale  # the marker's edge, and one radius past it
        off_by[row["id"]] = shift / (answer["radius"] * view.scale)
        point = format_point((x + shift, y), view.size, answer["coords"])
        items.append({"id": row["id"], "response": f"\\boxed{{{point}}}"})
    write_predictions(predictions, items)
    result = run_score(runner, questions, predictions, tmp_path, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "dist (r)" in result.output and "type Locate" in result.output
    scores = {s["id"]: s for s in map(json.loads, (tmp_path / "out" / "scores.jsonl").read_text().splitlines())}
    for row in gold:
        assert scores[row["id"]]["correct"] == 1 and scores[row["id"]]["reward"] == scores[row["id"]]["reward_max"]
    for row in off:
        assert scores[row["id"]]["correct"] == 0
        assert scores[row["id"]]["distance_radii"] == pytest.approx(off_by[row["id"]], abs=0.35)
        assert 0.3 * scores[row["id"]]["reward_max"] > scores[row["id"]]["reward"] > 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["by_family"]["locate"]["distance_radii"] > 0
