"""`mapcurate render` and `mapcurate overlay`: draw maps with exact ground truth; review a network on its map."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from curation.cities import load_city
from curation.cli.common import CityOption, DataRootOption, console, data_root_or_default, flag, one_line_errors
from curation.errors import MapcurateError
from curation.network.build import GRAPH_FILE, build_network, load_network
from curation.overlay import DEFAULT_MAX_SIDE, write_overlay
from curation.synth.make import RenderResult, render_city, render_synthetic
from curation.synth.procedural import NetworkSpec
from curation.synth.render import RenderOptions

_SPEC = NetworkSpec()
SPAN_DEFAULT = f"{_SPEC.stations_per_line[0]}:{_SPEC.stations_per_line[1]}"
GraphsOption = Annotated[Path, typer.Option("--graphs", help="Where build-graph wrote <city>/graph.json.")]


@one_line_errors
def render(
    out: Annotated[Path, typer.Option("--out", help="Folder to write cities/<slug>/ and data/ into.")],
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="Seed of the network, layout and names.")]
    = 0,
    city: Annotated[str | None, typer.Option(
        "--city", help="Draw this city's canonical network instead of a procedural one.")] = None,
    rename: Annotated[bool, flag(
        "--rename", help="With --city: replace every station and line name by generated ones.")] = False,
    lines: Annotated[int, typer.Option("--lines", min=1, help="Procedural: number of lines.")] = _SPEC.lines,
    stations_per_line: Annotated[str, typer.Option(
        "--stations-per-line", help="Procedural: MIN:MAX stations per line.")] = SPAN_DEFAULT,
    loops: Annotated[int, typer.Option("--loops", min=0, help="Procedural: how many lines are loops.")] = 0,
    branches: Annotated[int, typer.Option("--branches", min=0, help="Procedural: how many lines fork (Y).")] = 0,
    shared_track: Annotated[int, typer.Option(
        "--shared-track", min=0, help="Procedural: line pairs that share a run of track.")] = 0,
    language: Annotated[str, typer.Option("--language", help="Procedural: station names in en or zh.")]
    = _SPEC.language,
    megapixels: Annotated[float | None, typer.Option(
        "--megapixels", min=0.01, max=200, help="Size of the image (default: the scale's natural size).")] = None,
    scale: Annotated[float, typer.Option("--scale", min=0.1, help="Multiplies every drawn size.")] = 1.0,
    slug: Annotated[str | None, typer.Option("--slug", help="Procedural: the city's slug (default: its name).")]
    = None,
    graphs: GraphsOption = Path("exports"),
    data_root: DataRootOption = None,
) -> None:
    """Draw a metro map with exact ground truth and write it as a city (manifest, station list, PNG, annotation).

    Examples: mapcurate render --seed 7 --lines 6 --loops 1 --branches 1 --out synth;
    mapcurate render --city hangzhou --rename --out synth; then
    MAPCURATE_CITIES=synth/cities MAPCURATE_DATA=synth/data mapcurate build-graph --city <slug>
    """
    options = RenderOptions(scale=scale, megapixels=megapixels, label_seed=seed)
    if city is None:
        if rename:
            raise MapcurateError("--rename goes with --city")
        low, colon, high = stations_per_line.partition(":")
        try:
            bounds = (int(low), int(high))
            if not colon:
                raise ValueError
        except ValueError:
            raise MapcurateError(f"--stations-per-line must be MIN:MAX, but got {stations_per_line!r}") from None
        spec = NetworkSpec(lines=lines, stations_per_line=bounds, loops=loops, branches=branches,
                           shared_track=shared_track, language=language)
        result = render_synthetic(out, seed, spec, options, slug=slug)
    else:
        default = NetworkSpec()
        procedural = {"--lines": lines != default.lines, "--stations-per-line": stations_per_line != SPAN_DEFAULT,
                      "--loops": loops != default.loops, "--branches": branches != default.branches,
                      "--shared-track": shared_track != default.shared_track,
                      "--language": language != default.language, "--slug": slug is not None}
        given = [name for name, used in procedural.items() if used]
        if given:
            raise MapcurateError(f"{', '.join(given)} shape a procedural network; with --city the city's own "
                                 "network and names are drawn")
        chosen = load_city(city)
        path = graphs / chosen.slug / GRAPH_FILE
        if path.is_file():
            network = load_network(path)
        else:
            built = build_network(chosen, data_root_or_default(data_root))
            if not built.ok:
                raise MapcurateError(f"{chosen.slug}'s network has errors: run `mapcurate build-graph --city "
                                     f"{chosen.slug}` to see them")
            network = built.network
        result = render_city(chosen, network, out, rename=rename, seed=seed, options=options)
    _report(result, out)


def _report(result: RenderResult, out: Path) -> None:
    stats = result.stats
    console.print(f"rendered {result.kind} map of {escape(result.written.slug)}: {stats.get('width')} × "
                  f"{stats.get('height')} px, {len(result.network.stations)} stations, "
                  f"{len(result.network.lines)} lines, {stats.get('label_overlaps', 0)} label overlaps")
    for kind in ("manifest", "stations", "map", "annotation"):
        console.print(f"  {kind:<10} {escape(str(getattr(result.written, kind)))}")
    console.print(f"build it: MAPCURATE_CITIES={escape(str(out / 'cities'))} "
                  f"MAPCURATE_DATA={escape(str(out / 'data'))} mapcurate build-graph --city {result.written.slug}")


@one_line_errors
def overlay(
    city: CityOption = None,
    graphs: GraphsOption = Path("exports"),
    data_root: DataRootOption = None,
    max_side: Annotated[int, typer.Option("--max-side", help="Longest side of the overlay in pixels.")]
    = DEFAULT_MAX_SIDE,
) -> None:
    """Draw a city's network (stations, names, lines, findings) over its map: <graphs>/<city>/overlay.png.

    Example: mapcurate overlay --city demo
    """
    if city is None:
        raise MapcurateError("give --city SLUG")
    target = write_overlay(load_city(city), data_root_or_default(data_root), graphs, max_side=max_side)
    console.print(f"wrote {escape(str(target))}")
