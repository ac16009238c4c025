"""Where the project's own folders (`cities/`, `schemas/`) and the data root are."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any, cast

from curation.errors import UnknownCityError

_PACKAGE = Path(__file__).resolve().parent
DATA_ROOT_ENV = "MAPCURATE_DATA"
CITIES_ENV = "MAPCURATE_CITIES"


def _project_folder(name: str) -> Path:
    """A top-level project folder: from a source checkout, else the copy bundled in the wheel."""
    checkout = _PACKAGE.parent / name
    return checkout if checkout.is_dir() else _PACKAGE / "_bundled" / name


def project_cities_dir() -> Path:
    """The project's own city manifests (the embedded demo city lives here)."""
    return _project_folder("cities")


def cities_dir() -> Path:
    """The folder of city manifests (`MAPCURATE_CITIES` overrides the project's `cities/`)."""
    override = os.environ.get(CITIES_ENV)
    if not override:
        return project_cities_dir()
    folder = Path(override)
    if not folder.is_dir():
        raise UnknownCityError(f"{CITIES_ENV} names no folder of city manifests", folder)
    return folder


def schemas_dir() -> Path:
    """The folder of JSON Schemas."""
    return _project_folder("schemas")


def default_data_root() -> Path:
    """Data root when neither `--data-root` nor `MAPCURATE_DATA` is given."""
    override = os.environ.get(DATA_ROOT_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mapcurate" / "data"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Load `schemas/<name>.schema.json`."""
    return cast(dict[str, Any], json.loads((schemas_dir() / f"{name}.schema.json").read_text(encoding="utf-8")))
