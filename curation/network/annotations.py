"""Import an annotation of a city's map image (`curation.annotations`) into the canonical model.

Stations are the annotated marks; each line trace's polylines are projected onto them:

- **On a polyline.** A station belongs to a polyline when its `pos` lies within its tolerance of
  it: the marker's half-size (`Marker.radius`) plus `SLACK` px; a station without a marker uses
  the median marker radius of the document (`DEFAULT_RADIUS` px when no station has a marker).
  Its place in the ride is where the polyline passes it (`LineString.project`), so the riding
  order is the polyline's direction.
- **Loop.** A polyline whose two ends meet — both within the tolerance of one station, or within
  `SEAM` px of each other when no station is there — is a loop: its stations once each, starting
  where the trace starts.
- **Variants.** Each polyline of a line is one variant (ride) by default: a Y-shaped line traced
  as two full rides sharing the trunk gives those two rides.
- **Pieces.** Two polylines that share exactly one station, an end of each, are one ride traced in
  two pieces and are joined (in the direction of the earlier polyline).
- **Branch.** A polyline that shares exactly one station with another polyline of the line, an end
  of its own and interior on the other, is a branch traced from the fork outward (reversed when
  traced inward): its ride is the other polyline's part up to the fork — the other polyline's
  first arm, as ReasonMap's `shared = prefix` — followed by the branch (an `info` finding says so).
- Variants after the first are turned to start where the first starts when that makes them share
  more of it; a ride repeated (the same stops, or reversed, or a loop rotated) is kept once.

Ids: a mark's or trace's `network_id` when given, else a slug of the station's name in the city's
`station_language` label (`curation.names.stable_ids`, as the station-list importer) or of the
line's English name (`line-` before bare numbers, as ReasonMap's `Line 1` → `line-1`). Two marks
of one name without `network_id` are two stations: `<slug>-<group>` when a manifest
`[[station_splits]]` group names a line through each (as the station-list importer does), else
`<slug>-<mark id>` with a warning.
Manifest overrides: `corrections` apply to label text, `aliases` to the corrected
`station_language` name, `[lines."<name>"]` (names, aliases, color, note) to the trace one of whose
names (or whose override names or aliases) is `<name>`; `loop` and `branch` describe a station
list and are not used here. When the city also has a station list the overrides may be written
for it, so overrides that match nothing in the annotation are not reported then.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import shapely

from curation.annotations.model import Annotation, LineTrace, StationMark, format_point
from curation.cities import City
from curation.images import map_source
from curation.names import match_key, parse_source_name, slugify, stable_ids, without_parentheticals
from curation.network.crosscheck import ride_key
from curation.network.model import Line, Network, Station
from curation.network.quality import FindingList

_Geometries = npt.NDArray[np.object_]  # an array of shapely geometries

SLACK = 1.5
"""px added to a station's marker radius: how far from a marker's edge a traced line may pass."""
DEFAULT_RADIUS = 4.0
"""px: the marker radius of a station without a marker in a document where no station has one."""
SEAM = 2.0
"""px: how close a polyline's two ends must be to close a loop where no station is at its ends."""

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class _Ride:
    """The marks one polyline (or several joined) passes, in riding order."""

    stops: list[str]
    loop: bool
    polylines: tuple[int, ...]


@dataclass
class _Traced:
    """One line trace with its override, names and rides (as mark ids)."""

    trace: LineTrace
    key: str | None
    override: dict[str, Any]
    names: dict[str, str]
    label: str
    rides: list[_Ride]


