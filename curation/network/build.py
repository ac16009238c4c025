"""Build a city's canonical network from its manifest and sources, and write it out."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from curation.annotations.io import load_annotation
from curation.atomic import current_umask, dumps_canonical_json, unique_keys, write_json_atomic
from curation.cities import City
from curation.errors import OutputError, SourceError
from curation.fetch import sha256_of
from curation.network.annotations import check_image, import_annotation
from curation.network.complexes import apply_complexes
from curation.network.crosscheck import crosscheck
from curation.network.model import Network
from curation.network.positions import apply_positions
from curation.network.quality import FindingList, QualityReport
from curation.network.reasonmap import import_reasonmap
from curation.network.validate import validate_network
from curation.resources import load_schema
from curation.text import decode_text, name_problem, parse_json

GRAPH_FILE = "graph.json"
QUALITY_FILE = "quality.json"


@dataclass
class BuildResult:
    """A built network and its quality report."""

    network: Network
    report: QualityReport

    @property
    def ok(self) -> bool:
        return not self.report.errors


def read_station_list(path: Path) -> dict[str, list[str]]:
    """Read a ReasonMap station list, rejecting anything but {line name: [station names]}."""
    return parse_station_list(path.read_bytes(), path)


def city_station_list(city: City, data_root: Path) -> dict[str, list[str]] | None:
    """The city's station list as read (the benchmark vocabulary's strings); None for a city without one."""
    return read_station_list(city.source_path("stations", data_root)) if "stations" in city.sources else None


def parse_station_list(content: bytes, path: Path) -> dict[str, list[str]]:
    """Parse the bytes of a ReasonMap station list read from `path` (named in errors)."""
    data = parse_json(decode_text(content, path), path,
                      object_pairs_hook=unique_keys("line {key!r} is listed more than once"))
    if not isinstance(data, dict) or not data:
        raise SourceError("must be a non-empty JSON object mapping line names to station lists", path)
    for line, stations in data.items():
        if (problem := name_problem(line)) is not None:
            raise SourceError(f"line name {line[:40]!r} {problem}", path)
        if not isinstance(stations, list) or len(stations) < 2:
            raise SourceError(f"line {line!r} must be a list of at least two station names", path)
        for index, station in enumerate(stations):
            if not isinstance(station, str) or not station.strip():
                raise SourceError(f"line {line!r}, position {index}: expected a station name, got {station!r}", path)
            if (problem := name_problem(station)) is not None:
                raise SourceError(f"line {line!r}, position {index}: station name {station[:40]!r} {problem}", path)
    return data



def build_network(city: City, data_root: Path) -> BuildResult:
    """Build `city`'s network from its annotation when the manifest names one, else from its station list.

    Apply the overrides, validate, and collect every finding (with an annotation and a station list,
    the cross-check of the two as well).
    """
    if "annotation" in city.sources:
        return _build_from_annotation(city, data_root)
    network, findings, actual = _station_list_network(city, data_root)
    hashes = {"stations": actual}
    if "positions" in city.sources:
        positions, hashes["positions"] = load_annotation(city.source_path("positions", data_root))
        findings += check_image(city, positions, data_root)
        findings += apply_positions(network, positions)
    network.sources = _provenance(city, hashes)
    findings += apply_complexes(city, network)
    findings += validate_network(network)
    return BuildResult(network=network, report=QualityReport(city=city.slug, findings=findings))


def _station_list_network(city: City, data_root: Path) -> tuple[Network, FindingList, str]:
    """The network of `city`'s station list, its findings (pin check included) and the list's sha256."""
    path = city.source_path("stations", data_root)
    content = path.read_bytes()
    network, findings = import_reasonmap(city, parse_station_list(content, path))
    actual = hashlib.sha256(content).hexdigest()
    _check_pin(city, "stations", actual, findings)
    return network, findings, actual


def _build_from_annotation(city: City, data_root: Path) -> BuildResult:
    path = city.source_path("annotation", data_root)
    annotation, digest = load_annotation(path)
    network, findings = import_annotation(city, annotation)
    hashes = {"annotation": digest}
    _check_pin(city, "annotation", hashes["annotation"], findings)
    findings += check_image(city, annotation, data_root)
    listed: Network | None = None
    if "stations" in city.sources:
        listed, listed_findings, hashes["stations"] = _station_list_network(city, data_root)
        findings += [f for f in listed_findings if f.code == "source-changed"]
        findings += crosscheck(network, listed)
    network.sources = _provenance(city, hashes)
    findings += apply_complexes(city, network, listed)
    findings += validate_network(network)
    return BuildResult(network=network, report=QualityReport(city=city.slug, findings=findings))


_SOURCE_NAMES = {"stations": "station list", "annotation": "annotation", "positions": "positions"}


def _check_pin(city: City, kind: str, actual: str, findings: FindingList) -> None:
    pinned = city.sources[kind].sha256
    if pinned is not None and actual != pinned:
        restore = (f"restore the pinned file with `mapcurate fetch-sources --city {city.slug} --only {kind} --force`"
                   if kind == "stations" else "restore the pinned file")
        findings.add("warning", "source-changed",
                     f"the {_SOURCE_NAMES[kind]}'s sha256 is {actual}, not the {pinned} pinned in the manifest",
                     "the overrides were written for the pinned version: review the findings, then pin "
                     f"the new sha256, or {restore}")


def _provenance(city: City, hashes: dict[str, str]) -> dict[str, Any]:
    sources: dict[str, Any] = {}
    for kind, source in sorted(city.sources.items()):
        entry = {k: v for k, v in (("path", source.path), ("embedded", source.embedded),
                                   ("url", source.url), ("license", source.license),
                                   ("upstream", source.upstream)) if v is not None}
        if kind in hashes:
            entry["sha256"] = hashes[kind]
        sources[kind] = entry
    return sources


def write_outputs(result: BuildResult, out_dir: Path) -> list[Path]:
    """Write `quality.json` always and `graph.json` only for a network without errors.

    A folder never pairs a fresh report with a stale graph, even if the process is killed midway:
    the new graph is staged first, the earlier `graph.json` removed, the report written, and only
    then the staged graph renamed into place.
    """
    graph = out_dir / GRAPH_FILE
    staged: Path | None = None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if result.ok:
            fd, name = tempfile.mkstemp(prefix=f".{GRAPH_FILE}.", suffix=".tmp", dir=out_dir)
            staged = Path(name)
            with os.fdopen(fd, "wb") as handle:
                handle.write(dumps_canonical_json(result.network.to_dict()))
            os.chmod(staged, 0o666 & ~current_umask())
        graph.unlink(missing_ok=True)
        write_json_atomic(out_dir / QUALITY_FILE, result.report.to_dict())
        if staged is None:
            return [out_dir / QUALITY_FILE]
        os.replace(staged, graph)
        staged = None
        return [out_dir / QUALITY_FILE, graph]
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", out_dir) from exc
    finally:
        if staged is not None:
            staged.unlink(missing_ok=True)


def check_output(out_dir: Path) -> None:
    """Check, without creating anything, that `out_dir` and its files can be written."""
    existing = next(p for p in (out_dir, *out_dir.parents) if p.exists())
    if not existing.is_dir():
        raise OutputError("is a file, but the output folder must be created here", existing)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError("output folder is not writable", existing)
    for name in (GRAPH_FILE, QUALITY_FILE):
        if (out_dir / name).is_dir():
            raise OutputError("is a folder, but an output file must go here", out_dir / name)


def load_network(path: Path | str) -> Network:
    """Read a `graph.json` written by `write_outputs`, checked against its schema and for dangling ids."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise SourceError(f"not a readable graph.json: {detail}", path) from exc
    error = next(iter(Draft202012Validator(load_schema("network")).iter_errors(document)), None)
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SourceError(f"not a valid graph.json: {where}: {error.message[:200]}", path)
    network = Network.from_dict(document)
    dangling = sorted({sid for line in network.lines.values() for sid in line.station_ids} - set(network.stations))
    if dangling:
        raise SourceError(f"not a valid graph.json: lines name unknown stations ({', '.join(dangling[:5])})", path)
    walkers = sorted({sid for group in network.complexes for sid in group.stations} - set(network.stations))
    if walkers:
        raise SourceError(f"not a valid graph.json: complexes name unknown stations ({', '.join(walkers[:5])})", path)
    problems = pixel_problems(network)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; … {len(problems) - 5} more" if len(problems) > 5 else "")
        raise SourceError(f"not a valid graph.json: {shown}", path)
    return network


