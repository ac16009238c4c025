"""Rich tables for build summaries and quality findings."""

from __future__ import annotations

from collections import Counter

from rich import box
from rich.markup import escape
from rich.table import Table

from curation.network.build import BuildResult
from curation.network.quality import Finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
# Findings of one code listed in the terminal before the rest are only counted (all are in quality.json).
PER_CODE = 8


def summary_table(results: list[BuildResult]) -> Table:
    """One row per city: size of the network and findings by severity (warnings: open, fixed)."""
    table = Table(title="Canonical networks", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1),
                  collapse_padding=True, pad_edge=False)
    for header in ("city", "lines", "stations", "transfers", "loops", "forks", "errors", "warnings", "fixed"):
        table.add_column(header, justify="left" if header == "city" else "right", no_wrap=True,
                         min_width=len(header))
    for result in results:
        net, report = result.network, result.report
        warnings = [f for f in report.findings if f.severity == "warning"]
        fixed = sum(f.fixed_by is not None for f in warnings)
        counts = report.counts()
        table.add_row(
            escape(net.city), str(len(net.lines)), str(len(net.stations)), str(len(net.transfer_stations)),
            str(sum(line.loop for line in net.lines.values())),
            str(sum(line.is_branched for line in net.lines.values())),
            f"[bold red]{counts['error']}[/]" if counts["error"] else "0",
            str(len(warnings) - fixed), str(fixed),
        )
    return table


def findings_table(findings: list[Finding], title: str, per_code: int = PER_CODE) -> Table:
    """The findings with their suggested fixes; codes with many findings show `per_code` and a count."""
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("finding", no_wrap=True)
    table.add_column("problem and fix", overflow="fold")
    by_code = Counter(f.code for f in findings)
    shown: Counter[str] = Counter()
    for f in findings:
        shown[f.code] += 1
        if shown[f.code] > per_code:
            if shown[f.code] == per_code + 1:
                table.add_row(f"[dim]{f.code}[/]", f"[dim]… {by_code[f.code] - per_code} more in quality.json[/]")
            continue
        where = escape(" · ".join(x for x in (f.line, f.station) if x))
        head = f"[{_STYLE[f.severity]}]{f.severity}[/]\n{f.code}"
        fixed = f"\n[green]fixed by {escape(f.fixed_by)}[/]" if f.fixed_by else ""
        table.add_row(head, f"[bold]{where}[/]\n{escape(f.message)}\n[dim]→ {escape(f.suggestion)}[/]{fixed}")
    return table


def plural(count: int, noun: str) -> str:
    """`1 branch`, `2 branches`, `1 city`, `3 cities`."""
    if count == 1:
        return f"{count} {noun}"
    if noun.endswith("y"):
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}{'es' if noun.endswith(('ch', 's', 'sh', 'x')) else 's'}"