def import_annotation(city: City, annotation: Annotation) -> tuple[Network, FindingList]:
    """Build the canonical network of `city` from `annotation`, with the findings about it."""
    out = FindingList(city.slug)
    reference = "stations" in city.sources
    marks = sorted(annotation.stations, key=lambda m: m.id)
    used: set[str] = set()
    named = {m.id: _mark_names(city, m, used) for m in marks}
    primary = {m.id: _primary(city, m, named[m.id][0], out) for m in marks}
    label_of = {m.id: primary[m.id] or m.id for m in marks}
    traced = _trace_lines(city, annotation, marks, label_of, reference, out)
    on_lines: dict[str, set[str]] = defaultdict(set)
    for item in traced:
        for ride in item.rides:
            for mark_id in ride.stops:
                on_lines[mark_id] |= {item.label, *item.trace.names.values()}
    station_of, disambiguation = _station_ids(city, marks, primary, on_lines, out)
    stations = _build_stations(city, marks, named, primary, station_of, disambiguation, reference, used, out)
    lines = _build_lines(traced, station_of, out)
    for line in lines.values():
        for sid in line.station_ids:
            stations[sid].lines.append(line.id)
    for station in stations.values():
        station.lines.sort()
    tolerance = _tolerances(annotation)
    for mark in marks:
        station = stations[station_of[mark.id]]
        if not station.lines:
            out.add("error", "annotation-station-unserved",
                    f"{_label(station)} ({station.id}, mark {mark.id!r} at {format_point(mark.pos)}) lies on no "
                    f"traced line (tolerance {tolerance[mark.id]:g} px)",
                    "trace the line(s) through its marker, or fix its pos / marker box; remove the mark if the "
                    "map does not draw a station here", station=_label(station))
    network = Network(city=city.slug, country=city.country, city_names=dict(city.names),
                      languages=list(city.languages), stations=stations, lines=lines,
                      image=annotation.image.to_dict())
    return network, out


def check_image(city: City, annotation: Annotation, data_root: Path) -> FindingList:
    """`annotation-image-mismatch` when the city's map (if present) is not the image the annotation is of."""
    out = FindingList(city.slug)
    source = map_source(city, data_root)
    if source is not None and source.path.is_file():
        path = source.path
        info = source.inspect()  # pin, integrity and pixel bound checked: a bad map stops the build
        image = annotation.image
        if (info.sha256, info.width, info.height) != (image.sha256, image.width, image.height):
            out.add("error", "annotation-image-mismatch",
                    f"the annotation's positions are pixels of an image with sha256 {image.sha256} "
                    f"({image.file_name}, {image.width} × {image.height}), "
                    f"but the map {path.name} has sha256 {info.sha256} ({info.width} × {info.height})",
                    "annotate the city's map itself (a resized or re-encoded copy is another image), or point "
                    "[sources.map] at the image that was annotated")
    return out


# Stations ------------------------------------------------------------------------------------------


def _build_stations(city: City, marks: list[StationMark], named: dict[str, tuple[dict[str, str], list[str]]],
                    primary: dict[str, str | None], station_of: dict[str, str], disambiguation: dict[str, str],
                    reference: bool, used: set[str], out: FindingList) -> dict[str, Station]:
    stations: dict[str, Station] = {}
    for mark in marks:
        names, aliases = named[mark.id]
        sid = station_of[mark.id]
        label = disambiguation.get(mark.id)
        if label and primary[mark.id]:
            aliases = [*aliases, f"{primary[mark.id]} ({label})"]
        stations[sid] = Station(
            id=sid, names=names or {city.station_language: mark.id}, aliases=aliases, disambiguation=label,
            source_names=sorted({lbl.text for lbl in mark.labels.values()}) or [mark.id],
            marked_transfer=mark.kind == "interchange", pos=(float(mark.pos[0]), float(mark.pos[1])),
            marker=None if mark.marker is None else mark.marker.box, label=mark.label_box)
    by_name: dict[str, list[Station]] = defaultdict(list)
    for mark in marks:
        if primary[mark.id]:
            by_name[match_key(primary[mark.id] or "")].append(stations[station_of[mark.id]])
    for name, extra in sorted(city.aliases.items()):
        for target in by_name.get(match_key(name), []):
            target.aliases.extend(extra)
        if match_key(name) not in by_name and not reference:
            out.add("error", "override-unknown-station", f"aliases name {name!r}, which no station label reads",
                    "use the station's label after corrections", station=name)
    if not reference:
        for wrong in sorted(set(city.corrections) - used):
            out.add("error", "override-unknown-station", f"correction names {wrong!r}, which no station label reads",
                    f"fix or remove `corrections.{wrong!r}` in {city.manifest_path.name}", station=wrong)
    return stations


