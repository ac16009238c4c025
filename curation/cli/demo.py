"""`mapcurate demo`: the whole flow on the embedded demo city, with its map drawn, and no data needed.

Render the demo network's map (exact annotation) → build the network from the annotation, cross-checked
against the station list → questions → an `hf` export with the image → gold answers scored → overlay.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from curation.cities import load_city
from curation.cli.common import OutOption, console, flag, one_line_errors
from curation.cli.network import FindingsOption, report
from curation.cli.questions import QUESTIONS_FILE, summary_table
from curation.cli.tables import plural
from curation.errors import MapcurateError
from curation.exports.canonical import CanonicalExport
from curation.exports.export import ExportOptions, run_export
from curation.network.build import build_cities, build_network
from curation.network.model import Network
from curation.overlay import write_overlay
from curation.questions.generator import generate_city
from curation.questions.records import Question, write_questions
from curation.resources import project_cities_dir
from curation.scoring.ground_truth import ground_truth
from curation.scoring.lexicon import lexicon_from_network
from curation.scoring.reward import RewardConfig
from curation.scoring.run import score_all
from curation.scoring.scorer import score
from curation.synth.make import render_city

# The layout seed of the demo map: of the first few, the one whose every label sits plainly by its own station.
DEMO_LAYOUT_SEED = 3


@one_line_errors
def demo(
    out: OutOption = Path("exports"),
    findings: FindingsOption = None,
    questions: Annotated[bool, flag("--questions/--no-questions", help="Also generate questions.")] = True,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the question sample.")] = 0,
) -> None:
    """Draw the embedded demo city's map, build its network from it, ask, export, score and overlay.

    Example: mapcurate demo --out /tmp/mapcurate-demo
    """
    city = load_city("demo", project_cities_dir())  # always the embedded one
    listed = build_network(city, city.folder)
    if not listed.ok:
        raise MapcurateError("the embedded demo station list has errors; restore cities/demo from git", city.folder)
    drawn_root = out / city.slug / "map"
    drawn = render_city(city, listed.network, drawn_root, seed=DEMO_LAYOUT_SEED)
    drawn_city = load_city(drawn.written.slug, drawn_root / "cities")
    data_root = drawn_root / "data"
    results = build_cities([drawn_city], data_root, out)
    report(results, out, findings)
    overlay = write_overlay(drawn_city, data_root, out)
    files = {"map": drawn.written.map, "annotation": drawn.written.annotation, "manifest": drawn.written.manifest,
             "graph": out / city.slug / "graph.json", "quality report": out / city.slug / "quality.json",
             "overlay": overlay}
    if questions:
        network = results[0].network
        generated = generate_city(network, seed=seed)
        target = out / city.slug / QUESTIONS_FILE
        write_questions(generated.questions, target)
        console.print(summary_table([generated]))
        sample = next(q for q in generated.questions if q.template == "planning_short" and q.question_transfer_count)
        console.print(Panel(f"{escape(sample.question)}\n\n[bold]gold answer[/] ({sample.difficulty_question}, "
                            f"{plural(sample.question_transfer_count or 0, 'transfer')}):\n"
                            f"{escape(sample.answer_text)}", title="a route question", title_align="left"))
        console.print(_scored(network, sample))
        export_dir = out / city.slug / "export"
        document = run_export(target, export_dir, out, data_root, ExportOptions(name="demo", layout="hf"),
                   cities_root=drawn_root / "cities")
        console.print(_gold_accuracy(export_dir))
        views = document["views"]["images"]
        files |= {"questions": target,
                  f"export (hf layout, with the map and {plural(views, 'view image')})": export_dir}
    table = Table(title="wrote", box=box.SIMPLE_HEAD, show_header=False)
    for name, path in files.items():
        table.add_row(name, escape(str(path)))
    console.print(table)


def _scored(network: Network, sample: Question) -> Table:
    """The scorer on the sample: its gold answer, the gold as a model writes it, and a wrong line."""
    truth = ground_truth(asdict(sample), lexicon_from_network(network))
    first_line = sample.answer_text.split("\n", 1)[0]
    answers = {
        "gold answer": sample.answer_text,
        "same, as a model writes it": "<think>…</think>\n**Final answer:**\n\n" + "\n".join(
            f"- {line}" for line in sample.answer_text.replace("\n--\n", "\n\n").split("\n") if line),
        "first ride on a wrong line": sample.answer_text.replace(first_line, "Route Name: Harbour Line", 1),
    }
    table = Table(title="scoring three answers (mapcurate score)", box=box.SIMPLE_HEAD)
    for name in ("answer", "accurate", "map score", "reward"):
        table.add_column(name, justify="left" if name == "answer" else "right")
    for name, text in answers.items():
        result = score(truth, text)
        table.add_row(name, "yes" if result["correct"] else "no",
                      f"{result['map_score']:g} / {result['map_score_max']:g}",
                      f"{result['reward']:.2f} / {result['reward_max']:.2f}")
    return table


def _gold_accuracy(export_dir: Path) -> str:
    """Every exported question's gold answer scored with the ground truth the export carries."""
    rows = [r for split in CanonicalExport.read(export_dir).questions.values() for r in split]
    run = score_all([r["id"] for r in rows], {r["id"]: r["ground_truth"] for r in rows},
                    {r["id"]: r["answer_text"] for r in rows}, RewardConfig())
    accurate = sum(r["correct"] for r in run.results) / max(1, len(run.results))
    return f"gold answers: {accurate:.1%} accurate ({plural(len(run.results), 'question')} of the export scored)"
