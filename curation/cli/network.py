"""`mapcurate build-graph` and `mapcurate cities`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import MofNCompleteColumn
from rich.table import Table

from curation.cities import city_slugs, load_city, with_annotation, with_positions
from curation.cli.common import (
    AllOption,
    AnnotationOption,
    CityOption,
    DataRootOption,
    OutOption,
    console,
    data_root_or_default,
    flag,
    one_line_errors,
    progress_bar,
    selected_cities,
)
from curation.cli.tables import findings_table, plural, summary_table
from curation.errors import MapcurateError
from curation.network.build import BuildResult, build_cities


class Shown(StrEnum):
    """Which findings to list under the summary."""

    open = "open"
    all = "all"
    none = "none"


FindingsOption = Annotated[Shown | None, typer.Option(
    "--findings", help="Findings to list: open (not fixed), all, none. Default: open for one city; "
    "with --all, only for cities with errors unless given.")]


PositionsOption = Annotated[Path | None, typer.Option(
    "--positions", help="A station proposal (mapcurate prelabel's annotation.json): the station list's network "
    "with the confident proposed positions (confidence >= 0.5) as `pos`, cross-checked.")]


SkipMissingOption = Annotated[
    bool, flag("--skip-missing", help="With --all: skip cities with neither their station list nor their "
                       "annotation in the data root.")
]


@one_line_errors
def build_graph(
    city: CityOption = None,
    all_cities: AllOption = False,
    data_root: DataRootOption = None,
    out: OutOption = Path("exports"),
    findings: FindingsOption = None,
    skip_missing: SkipMissingOption = False,
    annotation: AnnotationOption = None,
    positions: PositionsOption = None,
) -> None:
    """Build the canonical network(s): graph.json + quality.json in <out>/<city>/.

    Example: mapcurate build-graph --city hangzhou --data-root ~/mapcurate-data
    """
    cities = selected_cities(city, all_cities)
    for flag_name, given in (("--annotation", annotation), ("--positions", positions)):
        if given is not None and (len(cities) != 1 or all_cities):
            raise MapcurateError(f"{flag_name} builds one city: give --city, not --all")
    if annotation is not None and positions is not None:
        raise MapcurateError("--annotation and --positions exclude each other: an annotation has its own positions")
    if annotation is not None:
        cities = [with_annotation(cities[0], annotation)]
    if positions is not None:
        cities = [with_positions(cities[0], positions)]
    root = data_root_or_default(data_root)
    if skip_missing:
        missing = [c.slug for c in cities if not any(c.has_source(k, root) for k in ("stations", "annotation"))]
        cities = [c for c in cities if c.slug not in missing]
        if missing and not cities:
            raise MapcurateError("no city has its station list here; check --data-root / MAPCURATE_DATA", root)
        if missing:
            console.print(f"skipped (no station list in {escape(str(root))}): {', '.join(missing)}")
    if len(cities) > 1:
        with progress_bar(MofNCompleteColumn()) as progress:
            task = progress.add_task("building networks", total=len(cities))
            results = build_cities(cities, root, out,
                                   on_built=lambda slug: progress.update(task, advance=1, description=slug))
    else:
        results = build_cities(cities, root, out)
    report(results, out, findings)


def report(results: list[BuildResult], out: Path, findings: Shown | None) -> None:
    """Summary table, the findings asked for, what was written; exit 1 when a network has errors."""
    console.print(summary_table(results))
    listed = findings or Shown.open
    for result in results:
        shown = [f for f in result.report.findings
                 if listed is Shown.all or (listed is Shown.open and f.fixed_by is None)]
        if shown and (len(results) == 1 or findings is not None or result.report.errors):
            kind = "" if listed is Shown.all else "open "
            console.print(findings_table(shown, f"{result.network.city}: {plural(len(shown), kind + 'finding')}"))
    failed = [r.network.city for r in results if not r.ok]
    built = len(results) - len(failed)
    if built:
        console.print(f"wrote graph.json and quality.json for {plural(built, 'city')} to {escape(str(out))}/")
    if failed:
        console.print(f"[bold red]errors:[/] only quality.json written for {', '.join(failed)} "
                      "(graph.json removed); the findings above say what to fix")
        raise typer.Exit(1)


@one_line_errors
def cities(data_root: DataRootOption = None) -> None:
    """List the cities, their sources and curation overrides.

    Example: MAPCURATE_DATA=../shared/data mapcurate cities
    """
    root = data_root_or_default(data_root)
    table = Table(title=f"Cities (data root: {escape(str(root))})", title_justify="left")
    for header in ("city", "name", "country", "station list", "map", "annotation", "overrides"):
        table.add_column(header)
    bad = []
    for slug in city_slugs():
        try:
            city = load_city(slug)
        except MapcurateError as exc:
            table.add_row(slug, "", "", "", "", "", f"[red]bad manifest: {escape(str(exc))}[/]")
            bad.append(exc)
            continue
        cells = []
        for kind in ("stations", "map", "annotation"):
            if kind not in city.sources:
                cells.append("—")
            elif city.has_source(kind, root):
                cells.append("embedded" if city.sources[kind].embedded else "present")
            else:
                cells.append("[red]missing[/]")
        overrides = {
            "correction": len(city.corrections), "split": len(city.station_splits),
            "alias": sum(map(len, city.aliases.values())), "distinct pair": len(city.distinct),
            "complex": len(city.complexes),
            "loop": sum(bool(v.get("loop")) for v in city.lines.values()),
            "branch": sum("branch" in v for v in city.lines.values()),
            "line name": sum("names" in v for v in city.lines.values()),
            "colour": sum("color" in v for v in city.lines.values()),
            "skipped question family": len(city.question_skips.get("skip", [])),
        }
        summary = ", ".join(plural(n, k) for k, n in overrides.items() if n) or "none"
        table.add_row(slug, escape(city.names["en"]), city.country, *cells, summary)
    console.print(table)
    if bad:
        others = f" (and {plural(len(bad) - 1, 'more manifest')} that cannot be loaded: see the table)" \
            if len(bad) > 1 else ""
        raise MapcurateError(f"{bad[0]}{others}")