def _mark_names(city: City, mark: StationMark, used: set[str]) -> tuple[dict[str, str], list[str]]:
    """The mark's names per language (corrections applied) and the aliases that come with them."""
    names: dict[str, str] = {}
    aliases: list[str] = []
    first = sorted(mark.labels.items(), key=lambda item: (item[0] != city.station_language, item[0]))
    for lang, label in first:
        printed = parse_source_name(label.text).name
        name = city.corrections.get(printed, printed)
        if name != printed:
            used.add(printed)
            aliases.append(printed)
        names[lang] = name
        plain = without_parentheticals(name)
        if plain != name:
            aliases.append(plain)
    return names, aliases


def _primary(city: City, mark: StationMark, names: dict[str, str], out: FindingList) -> str | None:
    """The name the id is made from: the `station_language` label, else the first label."""
    if city.station_language in names:
        return names[city.station_language]
    if not names:
        out.add("error", "annotation-station-unnamed",
                f"mark {mark.id!r} at {format_point(mark.pos)} has no label", "add its label as the map prints it",
                station=mark.network_id or mark.id)
        return None
    lang = next(iter(names))
    out.add("warning", "annotation-label-missing",
            f"{names[lang]} (mark {mark.id!r}) has no {city.station_language!r} label; its id is made from the "
            f"{lang!r} one", f"add its {city.station_language!r} label", station=names[lang])
    return names[lang]


def _station_ids(city: City, marks: list[StationMark], primary: dict[str, str | None],
                 on_lines: dict[str, set[str]], out: FindingList) -> tuple[dict[str, str], dict[str, str]]:
    """Mark id → station id, and mark id → the split label telling it apart from a namesake."""
    explicit = {m.id: m.network_id for m in marks if m.network_id is not None}
    for mark_id, network_id in sorted(explicit.items()):
        if not _valid_id(network_id):
            out.add("error", "annotation-id-invalid",
                    f"mark {mark_id!r} has network_id {network_id!r}; ids must be slugs of lowercase letters, "
                    "digits and hyphens", "use the id the network gives the station (e.g. `central`)",
                    station=primary[mark_id] or mark_id)
    by_key: dict[str, list[str]] = defaultdict(list)
    for mark in marks:
        if mark.id not in explicit and primary[mark.id]:
            by_key[match_key(primary[mark.id] or "")].append(mark.id)
    splits = {match_key(split["name"]): split for split in city.station_splits}
    keys: dict[str, tuple[str, str]] = {}
    first_name: dict[str, str] = {}
    disambiguation: dict[str, str] = {}
    for key, owners in sorted(by_key.items()):
        first_name[key] = primary[owners[0]] or ""
        groups = _split_groups(splits.get(key), owners, on_lines) if len(owners) > 1 else {}
        for mark_id in owners:
            if mark_id in groups:
                keys[mark_id] = (key, groups[mark_id][0])
                disambiguation[mark_id] = groups[mark_id][1]
            else:
                keys[mark_id] = (key, slugify(mark_id) if len(owners) > 1 else "")
        if len(owners) > 1 and len(groups) < len(owners):
            out.add("warning", "annotation-name-repeated",
                    f"marks {', '.join(map(repr, owners))} are all labelled {first_name[key]!r}: modelled as "
                    f"{len(owners)} different stations", "if they are one station, annotate one mark (an "
                    "interchange); if they are different stations, give each its network_id or list them in a "
                    "[[station_splits]] by line", station=first_name[key])
    ids = stable_ids(sorted(set(keys.values())), first_name)
    taken = set(explicit.values())
    station_of = dict(explicit)
    for mark in marks:
        if mark.id in explicit:
            continue
        sid = ids[keys[mark.id]] if mark.id in keys else slugify(mark.id) or "station"
        station_of[mark.id] = f"{sid}-{slugify(mark.id)}" if sid in taken else sid
        taken.add(station_of[mark.id])
    return station_of, disambiguation


