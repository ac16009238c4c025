"""`mapcurate score`: score model responses, per question and in aggregate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.progress import MofNCompleteColumn
from rich.table import Table

from curation.cli.common import console, flag, one_line_errors, progress_bar
from curation.cli.tables import plural
from curation.errors import MapcurateError
from curation.questions.records import load_questions
from curation.scoring.report import aggregate
from curation.scoring.reward import RewardConfig
from curation.scoring.run import REPORT_FILE, SCORES_FILE, ground_truths, read_predictions, score_all
from curation.scoring.run import write_outputs as write_score_outputs


@one_line_errors
def score(
    questions: Annotated[Path, typer.Option(
        "--questions", help="Questions Parquet (gen-questions) or a folder of such files.")],
    predictions: Annotated[Path, typer.Option(
        "--predictions", help='JSON lines: {"id": <question id>, "response": <the model\'s full text>}.')],
    out: Annotated[Path | None, typer.Option(
        "--out", help=f"Folder to write {SCORES_FILE} and {REPORT_FILE} into (default: "
        "exports/scores/<predictions file name without .jsonl>/).")] = None,
    graphs: Annotated[Path, typer.Option(
        "--graphs", help="Where build-graph wrote <city>/graph.json (for questions without a ground_truth column).")]
    = Path("exports"),
    alpha: Annotated[float, typer.Option("--alpha", min=0.0, help="Weight α of the route detail reward (at most 10 "
        "points; RewardMap's 0.5), beside 10 points for a correct answer and at most 1 for its format.")] = 0.5,
    require_optimal: Annotated[bool, flag(
        "--require-optimal", help="Reward route correctness only for optimal routes.")] = False,
    split: Annotated[str | None, typer.Option(
        "--split", help="Only the questions of this split of an export (e.g. test); predictions for the other "
        "splits' questions are ignored.")] = None,
) -> None:
    """Score predictions: the benchmark's accuracy, map score, separate route checks and the reward.

    Example: mapcurate score --questions exports/questions.parquet --predictions preds.jsonl
    """
    rows = load_questions(questions)
    known = {r["id"] for r in rows}
    if split is not None:
        splits = sorted({str(r.get("split")) for r in rows})
        rows = [r for r in rows if r.get("split") == split]
        if not rows:
            raise MapcurateError(f"no questions in split {split!r} (splits here: {', '.join(splits)})", questions)
    responses = read_predictions(predictions, known)
    selected = {r["id"] for r in rows}
    ignored = len(responses.keys() - selected)
    responses = {qid: text for qid, text in responses.items() if qid in selected}
    truths = ground_truths([r for r in rows if r["id"] in responses], graphs, questions)
    config = RewardConfig(alpha=alpha, require_optimal=require_optimal)
    with progress_bar(MofNCompleteColumn(), show=len(rows) > 2000) as progress:
        task = progress.add_task("scoring", total=len(rows))
        run = score_all([r["id"] for r in rows], truths, responses, config, advance=lambda: progress.advance(task))
    report = {
        "questions": run.questions, "scored": len(run.results), "missing": len(run.missing),
        "missing_ids": run.missing, "config": vars(config), **aggregate(run.results),
    }
    target = out or default_score_folder(predictions)
    write_score_outputs(run, report, target)
    console.print(summary_table(report))
    if run.missing:
        console.print(f"[yellow]missing:[/] {plural(len(run.missing), 'question')} without a prediction "
                      f"(listed in {REPORT_FILE}); figures cover the {len(run.results)} scored")
    if ignored:
        console.print(f"ignored {plural(ignored, 'prediction')} for questions outside split {split!r}")
    console.print(f"wrote {escape(str(target / SCORES_FILE))} and {escape(str(target / REPORT_FILE))}")


def default_score_folder(predictions: Path) -> Path:
    """`exports/scores/<name>/`: beside the other outputs, never beside the predictions in a working tree."""
    return Path("exports") / "scores" / predictions.name.removesuffix(".jsonl")


def summary_table(report: dict[str, Any]) -> Table:
    """Overall, by type, by difficulty pair and by city: weighted accuracy, route figures, the mean distance of
    point answers in marker radii and IoU of box answers, reward as % of max."""
    table = Table(box=box.SIMPLE_HEAD, title=f"{report['scored']} of {report['questions']} questions scored")
    for name in ("group", "n", "w-acc", "acc", "format", "map", "optimal", "dist (r)", "IoU", "reward"):
        table.add_column(name, justify="left" if name == "group" else "right")
    sections = [("overall", {"": report["overall"]}), *((k.removeprefix("by_"), report[k])
                                                        for k in ("by_type", "by_difficulty", "by_city"))]
    for section, groups in sections:
        for key, stats in groups.items():
            table.add_row(f"{section} {key}".strip(), str(stats["questions"]), _pct(stats["weighted_accuracy"]),
                          _pct(stats["accuracy"]), _pct(stats["format"]), _pct(stats["map_score"]),
                          _pct(stats["optimal"]), _num(stats["distance_radii"]), _num(stats["iou"]),
                          _pct(stats["reward_fraction"]))
        table.add_section()
    return table


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
