"""City manifests: find a city folder, load and validate `city.toml`, resolve its sources."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from curation.errors import ManifestError, SourceError, UnknownCityError
from curation.resources import cities_dir, load_schema
from curation.text import decode_text

MANIFEST_NAME = "city.toml"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class Source:
    """One input file of a city: either under the data root or embedded in the city folder."""

    kind: str
    path: str | None = None
    embedded: str | None = None
    url: str | None = None
    sha256: str | None = None
    license: str | None = None
    upstream: str | None = None

    def resolve(self, city_dir: Path, data_root: Path) -> Path:
        """Absolute location of the file (it may not exist)."""
        if self.embedded is not None:
            return city_dir / self.embedded
        assert self.path is not None
        return data_root / self.path

    def contained(self, city_dir: Path, data_root: Path) -> Path:
        """`resolve`, refusing a file that a symlink takes out of its folder (the data root, or the city
        folder for an embedded source): sources are read from where the manifest says, nowhere else."""
        path = self.resolve(city_dir, data_root)
        if self.path is not None and Path(self.path).is_absolute():  # a file given on the command line
            return path
        base = city_dir if self.embedded is not None else data_root
        if path.exists() and not path.resolve().is_relative_to(base.resolve()):
            where = "city folder" if self.embedded is not None else "data root"
            raise SourceError(f"{self.kind} source is a link to {path.resolve()}, outside the {where} {base}", path)
        return path


@dataclass(frozen=True)
class City:
    """A loaded, schema-valid city manifest."""

    slug: str
    folder: Path
    country: str
    names: dict[str, str]
    languages: list[str]
    station_language: str
    sources: dict[str, Source]
    synthetic: bool = False
    corrections: dict[str, str] = field(default_factory=dict)
    distinct: list[tuple[str, str]] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    station_splits: list[dict[str, Any]] = field(default_factory=list)
    complexes: list[dict[str, Any]] = field(default_factory=list)
    """Station complexes: `{stations: [names], note?}`, members joined by a walkway."""
    lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    question_skips: dict[str, Any] = field(default_factory=dict)
    rendered: dict[str, Any] = field(default_factory=dict)

    @property
    def map_kind(self) -> str:
        """`real` for a map from outside, else how mapcurate drew it (`synthetic`, `rerendered`, `renamed`)."""
        return str(self.rendered.get("kind", "real"))

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST_NAME

    def has_source(self, kind: str, data_root: Path) -> bool:
        """Whether source `kind` is declared and present."""
        source = self.sources.get(kind)
        return source is not None and source.resolve(self.folder, data_root).is_file()

    def source_path(self, kind: str, data_root: Path) -> Path:
        """Where source `kind` lives; raises `SourceError` with a way to get it when it is missing."""
        source = self.sources.get(kind)
        if source is None:
            raise SourceError(f"city {self.slug!r} declares no {kind} source", self.manifest_path)
        path = source.contained(self.folder, data_root)
        if path.exists() and not path.is_file():
            raise SourceError(f"{kind} source is not a file", path)
        if not path.is_file():
            if source.embedded is not None:
                hint = "the embedded file is part of the project; restore it from git"
            elif source.upstream is None:  # e.g. a locally made annotation
                hint = "put the file there or point --data-root / MAPCURATE_DATA at the data root holding it"
            else:
                hint = (f"run `mapcurate fetch-sources --city {self.slug}` or point --data-root / "
                        f"MAPCURATE_DATA at a clone of {source.upstream}")
            raise SourceError(f"{kind} source not found ({hint})", path)
        return path


def with_annotation(city: City, path: Path) -> City:
    """`city` built from the annotation file `path` (given by the user) instead of its manifest's annotation.

    Its pin is not carried over: the file is a new annotation of the city's map (`check_image` still checks
    that it is of the map the manifest names)."""
    source = Source(kind="annotation", path=str(path.resolve()))
    return replace(city, sources={**city.sources, "annotation": source})


def with_positions(city: City, path: Path) -> City:
    """`city` built from its station list (not from an annotation its manifest may name) with the station
    positions of the proposal `path` (a prelabel annotation, `curation.network.positions`)."""
    sources = {kind: source for kind, source in city.sources.items() if kind != "annotation"}
    return replace(city, sources={**sources, "positions": Source(kind="positions", path=str(path.resolve()))})


def check_slug(slug: str) -> str:
    """Reject anything but a plain city slug (no paths, no traversal)."""
    if not _SLUG.match(slug):
        raise UnknownCityError(
            f"city must be a slug of lowercase letters, digits and underscores, but got {slug!r}"
        )
    return slug


def city_slugs(root: Path | None = None) -> list[str]:
    """Sorted slugs of every folder under the cities root that holds a manifest."""
    base = root or cities_dir()
    return sorted(p.parent.name for p in base.glob(f"*/{MANIFEST_NAME}") if _SLUG.match(p.parent.name))


def load_city(slug: str, root: Path | None = None) -> City:
    """Load and validate `cities/<slug>/city.toml` (the slug is matched case-insensitively)."""
    base = root or cities_dir()
    slug = check_slug(slug.lower())
    folder = base / slug
    manifest = folder / MANIFEST_NAME
    if folder.is_dir() and not manifest.is_file():
        raise UnknownCityError(f"city folder has no {MANIFEST_NAME}", folder)
    if not manifest.is_file():
        known = city_slugs(base)
        close = difflib.get_close_matches(slug, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UnknownCityError(f"unknown city {slug!r}; {hint}known: {', '.join(known) or 'none'}", base)
    try:
        data = tomllib.loads(decode_text(manifest.read_bytes(), manifest))
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"not valid TOML: {exc}", manifest) from exc
    _validate_manifest(data, manifest)
    sources = {kind: Source(kind=kind, **spec) for kind, spec in data["sources"].items()}
    return City(
        slug=slug,
        folder=folder,
        country=data["country"],
        names=data["names"],
        languages=data["languages"],
        station_language=data["station_language"],
        sources=sources,
        synthetic=data.get("synthetic", False),
        corrections=data.get("corrections", {}),
        distinct=[(a, b) for a, b in data.get("distinct", {}).get("pairs", [])],
        aliases=data.get("aliases", {}),
        station_splits=data.get("station_splits", []),
        complexes=data.get("complexes", []),
        lines=data.get("lines", {}),
        question_skips=data.get("questions", {}),
        rendered=data.get("rendered", {}),
    )


def _validate_manifest(data: dict[str, Any], manifest: Path) -> None:
    validator = Draft202012Validator(load_schema("city"))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or "(top level)"
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        message = first.message
        if first.validator == "pattern":  # say what is expected, not the regular expression
            expected = first.schema.get("description", "the documented form")
            message = f"{first.instance!r} is not valid: expected {expected[0].lower()}{expected[1:]}"
        elif first.validator in ("oneOf", "anyOf") and all("required" in s for s in first.validator_value):
            forms = " | ".join(", ".join(s["required"]) for s in first.validator_value)
            message = f"needs one of these sets of keys: {forms}; it has {', '.join(first.instance) or 'none'}"
        raise ManifestError(f"{where}: {message}{more}", manifest)
    if "en" not in data["names"]:
        raise ManifestError("names: must include an English name `en`", manifest)
