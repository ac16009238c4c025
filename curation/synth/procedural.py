"""Seeded procedural metro networks, built together with their octilinear layout on an integer grid.

Lines are guided random walks of octilinear steps between lattice points; every walk vertex is a
station, and a step between two stations may bend once by 45°. A grid of occupied unit moves,
stations and course interiors keeps the drawing clean by construction: no two track edges share a
unit move, no course passes through a station it does not serve, courses cross only straight
through each other (at 45° or 90°). Interchanges are planned, not found: each line after the first
is aimed through chosen stations of earlier lines (its anchors), so the network is connected and
the number of transfer stations is what the plan says.

Modules: `procedural_spec` (the spec), `procedural_moves` (octilinear steps), `procedural_grid`
(occupancy), `procedural_walk` (one walk), `procedural_lines` (line kinds), `procedural_build` (the plan).
"""

from __future__ import annotations

import random
from dataclasses import asdict

from curation.names import slugify
from curation.network.model import Line, Network, Station
from curation.synth.geometry import Layout, edge_key
from curation.synth.names import NameGenerator, city_name, numbered_line_names
from curation.synth.procedural_build import Builder
from curation.synth.procedural_moves import unit_moves
from curation.synth.procedural_spec import LANGUAGES, PALETTE, NetworkSpec, SpecError
from curation.synth.style import hex_rgb

__all__ = ["LANGUAGES", "PALETTE", "NetworkSpec", "SpecError", "count_crossings", "generate_network"]

_NETWORK_ATTEMPTS = 30


def generate_network(seed: int, spec: NetworkSpec, city: str = "synthetic") -> tuple[Network, Layout]:
    """A random metro network and its octilinear layout, both determined by `seed` and `spec`.

    Raises `SpecError` (a `MapcurateError`) when the spec cannot be met.
    """
    if not isinstance(spec, NetworkSpec):
        raise SpecError(f"`spec` must be a NetworkSpec, but got {type(spec).__name__}")
    rng = random.Random(seed)
    for _ in range(_NETWORK_ATTEMPTS):
        builder = Builder(rng, spec)
        if builder.build():
            return _assemble(builder, seed, spec, city, rng)
    raise SpecError(f"`spec` must be one a network can be laid out for, but got {spec} "
                    f"(no layout after {_NETWORK_ATTEMPTS} attempts with seed {seed})")


def _assemble(builder: Builder, seed: int, spec: NetworkSpec, city: str,
              rng: random.Random) -> tuple[Network, Layout]:
    grid = builder.grid
    names_rng = random.Random(rng.getrandbits(64))
    generator = NameGenerator(names_rng, spec.language)
    points_in_order = list(dict.fromkeys(p for rides in builder.rides for ride in rides for p in ride))
    names = {p: generator.station() for p in points_in_order}
    ids = {p: slugify(name) for p, name in names.items()}
    languages = ["zh", "en"] if spec.language == "zh" else ["en"]
    shuffled = list(PALETTE)
    names_rng.shuffle(shuffled)
    colours = distinct_colours(shuffled, spec.lines)
    numbers = list(range(1, spec.lines + 1))
    names_rng.shuffle(numbers)
    by_colour = spec.language == "en" and names_rng.random() < 0.5
    lines: dict[str, Line] = {}
    stations: dict[str, Station] = {}
    for index, rides in enumerate(builder.rides):
        colour_name, colour = colours[index]
        line_names = {"en": f"{colour_name} Line"} if by_colour else numbered_line_names(numbers[index], languages)
        line_id = slugify(line_names["en"])
        if line_id[0].isdigit() or len(line_id) <= 2:
            line_id = f"line-{line_id}"
        variants = [[ids[p] for p in ride] for ride in rides]
        lines[line_id] = Line(id=line_id, names=line_names, variants=variants, color=colour,
                              loop=index < spec.loops, source_name=line_names["en"])
        for p in dict.fromkeys(p for ride in rides for p in ride):
            sid = ids[p]
            if sid not in stations:
                stations[sid] = Station(id=sid, names={spec.language: names[p]}, source_names=[names[p]])
            stations[sid].lines.append(line_id)
    for station in stations.values():
        station.lines.sort()
        station.marked_transfer = len(station.lines) >= 2
    points = points_in_order + [q for course in grid.courses.values() for q in course]
    x0, y0 = min(p[0] for p in points), min(p[1] for p in points)
    positions = {ids[p]: (float(p[0] - x0), float(p[1] - y0)) for p in points_in_order}
    edges: dict[tuple[str, str], tuple[tuple[float, float], ...]] = {}
    for (a, b), course in grid.courses.items():
        key = edge_key(ids[a], ids[b])
        oriented = course if key[0] == ids[a] else tuple(reversed(course))
        edges[key] = tuple((float(x - x0), float(y - y0)) for x, y in oriented)
    names_city = city_name(names_rng, spec.language)
    network = Network(
        city=city, country="synthetic",
        city_names=names_city,
        languages=languages, stations=dict(sorted(stations.items())), lines=lines,
        sources={"procedural": {"seed": seed, "spec": _spec_dict(spec)}},
    )
    return network, Layout(positions=dict(sorted(positions.items())), edges=dict(sorted(edges.items())))


def _spec_dict(spec: NetworkSpec) -> dict[str, object]:
    data = asdict(spec)
    data["stations_per_line"] = list(spec.stations_per_line)
    return data


def distinct_colours(candidates: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    """`count` colours, each the candidate farthest from those already chosen (the first as given)."""
    def distance(a: str, b: str) -> float:  # "redmean" weighted RGB distance, close to perceived difference
        (r1, g1, b1), (r2, g2, b2) = hex_rgb(a), hex_rgb(b)
        mean = (r1 + r2) / 2
        red, green, blue = (r1 - r2) ** 2, (g1 - g2) ** 2, (b1 - b2) ** 2
        root: float = ((2 + mean / 256) * red + 4 * green + (2 + (255 - mean) / 256) * blue) ** 0.5
        return root

    chosen = candidates[:1]
    rest = candidates[1:]
    while len(chosen) < count and rest:
        best = max(rest, key=lambda c: min(distance(c[1], other[1]) for other in chosen))
        chosen.append(best)
        rest.remove(best)
    return chosen


def count_crossings(layout: Layout) -> int:
    """How many times two courses of different track edges cross (away from stations)."""
    at: dict[tuple[int, int], int] = {}
    diagonal: dict[tuple[int, int], int] = {}
    total = 0
    for course in layout.edges.values():
        points = tuple((round(x), round(y)) for x, y in course)
        for a, b in unit_moves(points):
            if b != points[-1]:
                total += at.get(b, 0)
                at[b] = at.get(b, 0) + 1
            if a[0] != b[0] and a[1] != b[1]:
                centre = (a[0] + b[0], a[1] + b[1])
                total += diagonal.get(centre, 0)
                diagonal[centre] = diagonal.get(centre, 0) + 1
    return total
