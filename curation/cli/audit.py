"""`mapcurate audit`: check a published ReasonMap / ReasonMap-Plus Parquet against the curated graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from curation.audit import audit as run_audit
from curation.audit.defects import CLASSES
from curation.cli.common import console, flag, one_line_errors


@one_line_errors
def audit(
    questions: Annotated[Path, typer.Option(
        "--questions", help="A Parquet in the benchmark's layout (ReasonMap: station_1/2, routes, "
        "question_transfer_count, difficulty_*; with --plus ReasonMap-Plus: type, answer, question).")],
    plus: Annotated[bool, flag("--plus", help="The file is ReasonMap-Plus (Counting1-3, TorF1-2).")] = False,
    graphs: Annotated[Path, typer.Option("--graphs", help="Where build-graph wrote <city>/graph.json.")]
    = Path("exports"),
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder to write rows.jsonl and summary.json into "
        "(default: exports/audit/<file name without .parquet>/).")] = None,
) -> None:
    """Audit every row against the curated graph: names, rides, optimality, labels, Plus answers.

    Example: mapcurate audit --questions ReasonMap/test.parquet --graphs exports --out exports/audit/test
    """
    report = run_audit(questions=questions, plus=plus, graphs=graphs, out=out)
    console.print(summary_table(report.summary))
    summary = report.summary
    console.print(f"{summary['rows_with_defects']} of {summary['rows']} rows with defects; wrote "
                  + " and ".join(escape(str(p)) for p in report.files))


def summary_table(summary: dict[str, Any]) -> Table:
    """Rows per defect class: all cities, then each city."""
    cities = list(summary["by_city"])
    table = Table(box=box.SIMPLE_HEAD, title=f"audit of {summary['source']} ({summary['layout']}): "
                  f"{summary['rows']} rows, {summary['rows_with_defects']} with defects")
    table.add_column("defect class")
    table.add_column("rows", justify="right")
    for city in cities:
        table.add_column(city, justify="right")
    table.add_row("(rows audited)", str(summary["rows"]), *(str(summary["by_city"][c]["rows"]) for c in cities))
    table.add_section()
    for kind in CLASSES:
        if kind in summary["by_class"]:
            table.add_row(kind, str(summary["by_class"][kind]),
                          *(str(summary["by_city"][c].get(kind, 0) or "–") for c in cities))
    return table
