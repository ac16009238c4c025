"""A rendered map written as a city: manifest, ReasonMap station list, map PNG and its exact annotation.

Layout under the output folder `root`, so the result runs through the same flow as a real city
(`MAPCURATE_CITIES=root/cities MAPCURATE_DATA=root/data mapcurate build-graph --city <slug>`):

    root/cities/<slug>/city.toml                          manifest: sources pinned by sha256, overrides, [rendered]
    root/data/stations/<country>/<slug>-<sha8>.json       the network as a ReasonMap station list
    root/data/maps/<country>/<slug>-<sha8>.png            the drawn map
    root/data/annotations/<country>/<slug>-<sha8>.json    every station and line position on it, exact

Data files are named by their content, so writing one never touches the files an earlier manifest
names; the manifest, written last with one atomic rename, is the commit point. Killed or failing at
any moment, the city is the old one or the new one, complete; the earlier rendering's data files are
removed once the new manifest is in place.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from curation.annotations.model import Annotation
from curation.atomic import dumps_canonical_json, write_bytes_atomic
from curation.cities import MANIFEST_NAME, check_slug
from curation.errors import OutputError
from curation.network.model import Network
from curation.synth.station_list import station_list

GENERATOR = "mapcurate-synth/1"


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


def city_paths(root: Path, identity: CityIdentity, digests: dict[str, str]) -> WrittenCity:
    """Where the files go; data files carry the first 8 hex digits of their sha256 (`digests` by kind)."""
    data = root / "data"

    def named(folder: str, kind: str, suffix: str) -> Path:
        return data / folder / identity.country / f"{identity.slug}-{digests[kind][:8]}{suffix}"

    return WrittenCity(slug=identity.slug, manifest=root / "cities" / identity.slug / MANIFEST_NAME,
                       stations=named("stations", "stations", ".json"), map=named("maps", "map", ".png"),
                       annotation=named("annotations", "annotation", ".json"))


def check_target(root: Path, identity: CityIdentity, rendered: dict[str, Any]) -> list[Path]:
    """Check the files can be written, replacing at most an earlier rendering of the same map.

    A city that `mapcurate render` did not write, or another rendered city that happens to have the
    same slug (a different kind, seed or source city), is never overwritten. Returns the data files
    the earlier rendering's manifest names (to remove once the new one is in place).
    """
    check_slug(identity.slug)
    manifest = root / "cities" / identity.slug / MANIFEST_NAME
    earlier_files: list[Path] = []
    if manifest.exists():
        try:
            earlier = tomllib.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise OutputError(f"cannot read the existing manifest: {exc}", manifest) from exc
        made = earlier.get("rendered")
        if not isinstance(made, dict):
            raise OutputError("a city that mapcurate did not render is here; choose another --out", manifest)
        same = ("kind", "seed", "derived_from")
        if any(made.get(k) != rendered.get(k) for k in same):
            described = ", ".join(f"{k} {made.get(k)}" for k in same if made.get(k) is not None)
            raise OutputError(f"another rendered city is here ({described}); choose another --slug or --out",
                              manifest)
        data = (root / "data").resolve()
        for source in (earlier.get("sources") or {}).values():
            path = (root / "data" / str(source.get("path", ""))).resolve()
            if isinstance(source, dict) and source.get("path") and path.is_relative_to(data) and path.is_file():
                earlier_files.append(path)
    for folder in (manifest.parent, *(root / "data" / kind / identity.country
                                      for kind in ("stations", "maps", "annotations"))):
        existing = next(p for p in (folder, *folder.parents) if p.exists())
        if not existing.is_dir():
            raise OutputError("is a file, but the output folder must be created here", existing)
    if manifest.is_dir():
        raise OutputError("is a folder, but an output file must go here", manifest)
    return earlier_files


def write_city(root: Path, identity: CityIdentity, network: Network, png: bytes, annotation: Annotation,
               rendered: dict[str, Any]) -> WrittenCity:
    """Write a rendered city (see the module docstring): the old one or the new one, never a mix."""
    earlier = check_target(root, identity, rendered)
    listed = station_list(network, identity.station_language)
    content = {"stations": (json.dumps(listed.lines, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
               "map": png, "annotation": dumps_canonical_json(annotation.to_dict())}
    paths = city_paths(root, identity, {k: hashlib.sha256(v).hexdigest() for k, v in content.items()})
    files = {kind: (getattr(paths, kind), data) for kind, data in content.items()}
    manifest = _manifest(identity, listed, rendered, files, root / "data")
    written: list[Path] = []
    try:
        for path, data in files.values():
            if not (path.is_file() and path.read_bytes() == data):  # same name, same content: already there
                write_bytes_atomic(path, data)
                written.append(path)
        write_bytes_atomic(paths.manifest, manifest.encode("utf-8"))  # the commit point
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise OutputError(f"cannot write the rendered city: {exc.strerror or exc}", exc.filename or root) from exc
    for path in earlier:
        if path not in {p.resolve() for p, _ in files.values()}:
            path.unlink(missing_ok=True)
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
    if listed.complexes:
        document["complexes"] = listed.complexes
    what = {"synthetic": "a procedural network", "rerendered": f"the network of {rendered.get('derived_from')}",
            "renamed": f"the network of {rendered.get('derived_from')}, every name replaced"}[rendered["kind"]]
    header = (f"# Rendered by mapcurate ({GENERATOR}, seed {rendered['seed']}): {what}, laid out and drawn with\n"
              "# exact ground truth. The sources are pinned: re-render instead of editing them.\n")
    return header + tomli_w.dumps(document)