def _split_groups(split: dict[str, Any] | None, owners: list[str],
                  on_lines: dict[str, set[str]]) -> dict[str, tuple[str, str]]:
    """Mark id → (split group, label) for namesakes a manifest split tells apart by their lines.

    A mark joins the one group naming a line through it — as `LINE`, else as `LINE:N` (an occurrence
    on a list, which a map does not have); unless every namesake finds a group of its own, none is grouped.
    """
    if split is None:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for mark_id in owners:
        through = {match_key(name) for name in on_lines.get(mark_id, set())}
        for qualified in (False, True):
            hits = [(group, spec["label"]) for group, spec in sorted(split["groups"].items())
                    if through & {match_key(t.partition(":")[0]) for t in spec["on"] if (":" in t) is qualified}]
            if hits:
                break
        if len(hits) == 1:
            found[mark_id] = hits[0]
    if len(found) < len(owners) or len({g for g, _ in found.values()}) < len(owners):
        return {}
    return found


def _tolerances(annotation: Annotation) -> dict[str, float]:
    """Mark id → how far from its `pos` a polyline may pass and still serve it."""
    radii = [m.marker.radius for m in annotation.stations if m.marker is not None]
    default = statistics.median(radii) if radii else DEFAULT_RADIUS
    return {m.id: (m.marker.radius if m.marker is not None else default) + SLACK for m in annotation.stations}


# Lines ---------------------------------------------------------------------------------------------


def _trace_lines(city: City, annotation: Annotation, marks: list[StationMark], label_of: dict[str, str],
                 reference: bool, out: FindingList) -> list[_Traced]:
    """Each trace's override, names and rides (mark ids), in trace id order; traces with no ride dropped."""
    tolerance = _tolerances(annotation)
    # an (n, 2) array gives an array of points (the stubs' return type covers any shape)
    points = cast(_Geometries, shapely.points(np.array([m.pos for m in marks], dtype=float).reshape(-1, 2)))
    tols = np.array([tolerance[m.id] for m in marks], dtype=float)
    ids = [m.id for m in marks]
    traced: list[_Traced] = []
    matched: set[str] = set()
    for trace in sorted(annotation.lines, key=lambda t: t.id):
        key, override = _override(city, trace)
        if key is not None:
            matched.add(key)
        names = dict(trace.names)
        names.update(override.get("names", {}))
        label = key or trace.names.get("en") or next(iter(sorted(trace.names.items())))[1]
        rides = []
        for index, polyline in enumerate(trace.polylines):
            ride = _project(polyline, index, points, tols, ids, label, label_of, out)
            if len(ride.stops) < 2:
                passed = f"only {label_of[ride.stops[0]]}" if ride.stops else "no station"
                out.add("error", "annotation-line-empty",
                        f"polyline {index} of {label} (trace {trace.id!r}) passes {passed}",
                        "trace the line through the station markers it serves (within a marker's half-size "
                        f"+ {SLACK:g} px), or remove the polyline", line=label)
                continue
            rides.append(ride)
        if rides:
            traced.append(_Traced(trace, key, override, names, label, _combine(rides, label, label_of, out)))
    if not reference:
        for name in sorted(set(city.lines) - matched):
            out.add("error", "override-unknown-line", f"override names line {name!r}, which no trace is named",
                    "use one of: " + ", ".join(sorted(item.label for item in traced)), line=name)
    return traced


