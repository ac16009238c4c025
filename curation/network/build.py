"""Build a city's canonical network from its manifest and sources, and write it out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.atomic import write_json_atomic
from curation.cities import City
from curation.errors import SourceError
from curation.network.model import Network
from curation.network.quality import QualityReport
from curation.network.reasonmap import import_reasonmap
from curation.network.validate import validate_network

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
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"not valid JSON: {exc}", path) from exc
    if not isinstance(data, dict) or not data:
        raise SourceError("must be a non-empty JSON object mapping line names to station lists", path)
    for line, stations in data.items():
        if not isinstance(stations, list) or not all(isinstance(s, str) and s.strip() for s in stations):
            raise SourceError(f"line {line!r} must be a list of non-empty station names", path)
    return data


def build_network(city: City, data_root: Path) -> BuildResult:
    """Load `city`'s station list, apply its overrides, validate, and collect every finding."""
    path = city.source_path("stations", data_root)
    raw = read_station_list(path)
    network, findings = import_reasonmap(city, raw)
    network.sources = _provenance(city, path, data_root)
    findings += validate_network(network)
    return BuildResult(network=network, report=QualityReport(city=city.slug, findings=findings))


def _provenance(city: City, stations_path: Path, data_root: Path) -> dict[str, Any]:
    sources: dict[str, Any] = {}
    for kind, source in sorted(city.sources.items()):
        entry = {k: v for k, v in (("path", source.path), ("embedded", source.embedded),
                                   ("url", source.url), ("license", source.license),
                                   ("upstream", source.upstream)) if v is not None}
        if kind == "stations":
            entry["sha256"] = hashlib.sha256(stations_path.read_bytes()).hexdigest()
        sources[kind] = entry
    return sources


def write_outputs(result: BuildResult, out_dir: Path) -> list[Path]:
    """Write `quality.json` always and `graph.json` only for a network without errors."""
    written = [out_dir / QUALITY_FILE]
    write_json_atomic(out_dir / QUALITY_FILE, result.report.to_dict())
    if result.ok:
        write_json_atomic(out_dir / GRAPH_FILE, result.network.to_dict())
        written.append(out_dir / GRAPH_FILE)
    return written


def load_network(path: Path) -> Network:
    """Read a `graph.json` written by `write_outputs`."""
    try:
        return Network.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise SourceError(f"not a readable graph.json: {exc}", path) from exc


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
        write_outputs(result, out_root / result.network.city)
    return results
