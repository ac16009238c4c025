"""`audit`: one call from a benchmark Parquet to the per-row findings and their summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.audit.graphs import load_graphs
from curation.audit.layout import read_rows
from curation.audit.plus import audit_plus_row
from curation.audit.report import row_record, summarise, write_outputs
from curation.audit.routes import audit_route_row
from curation.errors import OutputError


@dataclass(frozen=True)
class AuditReport:
    """What an audit found and where it wrote it."""

    records: list[dict[str, Any]]
    summary: dict[str, Any]
    files: list[Path]


def audit(questions: Path, plus: bool = False, graphs: Path = Path("exports"), out: Path | None = None) -> AuditReport:
    """Check every row of `questions` (ReasonMap layout, or ReasonMap-Plus with `plus`) against the graphs in
    `graphs/<city>/graph.json`; write `rows.jsonl` and `summary.json` into `out` (default
    `exports/audit/<file name without .parquet>/`). Bad input raises before anything is written."""
    target = out if out is not None else default_audit_folder(questions)
    if target.exists() and not target.is_dir():
        raise OutputError("--out must be a folder, but this is a file", target)
    rows = read_rows(questions, plus)
    cities = load_graphs(sorted({r["city"] for r in rows}), graphs)
    check = audit_plus_row if plus else audit_route_row
    records = [row_record(i, row, check(row, cities[row["city"]])) for i, row in enumerate(rows)]
    summary = summarise(records, questions, "reasonmap_plus" if plus else "reasonmap")
    return AuditReport(records, summary, write_outputs(records, summary, target))


def default_audit_folder(questions: Path) -> Path:
    return Path("exports") / "audit" / questions.name.removesuffix(".parquet")