def _build_lines(traced: list[_Traced], station_of: dict[str, str], out: FindingList) -> dict[str, Line]:
    lines: dict[str, Line] = {}
    for item in traced:
        trace, key, override, names, label = item.trace, item.key, item.override, item.names, item.label
        rides = item.rides
        if any(r.loop for r in rides) and len(rides) > 1:
            out.add("error", "annotation-loop-branched",
                    f"{label} (trace {trace.id!r}) has a loop and {len(rides) - 1} other ride(s); a loop with a "
                    "branch is not modelled", "trace the loop alone, and the other service as a line of its own",
                    line=label)
        line_id = _line_id(trace, names, lines, label, out)
        aliases = list(override.get("aliases", []))
        aliases += [n for n in trace.names.values() if n not in names.values()]
        if key is not None and key not in names.values():
            aliases.append(key)
        lines[line_id] = Line(
            id=line_id, names=names, variants=[[station_of[m] for m in r.stops] for r in rides], aliases=aliases,
            color=override["color"].upper() if "color" in override else trace.color,
            loop=any(r.loop for r in rides), source_name=label, note=override.get("note"),
            geometry=[[(float(x), float(y)) for x, y in polyline] for polyline in trace.polylines])
    return lines


def _override(city: City, trace: LineTrace) -> tuple[str | None, dict[str, Any]]:
    """The `[lines."<name>"]` override of `trace`: keyed by one of its names, else naming one of them."""
    printed = {match_key(n) for n in trace.names.values()}
    for key, override in city.lines.items():
        if match_key(key) in printed:
            return key, override
    for key, override in city.lines.items():
        known = [*override.get("names", {}).values(), *override.get("aliases", [])]
        if printed & {match_key(n) for n in known}:
            return key, override
    return None, {}


def _line_id(trace: LineTrace, names: dict[str, str], lines: dict[str, Line], label: str, out: FindingList) -> str:
    if trace.network_id is not None and _valid_id(trace.network_id) and trace.network_id not in lines:
        return trace.network_id
    if trace.network_id is not None:
        out.add("error", "annotation-id-invalid",
                f"trace {trace.id!r} has network_id {trace.network_id!r}; ids must be unique slugs of lowercase "
                "letters, digits and hyphens", "use the id the network gives the line (e.g. `red-line`)", line=label)
    base = slugify(names.get("en") or next(iter(sorted(names.items())))[1]) or slugify(trace.id) or "line"
    if len(base) <= 2 or base[0].isdigit():
        base = f"line-{base}"
    line_id, n = base, 2
    while line_id in lines:
        line_id, n = f"{base}-{n}", n + 1
    return line_id


def _project(polyline: tuple[tuple[float, float], ...], index: int, points: _Geometries, tols: npt.NDArray[np.float64],
             ids: list[str], label: str, label_of: dict[str, str], out: FindingList) -> _Ride:
    """The stations `polyline` passes, in its direction; a loop when its ends meet."""
    coords = [p for i, p in enumerate(polyline) if i == 0 or p != polyline[i - 1]]
    if len(coords) < 2:
        return _Ride([], False, (index,))
    xy = np.array(coords, dtype=float)
    segments = cast(_Geometries, shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))  # (n, 2, 2): n lines
    starts = np.concatenate([[0.0], np.cumsum(shapely.length(segments))])
    near = np.nonzero(shapely.distance(shapely.linestrings(xy), points) <= tols)[0]
    first, last = shapely.points(xy[0]), shapely.points(xy[-1])
    seam = [i for i in near if shapely.distance(first, points[i]) <= tols[i] and
            shapely.distance(last, points[i]) <= tols[i]]
    loop = bool(seam) or math.dist(coords[0], coords[-1]) <= SEAM
    passes: list[tuple[float, str]] = []
    for i in near:
        dist = shapely.distance(segments, points[i])
        runs = _runs(np.nonzero(dist <= tols[i])[0])
        if loop and len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == len(segments) - 1:
            runs = runs[:-1]  # the seam: the ride starts here
        at = []
        for run in runs:
            best = run[int(np.argmin(dist[run]))]
            at.append(float(starts[best] + shapely.line_locate_point(segments[best], points[i])))
        at = [a for k, a in enumerate(at) if k == 0 or a - at[k - 1] > 4 * tols[i]]  # a wiggle is one pass
        if len(at) > 1:
            out.add("error", "annotation-station-repeated",
                    f"polyline {index} of {label} passes {label_of[ids[i]]} (mark {ids[i]!r}) {len(at)} times",
                    "a ride visits a station once: trace each service as its own polyline, or close a loop "
                    "where it starts", line=label, station=label_of[ids[i]])
        passes.append((at[0], ids[i]))
    return _Ride([sid for _, sid in sorted(passes)], loop, (index,))


