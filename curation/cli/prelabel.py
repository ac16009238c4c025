"""`mapcurate prelabel --city X | --all`: a city's map read into a proposed annotation for review."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.markup import escape
from rich.progress import MofNCompleteColumn, Progress, TaskID
from rich.table import Table

from curation.cli.common import (
    AllOption,
    CityOption,
    DataRootOption,
    OutOption,
    console,
    data_root_or_default,
    one_line_errors,
    progress_bar,
    selected_cities,
)
from curation.errors import MapcurateError


@one_line_errors
def prelabel(
    city: CityOption = None,
    all_cities: AllOption = False,
    data_root: DataRootOption = None,
    out: OutOption = Path("exports"),
) -> None:
    """Propose every station's marker, name and kind on the city's map: <out>/<city>/prelabel/.

    Writes annotation.json (for `annotate push --annotation`: the proposal as predictions to correct),
    summary.json and overlay.png.
    With --all, every city whose map is in the data root.

    Example: mapcurate prelabel --city washington --data-root ../shared/data
    """
    from curation.vision.prelabel import prelabel as run

    root = data_root_or_default(data_root)
    cities = selected_cities(city, all_cities)
    if all_cities:
        cities = [c for c in cities if "map" in c.sources and c.has_source("map", root)]
        if not cities:
            raise MapcurateError("no city has its map here; check --data-root / MAPCURATE_DATA", root)
    table = Table("city", "read at", "markers", "texts", "named", "on a marker", "on a line", "unnamed markers",
                  "reference", "recall", title="prelabel")
    for one in cities:
        with progress_bar(MofNCompleteColumn()) as progress:
            report = run(one, root, out=out, on_step=_stepper(progress, one.slug))
        table.add_row(report.city, f"{report.scale:g}×", str(report.markers), str(report.texts), str(report.named),
                      str(report.on_marker), str(report.named - report.on_marker), str(report.unnamed),
                      str(report.reference), f"{report.recall:.2f}")
        console.print(f"{report.city}: {escape(str(report.folder))}/annotation.json, summary.json, overlay.png")
    console.print(table)


def _stepper(progress: Progress, slug: str) -> Callable[[str, int, int], None]:
    """A bar per step (markers, text), each counting tiles."""
    bars: dict[str, TaskID] = {}

    def step(what: str, done: int, total: int) -> None:
        if what not in bars:
            bars[what] = progress.add_task(f"{slug}: {what}", total=total)
        progress.update(bars[what], completed=done)

    return step
