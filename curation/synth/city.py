"""A rendered map written as a city: manifest, ReasonMap station list, map PNG and its exact annotation.

Layout under the output folder `root`, so the result runs through the same flow as a real city
(`MAPCURATE_CITIES=root/cities MAPCURATE_DATA=root/data mapcurate build-graph --city <slug>`):

    root/cities/<slug>/city.toml                    manifest: sources pinned by sha256, overrides, [rendered]
    root/data/stations/<country>/<slug>.json        the network as a ReasonMap station list
    root/data/maps/<country>/<slug>.png             the drawn map
    root/data/annotations/<country>/<slug>.json     every station and line position on it, exact

Each file is written atomically, the manifest last: until it is replaced, the old manifest's pinned
sha256s reveal any newer data file, so a reader never takes a mix for a consistent city.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from curation.annotations.io import write_annotation
from curation.annotations.model import Annotation
from curation.atomic import write_bytes_atomic
from curation.cities import MANIFEST_NAME, check_slug
from curation.errors import OutputError
from curation.network.model import Network
from curation.synth.station_list import station_list

GENERATOR = "mapcurate-synth/1"
KINDS = ("synthetic", "rerendered", "renamed")


@dataclass(frozen=True)
class CityIdentity:
    """Who the rendered city is: slug, names, country, languages, licence of what it was drawn from."""

    slug: str
    names: dict[str, str]
    country: str
    languages: list[str]
    station_language: str
    license: str
    upstream: str | None = None


@dataclass(frozen=True)
class WrittenCity:
    """Where a rendered city's files went."""

    slug: str
    manifest: Path
    stations: Path
    map: Path
    annotation: Path


def city_paths(root: Path, identity: CityIdentity) -> WrittenCity:
    data = root / "data"
    rel = f"{identity.country}/{identity.slug}"
    return WrittenCity(slug=identity.slug, manifest=root / "cities" / identity.slug / MANIFEST_NAME,
                       stations=data / "stations" / f"{rel}.json", map=data / "maps" / f"{rel}.png",
                       annotation=data / "annotations" / f"{rel}.json")


def check_target(root: Path, identity: CityIdentity) -> WrittenCity:
    """Refuse to overwrite a city that `mapcurate render` did not write; check the folders can be written."""
    check_slug(identity.slug)
    paths = city_paths(root, identity)
    if paths.manifest.exists():
        try:
            text = paths.manifest.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise OutputError(f"cannot read the existing manifest: {exc}", paths.manifest) from exc
        if "[rendered]" not in text:
            raise OutputError("a city that mapcurate did not render is here; choose another --out", paths.manifest)
    for path in (paths.manifest, paths.stations, paths.map, paths.annotation):
        existing = next(p for p in (path.parent, *path.parent.parents) if p.exists())
        if not existing.is_dir():
            raise OutputError("is a file, but the output folder must be created here", existing)
        if path.is_dir():
            raise OutputError("is a folder, but an output file must go here", path)
    return paths


def write_city(root: Path, identity: CityIdentity, network: Network, png: bytes, annotation: Annotation,
               rendered: dict[str, Any]) -> WrittenCity:
    """Write the four files of a rendered city (see the module docstring); returns their paths."""
    paths = check_target(root, identity)
    listed = station_list(network, identity.station_language)
    stations_bytes = (json.dumps(listed.lines, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    try:
        write_bytes_atomic(paths.stations, stations_bytes)
        write_bytes_atomic(paths.map, png)
        write_annotation(paths.annotation, annotation)
        manifest = _manifest(identity, listed, rendered, {
            "stations": (paths.stations, stations_bytes), "map": (paths.map, png),
            "annotation": (paths.annotation, paths.annotation.read_bytes()),
        }, root / "data")
        write_bytes_atomic(paths.manifest, manifest.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"cannot write the rendered city: {exc.strerror or exc}", exc.filename or root) from exc
    return paths


def _manifest(identity: CityIdentity, listed: Any, rendered: dict[str, Any],
              files: dict[str, tuple[Path, bytes]], data_root: Path) -> str:
    sources = {}
    for kind, (path, content) in files.items():
        entry = {"path": path.relative_to(data_root).as_posix(), "sha256": hashlib.sha256(content).hexdigest(),
                 "license": identity.license}
        if identity.upstream:
            entry["upstream"] = identity.upstream
        sources[kind] = entry
    document: dict[str, Any] = {
        "country": identity.country, "languages": identity.languages,
        "station_language": identity.station_language,
        "synthetic": rendered["kind"] != "rerendered",
        "names": dict(sorted(identity.names.items())),
        "rendered": rendered,
        "sources": sources,
        "lines": listed.line_overrides,
    }
    if listed.aliases:
        document["aliases"] = listed.aliases
    if listed.station_splits:
        document["station_splits"] = listed.station_splits
    what = {"synthetic": "a procedural network", "rerendered": f"the network of {rendered.get('derived_from')}",
            "renamed": f"the network of {rendered.get('derived_from')}, every name replaced"}[rendered["kind"]]
    header = (f"# Rendered by mapcurate ({GENERATOR}, seed {rendered['seed']}): {what}, laid out and drawn with\n"
              "# exact ground truth. The sources are pinned: re-render instead of editing them.\n")
    return header + tomli_w.dumps(document)
