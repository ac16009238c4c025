"""`mapcurate build-graph`, `mapcurate cities` and `mapcurate demo`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from curation.cities import city_slugs, load_city
from curation.cli.common import (
    AllOption,
    CityOption,
    DataRootOption,
    OutOption,
    console,
    data_root_or_default,
    one_line_errors,
    selected_cities,
)
from curation.cli.render import findings_table, summary_table
from curation.network.build import BuildResult, build_cities


class Shown(StrEnum):
    """Which findings to list under the summary."""

    open = "open"
    all = "all"
    none = "none"


FindingsOption = Annotated[Shown, typer.Option("--findings", help="Findings to list: open (not fixed), all, none.")]


@one_line_errors
def build_graph(
    city: CityOption = None,
    all_cities: AllOption = False,
    data_root: DataRootOption = None,
    out: OutOption = Path("exports"),
    findings: FindingsOption = Shown.open,
) -> None:
    """Build the canonical network(s): graph.json + quality.json in <out>/<city>/.

    Example: MAPCURATE_DATA=../shared/data mapcurate build-graph --city hangzhou
    """
    cities = selected_cities(city, all_cities)
    root = data_root_or_default(data_root)
    if len(cities) > 1:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("building networks", total=len(cities))
            results = build_cities(cities, root, out,
                                   on_built=lambda slug: progress.update(task, advance=1, description=slug))
    else:
        results = build_cities(cities, root, out)
    _report(results, out, findings)


@one_line_errors
def demo(out: OutOption = Path("exports"), findings: FindingsOption = Shown.open) -> None:
    """Build the embedded demo city (no data needed) and show its summary and findings."""
    city = load_city("demo")
    _report(build_cities([city], city.folder, out), out, findings)


def _report(results: list[BuildResult], out: Path, findings: Shown) -> None:
    console.print(summary_table(results))
    for result in results:
        shown = [f for f in result.report.findings
                 if findings is Shown.all or (findings is Shown.open and f.fixed_by is None)]
        if shown and (len(results) == 1 or result.report.errors):
            console.print(findings_table(shown, f"{result.network.city}: {len(shown)} {findings} findings"))
    failed = [r.network.city for r in results if not r.ok]
    console.print(f"wrote {len(results)} cit{'y' if len(results) == 1 else 'ies'} to {out}/"
                  + (f"; graph.json NOT written for: {', '.join(failed)} (see quality.json)" if failed else ""))
    if failed:
        raise typer.Exit(1)


@one_line_errors
def cities(data_root: DataRootOption = None) -> None:
    """List the cities, their sources and curation overrides."""
    root = data_root_or_default(data_root)
    table = Table(title=f"Cities (data root: {root})", title_justify="left")
    for header in ("city", "name", "country", "station list", "map", "overrides"):
        table.add_column(header)
    for slug in city_slugs():
        city = load_city(slug)
        cells = []
        for kind in ("stations", "map"):
            source = city.sources.get(kind)
            if source is None:
                cells.append("—")
                continue
            present = source.resolve(city.folder, root).is_file()
            cells.append(("embedded" if source.embedded else "present") if present else "[red]missing[/]")
        overrides = {
            "corrections": len(city.corrections), "splits": len(city.station_splits),
            "loops": sum(bool(v.get("loop")) for v in city.lines.values()),
            "branches": sum("branch" in v for v in city.lines.values()),
            "colours": sum("color" in v for v in city.lines.values()),
        }
        summary = ", ".join(f"{n} {k}" for k, n in overrides.items() if n) or "none"
        table.add_row(slug, city.names["en"], city.country, *cells, summary)
    console.print(table)
