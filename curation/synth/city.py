"""A rendered map written as a city: manifest, ReasonMap station list, map PNG and its exact annotation.

Layout under the output folder `root`, so the result runs through the same flow as a real city
(`MAPCURATE_CITIES=root/cities MAPCURATE_DATA=root/data mapcurate build-graph --city <slug>`):

    root/cities/<slug>/city.toml                    manifest: sources pinned by sha256, overrides, [rendered]
    root/data/stations/<country>/<slug>.json        the network as a ReasonMap station list
    root/data/maps/<country>/<slug>.png             the drawn map
    root/data/annotations/<country>/<slug>.json     every station and line position on it, exact

The four files are staged beside their targets and renamed into place together, the manifest last:
a failure leaves nothing behind, and an earlier rendering of the same map is replaced whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from curation.annotations.model import Annotation
from curation.atomic import current_umask, dumps_canonical_json
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


def check_target(root: Path, identity: CityIdentity, rendered: dict[str, Any]) -> WrittenCity:
    """Check the files can be written, replacing at most an earlier rendering of the same map.

    A city that `mapcurate render` did not write, or another rendered city that happens to have the
    same slug (a different kind, seed or source city), is never overwritten.
    """
    check_slug(identity.slug)
    paths = city_paths(root, identity)
    if paths.manifest.exists():
        try:
            earlier = tomllib.loads(paths.manifest.read_text(encoding="utf-8")).get("rendered")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise OutputError(f"cannot read the existing manifest: {exc}", paths.manifest) from exc
        if not isinstance(earlier, dict):
            raise OutputError("a city that mapcurate did not render is here; choose another --out", paths.manifest)
        same = ("kind", "seed", "derived_from")
        if any(earlier.get(k) != rendered.get(k) for k in same):
            described = ", ".join(f"{k} {earlier.get(k)}" for k in same if earlier.get(k) is not None)
            raise OutputError(f"another rendered city is here ({described}); choose another --slug or --out",
                              paths.manifest)
    for path in (paths.manifest, paths.stations, paths.map, paths.annotation):
        existing = next(p for p in (path.parent, *path.parent.parents) if p.exists())
        if not existing.is_dir():
            raise OutputError("is a file, but the output folder must be created here", existing)
        if path.is_dir():
            raise OutputError("is a folder, but an output file must go here", path)
    return paths


def write_city(root: Path, identity: CityIdentity, network: Network, png: bytes, annotation: Annotation,
               rendered: dict[str, Any]) -> WrittenCity:
    """Write the four files of a rendered city (see the module docstring) all or none; returns their paths."""
    paths = check_target(root, identity, rendered)
    listed = station_list(network, identity.station_language)
    stations = (json.dumps(listed.lines, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    annotated = dumps_canonical_json(annotation.to_dict())
    files = {"stations": (paths.stations, stations), "map": (paths.map, png),
             "annotation": (paths.annotation, annotated)}
    manifest = _manifest(identity, listed, rendered, files, root / "data")
    try:
        _write_all([*files.values(), (paths.manifest, manifest.encode("utf-8"))])
    except OSError as exc:
        raise OutputError(f"cannot write the rendered city: {exc.strerror or exc}", exc.filename or root) from exc
    return paths


def _write_all(files: list[tuple[Path, bytes]]) -> None:
    """Stage every file beside its target, then swap them all in; a failure restores what was there before."""
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    swapped: list[tuple[Path, Path | None]] = []  # target, its earlier version set aside (None: it was new)
    try:
        for path, data in files:
            created += [p for p in reversed((path.parent, *path.parent.parents)) if not p.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o666 & ~current_umask())
        for tmp, path in staged:
            earlier = path.with_name(f".{path.name}.old") if path.exists() else None
            if earlier is not None:
                os.replace(path, earlier)
            swapped.append((path, earlier))
            os.replace(tmp, path)
    except BaseException:
        for path, earlier in reversed(swapped):
            if earlier is not None and earlier.exists():
                os.replace(earlier, path)
            elif earlier is None:
                path.unlink(missing_ok=True)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for folder in reversed(created):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    for _, earlier in swapped:
        if earlier is not None:
            earlier.unlink(missing_ok=True)


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
