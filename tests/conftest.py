"""Shared fixtures: the real data root (skipped when absent), scratch city folders, the CLI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.cities import load_city
from curation.resources import cities_dir

DATA_ENV = "MAPCURATE_DATA"


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The real ReasonMap/RewardMap data (`MAPCURATE_DATA`); tests needing it skip without it."""
    value = os.environ.get(DATA_ENV)
    if not value:
        pytest.skip(f"{DATA_ENV} is not set: real station lists and maps are not available")
    root = Path(value)
    if not (root / "stations").is_dir():
        pytest.skip(f"{DATA_ENV}={value} has no stations/ folder")
    return root


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def scratch_cities(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make a throwaway cities folder (MAPCURATE_CITIES) holding `demo` plus given cities."""
    root = tmp_path / "cities"
    shutil.copytree(cities_dir() / "demo", root / "demo")
    monkeypatch.setenv("MAPCURATE_CITIES", str(root))

    def make(slug: str, manifest: str, stations: dict[str, list[str]] | None = None) -> Path:
        folder = root / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "city.toml").write_text(manifest, encoding="utf-8")
        if stations is not None:
            (folder / "stations.json").write_text(json.dumps(stations, ensure_ascii=False), encoding="utf-8")
        return folder

    return make


def embedded_manifest(extra: str = "", language: str = "en") -> str:
    """A minimal manifest of a synthetic city whose station list is `stations.json`."""
    return (
        f'country = "test"\nlanguages = ["{language}"]\nstation_language = "{language}"\n'
        f'[names]\nen = "Testville"\n[sources.stations]\nembedded = "stations.json"\n{extra}'
    )


def build(slug: str):
    """Build a city from the current cities folder (embedded sources need no data root)."""
    from curation.network.build import build_network

    return build_network(load_city(slug), Path("/nonexistent"))
