"""`mapcurate demo`: the whole flow on the embedded demo city, with no data needed."""

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
from curation.cli.common import OutOption, console, one_line_errors
from curation.cli.network import FindingsOption, report
from curation.cli.questions import QUESTIONS_FILE, summary_table
from curation.cli.tables import plural
from curation.network.build import build_cities
from curation.network.model import Network
from curation.questions.generator import generate_city
from curation.questions.records import Question, write_questions
from curation.resources import project_cities_dir
from curation.scoring.ground_truth import ground_truth
from curation.scoring.lexicon import lexicon_from_network
from curation.scoring.scorer import score


@one_line_errors
def demo(
    out: OutOption = Path("exports"),
    findings: FindingsOption = None,
    questions: Annotated[bool, typer.Option("--questions/--no-questions", help="Also generate questions.")] = True,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the question sample.")] = 0,
) -> None:
    """Build the embedded demo city's network, generate its questions, show a sample and score answers to it."""
    city = load_city("demo", project_cities_dir())  # always the embedded one
    results = build_cities([city], city.folder, out)
    report(results, out, findings)
    if not questions:
        return
    generated = generate_city(results[0].network, seed=seed)
    target = out / city.slug / QUESTIONS_FILE
    write_questions(generated.questions, target)
    console.print(summary_table([generated]))
    sample = next(q for q in generated.questions if q.template == "planning_short" and q.question_transfer_count)
    console.print(Panel(f"{escape(sample.question)}\n\n[bold]gold answer[/] ({sample.difficulty_question}, "
                        f"{plural(sample.question_transfer_count or 0, 'transfer')}):\n{escape(sample.answer_text)}",
                        title="a route question", title_align="left"))
    console.print(_scored(results[0].network, sample))
    console.print(f"wrote {len(generated.questions)} questions to {escape(str(target))}")


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