def pixel_problems(network: Network) -> list[str]:
    """Every station position and box that is not a point or box of the network's image."""
    stations = [s for s in network.stations.values() if (s.pos, s.marker, s.label) != (None, None, None)]
    if network.image is None:
        return [f"stations.{s.id} has pixels but the graph names no image" for s in stations[:1]]
    width, height = network.image["width"], network.image["height"]
    problems = []
    for station in sorted(stations, key=lambda s: s.id):
        if station.pos is not None and not (0 <= station.pos[0] <= width and 0 <= station.pos[1] <= height):
            problems.append(f"stations.{station.id}.pos must lie in the {width} × {height} image, but got "
                            f"{list(station.pos)}")
        for key, box, order in (("marker", station.marker, "<"), ("label", station.label, "≤")):
            if box is None:
                continue
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            ordered = box[0] < box[2] and box[1] < box[3] if order == "<" else box[0] <= box[2] and box[1] <= box[3]
            if not (inside and ordered):
                problems.append(f"stations.{station.id}.{key} must be [x0, y0, x1, y1] with x0 {order} x1 and "
                                f"y0 {order} y1 inside the {width} × {height} image, but got {list(box)}")
    return problems


def require_graphs(cities: list[str], graphs: Path, of: str) -> None:
    """Raise one `SourceError` listing the cities (of `of`: "these questions", "these rows") without a graph."""
    absent = [city for city in cities if not (graphs / city / GRAPH_FILE).is_file()]
    if absent:
        shown = ", ".join(absent[:8]) + (", …" if len(absent) > 8 else "")
        noun = "city" if len(absent) == 1 else "cities"
        raise SourceError(f"no graph.json for {len(absent)} {noun} of {of} ({shown}): build them "
                          f"(`mapcurate build-graph --all --out {graphs}`) or pass --graphs", graphs)


