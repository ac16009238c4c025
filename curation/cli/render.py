"""Rich tables for build summaries and quality findings."""

from __future__ import annotations

from rich import box
from rich.table import Table

from curation.network.build import BuildResult
from curation.network.quality import Finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def summary_table(results: list[BuildResult]) -> Table:
    """One row per city: size of the network and findings by severity."""
    table = Table(title="Canonical networks", title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("city", "lines", "stations", "transfers", "loops", "branched", "errors",
                   "warnings", "fixed", "info"):
        table.add_column(header, justify="left" if header == "city" else "right", no_wrap=True)
    for result in results:
        net, report = result.network, result.report
        warnings = [f for f in report.findings if f.severity == "warning"]
        fixed = sum(f.fixed_by is not None for f in warnings)
        counts = report.counts()
        table.add_row(
            net.city, str(len(net.lines)), str(len(net.stations)), str(len(net.transfer_stations)),
            str(sum(line.loop for line in net.lines.values())),
            str(sum(line.is_branched for line in net.lines.values())),
            f"[bold red]{counts['error']}[/]" if counts["error"] else "0",
            str(len(warnings) - fixed), str(fixed), str(counts["info"]),
        )
    return table


def findings_table(findings: list[Finding], title: str) -> Table:
    """The findings, one per row, with the suggested fix."""
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("finding", no_wrap=True)
    table.add_column("problem and fix", overflow="fold")
    for f in findings:
        where = " · ".join(x for x in (f.line, f.station) if x)
        head = f"[{_STYLE[f.severity]}]{f.severity}[/]\n{f.code}"
        fixed = f"\n[green]fixed by {f.fixed_by}[/]" if f.fixed_by else ""
        table.add_row(head, f"[bold]{where}[/]\n{f.message}\n[dim]→ {f.suggestion}[/]{fixed}")
    return table
