"""`mapcurate annotate serve | push | pull | agreement`: a city's map annotated in Label Studio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import MofNCompleteColumn, TaskID

from curation.cities import load_city, with_annotation
from curation.cli.common import (
    AnnotationOption,
    DataRootOption,
    console,
    data_root_or_default,
    one_line_errors,
    progress_bar,
)
from curation.cli.tables import plural
from curation.errors import MapcurateError

app = typer.Typer(help="Annotate a city's map in Label Studio: a local server, push, pull, agreement.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

CityArg = Annotated[str, typer.Option("--city", help="City slug, e.g. hangzhou.")]
UrlOption = Annotated[str, typer.Option(
    "--url", envvar="LABEL_STUDIO_URL", help="The Label Studio server, e.g. http://127.0.0.1:8080.")]
TokenOption = Annotated[str, typer.Option(
    "--token", envvar="LABEL_STUDIO_API_KEY", show_default=False,
    help="Your API token (Label Studio: Account & Settings). Never written to disk.")]
OutOption = Annotated[Path, typer.Option(
    "--out", help="The output root: session files go to <out>/<city>/labelstudio/.")]


@one_line_errors
def serve(
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="The server's database and uploads (default: <data root>/labelstudio).",
        file_okay=False)] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1.")] = 8080,
    data_root: DataRootOption = None,
    username: Annotated[str, typer.Option(
        "--username", envvar="LABEL_STUDIO_USERNAME", help="The login (an e-mail address).")] = "",
    password: Annotated[str, typer.Option(
        "--password", envvar="LABEL_STUDIO_PASSWORD", show_default=False,
        help="The login's password (at least 8 characters).")] = "",
    token: Annotated[str, typer.Option(
        "--token", envvar="LABEL_STUDIO_API_KEY", show_default=False,
        help="The API token push and pull use (made and printed when not given).")] = "",
) -> None:
    """Run a local Label Studio server on 127.0.0.1 (its own venv, made on first use) until Ctrl-C.

    Example: LABEL_STUDIO_USERNAME=me@example.com LABEL_STUDIO_PASSWORD=… mapcurate annotate serve
    """
    from curation.labelstudio.server import serve as run

    folder = data_dir if data_dir is not None else data_root_or_default(data_root) / "labelstudio"
    run(folder, port=port, username=username, password=password, token=token or None)


@one_line_errors
def push(
    city: CityArg,
    url: UrlOption,
    token: TokenOption,
    data_root: DataRootOption = None,
    out: OutOption = Path("exports"),
    max_task_pixels: Annotated[int, typer.Option(
        "--max-task-pixels", min=1, help="Maps with more pixels are cut into overlapping tiles, a task each.")]
    = 4096 * 4096,
    tile_size: Annotated[int, typer.Option("--tile-size", min=1024, help="The tiles' side in pixels.")] = 4096,
    annotation: AnnotationOption = None,
) -> None:
    """Create or update the city's project and upload its map (tiled when large) with pre-annotations.

    The pre-annotations come from --annotation (e.g. exports/<city>/prelabel/annotation.json), else the city's
    annotation file, else the network's station positions.

    Example: mapcurate annotate push --city hangzhou --url http://127.0.0.1:8080
    """
    from curation.labelstudio.session import push as run

    chosen = load_city(city) if annotation is None else with_annotation(load_city(city), annotation)

    with progress_bar(MofNCompleteColumn()) as progress:
        bars: dict[str, TaskID] = {}

        def step(what: str, done: int, total: int) -> None:
            if what not in bars:
                bars[what] = progress.add_task(f"{city}: {what}", total=total)
            progress.update(bars[what], completed=done)

        report = run(chosen, data_root_or_default(data_root), url=url, token=token, out=out,
                     max_task_pixels=max_task_pixels, tile_size=tile_size, on_step=step)
    verb = "created" if report.project_created else "updated"
    source = {"annotation": "the city's annotation", "network": "the network's station positions"}.get(
        str(report.predictions_source), "none")
    console.print(f"{verb} project {report.project_id} at {escape(report.url)}/projects/{report.project_id}: "
                  f"{plural(report.tiles, 'task')} ({report.tasks_created} new), "
                  f"{plural(report.predictions_created, 'new prediction')} "
                  f"({escape(str(report.model_version or 'no pre-annotation'))}, from {source}, "
                  f"{plural(report.stations, 'station')})")
    console.print(f"project record: {escape(str(report.record))}")


@one_line_errors
def pull(
    city: CityArg,
    url: UrlOption,
    token: TokenOption,
    out: OutOption = Path("exports"),
    annotator: Annotated[str | None, typer.Option(
        "--annotator", help="Only this annotator's work (an e-mail); default: each task's latest annotation.")]
    = None,
) -> None:
    """Export the city's project in full and convert it to an annotation file in full-image pixels.

    Example: mapcurate annotate pull --city hangzhou --url http://127.0.0.1:8080
    """
    from curation.labelstudio.session import pull as run

    report = run(load_city(city), url=url, token=token, out=out, annotator=annotator)
    console.print(f"pulled {plural(report.annotated, 'annotated task')} of {report.tasks} from project "
                  f"{report.project_id} ({', '.join(map(escape, report.annotators))}): "
                  f"{plural(report.stations, 'station')}, {plural(report.lines, 'line')}")
    if report.unannotated:
        console.print(f"not annotated yet: {plural(len(report.unannotated), 'task')} "
                      f"({', '.join(map(str, report.unannotated[:10]))})")
    console.print(f"  export     {escape(str(report.export_path))}\n  annotation {escape(str(report.annotation_path))}")
    console.print(f"build it: mapcurate build-graph --city {city} --annotation {escape(str(report.annotation_path))}")


@one_line_errors
def agreement(
    city: CityArg,
    out: OutOption = Path("exports"),
    annotators: Annotated[str | None, typer.Option(
        "--annotators", help="The two annotators to compare, 'a@x,b@y' (default: the two in the export).")] = None,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", min=0.0, help="px within which two annotators' stations are the same station.")] = None,
) -> None:
    """Compare two annotators' sessions of the city (from the export `pull` kept): stations, names, lines.

    Example: mapcurate annotate agreement --city hangzhou
    """
    from curation.atomic import write_json_atomic
    from curation.labelstudio.agreement import agreement_tables, compare
    from curation.labelstudio.session import session_annotations, session_folder

    pair = None
    if annotators is not None:
        names = [n.strip() for n in annotators.split(",") if n.strip()]
        if len(names) != 2:
            raise MapcurateError(f"--annotators must name two annotators, 'a@x,b@y', but got {annotators!r}")
        pair = (names[0], names[1])
    loaded = load_city(city)
    first, second = session_annotations(loaded, out, pair)
    result = compare(first, second, threshold=threshold)
    path = session_folder(loaded, out) / "agreement.json"
    write_json_atomic(path, result.to_dict())
    for table in agreement_tables(result):
        console.print(table)
    console.print(f"wrote {escape(str(path))}")