def _runs(indices: npt.NDArray[np.intp]) -> list[list[int]]:
    """Consecutive segment indices grouped: each group is one pass of the polyline near a station."""
    runs: list[list[int]] = []
    for k in indices.tolist():
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _combine(rides: list[_Ride], label: str, label_of: dict[str, str], out: FindingList) -> list[_Ride]:
    """Join pieces, extend branches by the other ride's first arm, orient and deduplicate the rides."""
    rides = list(rides)
    joined = True
    while joined:
        joined = False
        for i, j in combinations(range(len(rides)), 2):
            piece = _join(rides[i], rides[j])
            if piece is not None:
                rides[i] = piece
                del rides[j]
                joined = True
                break
    resolved = [_Ride(list(r.stops), r.loop, r.polylines) for r in rides]
    for j, branch in enumerate(rides):
        if branch.loop:
            continue
        for i, trunk in enumerate(rides):
            shared = set(trunk.stops) & set(branch.stops)
            if i == j or trunk.loop or len(shared) != 1:
                continue
            (fork,) = shared
            if fork not in (branch.stops[0], branch.stops[-1]) or fork in (trunk.stops[0], trunk.stops[-1]):
                continue
            tail = branch.stops if branch.stops[0] == fork else branch.stops[::-1]
            arm = resolved[i].stops[: resolved[i].stops.index(fork) + 1]
            resolved[j] = _Ride(arm + tail[1:], False, branch.polylines)
            out.add("info", "annotation-branch-joined",
                    f"polyline {branch.polylines[0]} of {label} leaves polyline {trunk.polylines[0]} at "
                    f"{label_of[fork]}: its ride is {label_of[arm[0]]} → {label_of[fork]} → {label_of[tail[-1]]}",
                    f"nothing to do if trains from the branch run to {label_of[arm[0]]}; otherwise trace each "
                    "service as one full polyline", line=label, station=label_of[fork], fixed_by="automatic")
            break
    kept: list[_Ride] = []
    for ride in resolved:
        if kept and not ride.loop and _shared_ends(ride.stops[::-1], kept[0].stops) > \
                _shared_ends(ride.stops, kept[0].stops):
            ride = _Ride(ride.stops[::-1], False, ride.polylines)
        if all(ride_key(ride.stops, ride.loop) != ride_key(k.stops, k.loop) for k in kept):
            kept.append(ride)
    return kept


def _join(a: _Ride, b: _Ride) -> _Ride | None:
    """`a` and `b` as one ride when they are two pieces of it, in `a`'s direction; else None."""
    if a.loop or b.loop:
        return None
    shared = set(a.stops) & set(b.stops)
    ends_a, ends_b = {a.stops[0], a.stops[-1]}, {b.stops[0], b.stops[-1]}
    polylines = a.polylines + b.polylines
    if len(shared) == 1 and shared <= ends_a and shared <= ends_b:
        (x,) = shared
        if a.stops[-1] == x:
            return _Ride(a.stops + (b.stops if b.stops[0] == x else b.stops[::-1])[1:], False, polylines)
        return _Ride((b.stops if b.stops[-1] == x else b.stops[::-1])[:-1] + a.stops, False, polylines)
    return None


def _shared_ends(ride: list[str], other: list[str]) -> tuple[int, int]:
    """How many stations `ride` shares with `other` from the start, then from the end."""
    def common(x: list[str], y: list[str]) -> int:
        return next((k for k, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
    return common(ride, other), common(ride[::-1], other[::-1])


# Helpers -------------------------------------------------------------------------------------------


def _valid_id(value: str) -> bool:
    return _ID.match(value) is not None


def _label(station: Station) -> str:
    return next(iter(station.names.values()))
