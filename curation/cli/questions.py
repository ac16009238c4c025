"""`mapcurate gen-questions`: questions with gold answers from built networks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.progress import MofNCompleteColumn
from rich.table import Table

from curation.cities import City
from curation.cli.common import (
    AllOption,
    CityOption,
    DataRootOption,
    console,
    data_root_or_default,
    one_line_errors,
    progress_bar,
    selected_cities,
)
from curation.cli.tables import plural
from curation.errors import MapcurateError, OutputError, SourceError
from curation.network.build import GRAPH_FILE, check_fresh, city_station_list, load_network
from curation.network.model import Network
from curation.questions.generator import DEFAULT_QUOTA, FAMILIES, CityQuestions, generate_city, parse_quota
from curation.questions.records import write_questions
from curation.questions.vocabulary import check_names

QUESTIONS_FILE = "questions.parquet"


@one_line_errors
def gen_questions(
    city: CityOption = None,
    all_cities: AllOption = False,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="Seed of every random choice.")] = 0,
    families: Annotated[str | None, typer.Option(
        "--families", help=f"Comma-separated families (default all): {', '.join(FAMILIES)}.")] = None,
    per_map: Annotated[list[str] | None, typer.Option(
        "--per-map", help="FAMILY=N questions per map (planning: station pairs), repeatable.")] = None,
    quota: Annotated[str, typer.Option(
        "--quota", help="Proportions easy:medium:hard of the route pairs (transfers 0 / 1 / 2+).")]
    = ":".join(map(str, DEFAULT_QUOTA)),
    graphs: Annotated[Path, typer.Option("--graphs", help="Where build-graph wrote <city>/graph.json.")]
    = Path("exports"),
    out: Annotated[Path | None, typer.Option(
        "--out", help=f"Folder to write into: <out>/<city>/{QUESTIONS_FILE}, or <out>/{QUESTIONS_FILE} with --all "
        "(default: --graphs).")] = None,
    names: Annotated[str, typer.Option(
        "--names", help="Name vocabulary: map (as the map prints them) or benchmark (the ReasonMap station list's "
        "line keys and station strings, as its evaluator reads them).")] = "map",
    data_root: DataRootOption = None,
) -> None:
    """Generate difficulty-labelled questions with gold answers computed from each city's graph.json.

    A graph whose station list or annotation changed since it was built is refused: rebuild it first.
    `--names benchmark` writes the names the ReasonMap benchmark's evaluator knows (`Line 4`, `Azul`).

    Example: mapcurate gen-questions --all --seed 7
    """
    chosen = [f.strip() for f in families.split(",") if f.strip()] if families is not None else None
    if chosen == []:
        raise MapcurateError("--families names no family")
    counts = _parse_per_map(per_map or [])
    quota_levels = parse_quota(quota)
    vocabulary = check_names(names)
    cities = selected_cities(city, all_cities)
    root = data_root_or_default(data_root)
    networks = [_load_graph(graphs, c, root) for c in cities]
    skips = {c.slug: c.question_skips.get("skip", []) for c in cities}
    raws = {c.slug: city_station_list(c, root) for c in cities} if vocabulary == "benchmark" else {}
    target = questions_target(out or graphs, None if all_cities else cities[0].slug)
    results = []
    with progress_bar(MofNCompleteColumn(), show=len(networks) > 1) as progress:
        task = progress.add_task("generating", total=len(networks))
        for network in networks:
            progress.update(task, description=network.city)
            skip = skips.get(network.city, [])
            results.append(generate_city(network, seed=seed, families=chosen, per_map=counts, quota=quota_levels,
                                         skip=skip, names=vocabulary, raw=raws.get(network.city)))
            progress.advance(task)
    questions = [q for r in results for q in r.questions]
    write_questions(questions, target)
    console.print(summary_table(results))
    for note in shortfall_notes(results):
        console.print(f"[yellow]short:[/] {escape(note)}")
    console.print(f"wrote {plural(len(questions), 'question')} to {escape(str(target))} (seed {seed}, "
                  f"{vocabulary} names)")


def _load_graph(graphs: Path, city: City, data_root: Path) -> Network:
    path = graphs / city.slug / GRAPH_FILE
    if not path.is_file():
        raise SourceError(f"no network built yet: run `mapcurate build-graph --city {city.slug} --out {graphs}` "
                          "first", path)
    network = load_network(path)
    check_fresh(city, data_root, network.sources, path)
    return network


def questions_target(out: Path, slug: str | None) -> Path:
    """`<out>/<slug>/questions.parquet`, or `<out>/questions.parquet` for every city; `out` must be a folder."""
    if out.suffix == ".parquet" or out.is_file():
        raise OutputError(f"--out is the folder to write into (the file is <out>/{QUESTIONS_FILE} or "
                          f"<out>/<city>/{QUESTIONS_FILE}), not a file", out)
    return out / QUESTIONS_FILE if slug is None else out / slug / QUESTIONS_FILE


def _parse_per_map(items: list[str]) -> dict[str, int]:
    counts = {}
    for item in items:
        name, _, number = item.partition("=")
        if name not in FAMILIES:
            raise MapcurateError(f"--per-map takes FAMILY=N with a family of {', '.join(FAMILIES)}, but got {item!r}")
        if not (number.isascii() and number.isdigit()):
            raise MapcurateError(f"--per-map {name}=N needs N, a whole number of questions (0 or more), but got "
                                 f"{number!r}")
        counts[name] = int(number)
    return counts


def summary_table(results: list[CityQuestions]) -> Table:
    """Per city: route pairs by difficulty, detail questions, map level."""
    table = Table(title="Questions", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for header in ("city", "map", "route pairs", "easy", "medium", "hard", "detail", "rows"):
        table.add_column(header, justify="left" if header in ("city", "map") else "right", no_wrap=True)
    for r in results:
        detail = sum(1 for q in r.questions if q.family != "planning")
        table.add_row(r.city, r.map_level, str(r.produced.get("planning", 0)),
                      *map(str, r.planning_levels), str(detail), str(len(r.questions)))
    return table


def shortfall_notes(results: list[CityQuestions]) -> list[str]:
    """One line per family: the cities that produced fewer than requested (the network has no more
    distinct cases), and for route pairs the levels filled from the next level down."""
    notes = []
    skipped = [f"{r.city} ({', '.join(r.skipped)})" for r in results if r.skipped]
    if skipped:
        notes.append("skipped as the manifest says (the map draws lines the station list lacks): " + ", ".join(skipped))
    planning = [f"{r.city} {'/'.join(map(str, r.planning_shortfall))}" for r in results if any(r.planning_shortfall)]
    if planning:
        notes.append("planning quota (easy/medium/hard pairs missing, filled from the level below): "
                     + ", ".join(planning))
    for family in FAMILIES:
        short = [f"{r.city} {r.produced.get(family, 0)}/{r.requested[family]}" for r in results
                 if family != "planning" and family in r.requested and r.produced.get(family, 0) < r.requested[family]]
        if short:
            notes.append(f"{family} (made/asked): " + ", ".join(short))
    return notes
