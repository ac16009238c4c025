"""`mapcurate demo`: the whole flow on the embedded demo city, with no data needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.panel import Panel

from curation.cities import load_city
from curation.cli.common import OutOption, console, one_line_errors
from curation.cli.network import FindingsOption, report
from curation.cli.questions import QUESTIONS_FILE, summary_table
from curation.cli.render import plural
from curation.network.build import build_cities
from curation.questions.generator import generate_city
from curation.questions.records import write_questions
from curation.resources import project_cities_dir


@one_line_errors
def demo(
    out: OutOption = Path("exports"),
    findings: FindingsOption = None,
    questions: Annotated[bool, typer.Option("--questions/--no-questions", help="Also generate questions.")] = True,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the question sample.")] = 0,
) -> None:
    """Build the embedded demo city's network, generate its questions, and show a sample."""
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
    console.print(f"wrote {len(generated.questions)} questions to {escape(str(target))}")
