"""`mapcurate export`: questions and maps as training and evaluation files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from curation.cli.common import DataRootOption, console, data_root_or_default, flag, one_line_errors, progress_bar
from curation.cli.tables import plural
from curation.exports.export import FORMATS, LAYOUTS, ExportOptions, run_export


@one_line_errors
def export(
    questions: Annotated[Path, typer.Option(
        "--questions", help="Questions Parquet (gen-questions) or a folder of them.")]
    = Path("exports/questions.parquet"),
    out: Annotated[Path | None, typer.Option("--out", help="Export folder (default: exports/<name>/).")] = None,
    name: Annotated[str, typer.Option("--name", help="Dataset name (folder, card title, adapter file names).")]
    = "mapcurate",
    layout: Annotated[str, typer.Option("--layout", help=f"Also write: {' | '.join(LAYOUTS)} (hf: data/<split>."
                                        "parquet with the map image in every row).")] = "canonical",
    formats: Annotated[str | None, typer.Option("--format", help=f"Comma-separated adapters: {', '.join(FORMATS)}.")]
    = None,
    test_cities: Annotated[str | None, typer.Option(
        "--test-cities", help="Comma-separated test cities (default: the ReasonMap benchmark's 11).")] = None,
    test_fraction: Annotated[float | None, typer.Option(
        "--test-fraction", help="Instead: this share of the cities, drawn with --seed.")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of --test-fraction and --curriculum.")] = 0,
    max_pixels: Annotated[int | None, typer.Option(
        "--max-pixels", min=784, help="Downsize larger maps to at most this many pixels (recorded).")] = None,
    allow_missing_images: Annotated[bool, flag(
        "--allow-missing-images", help="Export questions of cities without a map image, without an image.")] = False,
    curriculum: Annotated[bool, flag(
        "--curriculum", help="Order training formats by stage, shuffled within a stage with --seed.")] = False,
    graphs: Annotated[Path, typer.Option("--graphs", help="Where build-graph wrote <city>/graph.json.")]
    = Path("exports"),
    names: Annotated[str | None, typer.Option(
        "--names", help="Name vocabulary the questions must use: map or benchmark (default: theirs; a mismatch "
        "is refused, since the names are inside the texts: regenerate with gen-questions --names).")] = None,
    figure: Annotated[str, typer.Option(
        "--figure", help="reasonmap adapter's figure column: base64 (the PNG, as the benchmark ships it) or path "
        "(images/<file>).")] = "base64",
    data_root: DataRootOption = None,
) -> None:
    """Export questions with their maps: canonical Parquet (each map stored once), dataset card, adapters.

    Example: mapcurate export --questions exports/questions.parquet --layout hf --format verl,sharegpt
    """
    options = ExportOptions(
        name=name, layout=layout, formats=[f.strip() for f in (formats or "").split(",") if f.strip()],
        test_cities=[c.strip() for c in test_cities.split(",") if c.strip()] if test_cities is not None else None,
        test_fraction=test_fraction, seed=seed, max_pixels=max_pixels, allow_missing_images=allow_missing_images,
        curriculum=curriculum, names=names, figure=figure,
    )
    target = out or Path("exports") / name
    with progress_bar() as bar:
        task = bar.add_task("exporting", total=None)
        document = run_export(questions, target, graphs, data_root_or_default(data_root), options,
                              progress=lambda step: bar.update(task, description=step))
    total = sum(f["bytes"] for f in document["files"].values())
    parts = [plural(document["questions"], "question"), plural(len(document["maps"]), "map")]
    if document["views"]["images"]:
        parts.append(plural(document["views"]["images"], "view image"))
    console.print(f"exported {', '.join(parts[:-1])} and {parts[-1]} to {escape(str(target))} "
                  f"({len(document['files'])} files, {total / 1e6:.1f} MB)")
    for split, cities in document["splits"]["cities"].items():
        console.print(f"  {split}: {', '.join(cities)}")
    too_big = [m["city"] for m in document["maps"] if m["pil_default"] == "error"]
    if too_big:
        console.print(f"[yellow]too large for Pillow's default limit:[/] {', '.join(too_big)} — consumers must raise "
                      "it to a bound (e.g. PIL.Image.MAX_IMAGE_PIXELS = 300_000_000; keep the guard on), or export "
                      "with --max-pixels (e.g. 12845056)")
    if document["missing_images"]["cities"]:
        console.print(f"[yellow]no map image:[/] {', '.join(document['missing_images']['cities'])} "
                      f"({plural(document['missing_images']['questions'], 'question')} without an image)")
