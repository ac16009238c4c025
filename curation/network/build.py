"""Build a city's canonical network from its manifest and sources, and write it out."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from curation.atomic import write_json_atomic
from curation.cities import City
from curation.errors import OutputError, SourceError
from curation.network.model import Network
from curation.network.quality import QualityReport
from curation.network.reasonmap import import_reasonmap
from curation.network.validate import validate_network
from curation.resources import load_schema

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


def parse_station_list(content: bytes, path: Path) -> dict[str, list[str]]:
    """Parse the bytes of a ReasonMap station list read from `path` (named in errors)."""
    try:
        data = json.loads(content.decode("utf-8"), object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"not valid JSON: {exc}", path) from exc
    except ValueError as exc:
        raise SourceError(str(exc), path) from exc
    if not isinstance(data, dict) or not data:
        raise SourceError("must be a non-empty JSON object mapping line names to station lists", path)
    for line, stations in data.items():
        if not isinstance(stations, list) or len(stations) < 2:
            raise SourceError(f"line {line!r} must be a list of at least two station names", path)
        for index, station in enumerate(stations):
            if not isinstance(station, str) or not station.strip():
                raise SourceError(f"line {line!r}, position {index}: expected a station name, got {station!r}", path)
    return data


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"line {repeated[0]!r} is listed more than once")
    return dict(pairs)


def build_network(city: City, data_root: Path) -> BuildResult:
    """Load `city`'s station list, apply its overrides, validate, and collect every finding."""
    path = city.source_path("stations", data_root)
    content = path.read_bytes()
    network, findings = import_reasonmap(city, parse_station_list(content, path))
    actual = hashlib.sha256(content).hexdigest()
    network.sources = _provenance(city, actual)
    findings += validate_network(network)
    pinned = city.sources["stations"].sha256
    if pinned is not None and actual != pinned:
        findings.add("warning", "source-changed",
                     f"the station list's sha256 is {actual}, not the {pinned} pinned in the manifest",
                     "the overrides were written for the pinned version: review the findings, then pin "
                     f"the new sha256, or restore the pinned file with `mapcurate fetch-sources --city {city.slug} "
                     "--only stations --force`")
    return BuildResult(network=network, report=QualityReport(city=city.slug, findings=findings))


def _provenance(city: City, stations_sha256: str) -> dict[str, Any]:
    sources: dict[str, Any] = {}
    for kind, source in sorted(city.sources.items()):
        entry = {k: v for k, v in (("path", source.path), ("embedded", source.embedded),
                                   ("url", source.url), ("license", source.license),
                                   ("upstream", source.upstream)) if v is not None}
        if kind == "stations":
            entry["sha256"] = stations_sha256
        sources[kind] = entry
    return sources


def write_outputs(result: BuildResult, out_dir: Path) -> list[Path]:
    """Write `quality.json` always and `graph.json` only for a network without errors.

    A failed build removes the `graph.json` of an earlier build, so that a folder never pairs
    a fresh report with a stale graph.
    """
    graph = out_dir / GRAPH_FILE
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomic(out_dir / QUALITY_FILE, result.report.to_dict())
        if result.ok:
            write_json_atomic(graph, result.network.to_dict())
            return [out_dir / QUALITY_FILE, graph]
        graph.unlink(missing_ok=True)
        return [out_dir / QUALITY_FILE]
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", out_dir) from exc


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
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"not a readable graph.json: {exc}", path) from exc
    error = next(iter(Draft202012Validator(load_schema("network")).iter_errors(document)), None)
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SourceError(f"not a valid graph.json: {where}: {error.message[:200]}", path)
    network = Network.from_dict(document)
    dangling = sorted({sid for line in network.lines.values() for sid in line.station_ids} - set(network.stations))
    if dangling:
        raise SourceError(f"not a valid graph.json: lines name unknown stations ({', '.join(dangling[:5])})", path)
    return network


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
