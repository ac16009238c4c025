"""`mapcurate fetch-sources`: download station lists and maps into the data root."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import DownloadColumn, TaskID, TransferSpeedColumn
from rich.table import Table

from curation.cli.common import (
    AllOption,
    CityOption,
    DataRootOption,
    console,
    data_root_or_default,
    flag,
    one_line_errors,
    print_error,
    progress_bar,
    selected_cities,
)
from curation.fetch import fetch_city, mirror_base


class SourceKind(StrEnum):
    """The sources a city manifest can name."""

    stations = "stations"
    map = "map"


@one_line_errors
def fetch_sources(
    city: CityOption = None,
    all_cities: AllOption = False,
    data_root: DataRootOption = None,
    mirror: Annotated[str | None, typer.Option(
        "--mirror", help="A copy of the data root (http(s):// or file:// URL, or a folder) to read instead "
        "of the upstream URLs.")] = None,
    only: Annotated[SourceKind | None, typer.Option("--only", help="Fetch only this source.")] = None,
    force: Annotated[bool, flag("--force", help="Download again even if present.")] = False,
) -> None:
    """Download a city's station list and map into the data root, verified by sha256.

    Example: mapcurate fetch-sources --city hangzhou --data-root ~/mapcurate-data
    """
    kinds = (only.value,) if only else tuple(SourceKind)
    root = data_root_or_default(data_root)
    base = mirror_base(mirror) if mirror is not None else None
    targets = selected_cities(city, all_cities)
    if not any(s.embedded is None for t in targets for s in t.sources.values()):
        console.print(f"nothing to fetch: {', '.join(t.slug for t in targets)} has only embedded sources")
        return
    results = []
    with progress_bar(DownloadColumn(), TransferSpeedColumn()) as progress:
        for target in targets:
            task = progress.add_task(target.slug, total=None)

            def show(done: int, total: int | None, t: TaskID = task) -> None:
                progress.update(t, completed=done, total=total)

            results += fetch_city(target, root, kinds=kinds, mirror=base, force=force, keep_going=True, progress=show)
            progress.remove_task(task)
    table = Table(title=f"Sources in {escape(str(root))}", title_justify="left")
    for header in ("city", "source", "status", "sha256", "path"):
        table.add_column(header, overflow="fold")
    for r in results:
        status = _STATUS.get(r.status, r.status)
        table.add_row(r.city, r.kind, status, r.sha256[:16], escape(str(r.path)))
    console.print(table)
    failures = [r.error for r in results if r.error is not None]
    for error in failures:
        print_error(error)
    if failures:
        raise typer.Exit(2)


_STATUS = {
    "unverified": "[yellow]unverified (no pinned sha256)[/]",
    "modified": "[yellow]modified: not the pinned version, kept (--force replaces it)[/]",
    "failed": "[bold red]failed[/]",
}