def _stale_sources(city: City, data_root: Path, recorded: dict[str, Any]) -> list[str]:
    """The source kinds (station list, annotation) whose file changed since a graph recorded its sha256.

    Only a file the manifest still names the same way is compared (a graph built from another declaration,
    as the demo's from its rendered copy, is not this file's history)."""
    stale: list[str] = []
    for kind in ("stations", "annotation"):
        entry, source = recorded.get(kind), city.sources.get(kind)
        if not isinstance(entry, dict) or source is None or not entry.get("sha256"):
            continue
        same_file = (entry.get("path"), entry.get("embedded")) == (source.path, source.embedded)
        if same_file and city.has_source(kind, data_root) and sha256_of(city.source_path(kind, data_root)) \
                != entry["sha256"]:
            stale.append(kind)
    return stale


def check_fresh(city: City, data_root: Path, recorded: dict[str, Any], graph: Path, then: str = "") -> None:
    """Refuse a graph built from sources that have changed since (a failed rebuild leaves the old graph in
    place): raise `SourceError` naming the graph, what changed and the command that rebuilds it."""
    stale = _stale_sources(city, data_root, recorded)
    if stale:
        raise SourceError(f"{city.slug}'s {' and '.join(_SOURCE_NAMES.get(k, k) for k in stale)} changed since this "
                          f"graph was built: run `mapcurate build-graph --city {city.slug}` again{then}", graph)


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number graph.json may hold")


def build_cities(cities: list[City], data_root: Path, out_root: Path,
                 on_built: Callable[[str], None] | None = None) -> list[BuildResult]:
    """Build every city in memory first, then write each to `out_root/<slug>/`.

    A bad input (manifest, source) raises before anything is written.
    """
    results = []
    for city in cities:
        results.append(build_network(city, data_root))
        if on_built:
            on_built(city.slug)
    for result in results:
        check_output(out_root / result.network.city)
    for result in results:
        write_outputs(result, out_root / result.network.city)
    return results
