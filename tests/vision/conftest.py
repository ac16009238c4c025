"""Synthetic maps for the vision tests: every station's position, marker, kind and lines known exactly."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image

from curation.images import load_image
from curation.network.model import Network
from curation.synth.make import render_synthetic
from curation.synth.procedural_spec import NetworkSpec


@dataclass(frozen=True)
class Synthetic:
    image: Image.Image
    stations: list[dict[str, Any]]
    network: Network


@pytest.fixture(scope="session", params=[1, 3], ids=["seed1", "seed3"])
def synthetic(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    rendered = render_synthetic(tmp_path_factory.mktemp("synth"), seed=request.param,
                                spec=NetworkSpec(lines=6, stations_per_line=(10, 20)))
    stations = json.loads(rendered.written.annotation.read_text(encoding="utf-8"))["stations"]
    return Synthetic(load_image(rendered.written.map), stations, rendered.network)


@pytest.fixture(scope="session")
def small_synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    """A two-line map of 1744 × 1167 px with 25 Latin labels (OCR is slow: keep it small)."""
    rendered = render_synthetic(tmp_path_factory.mktemp("small"), seed=3, spec=NetworkSpec(lines=2))
    stations = json.loads(rendered.written.annotation.read_text(encoding="utf-8"))["stations"]
    return Synthetic(load_image(rendered.written.map), stations, rendered.network)
