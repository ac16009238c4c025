"""Synthetic cities with generated map images, built and asked, ready to export (no data root needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from curation.cli import app
from curation.resources import cities_dir

MAP_SIZES = {"alpha": (320, 240), "beta": (200, 300)}


def draw_map(path: Path, size: tuple[int, int]) -> None:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.line((10, 10, size[0] - 10, size[1] - 10), fill="#D7263D", width=6)
    draw.line((10, size[1] - 10, size[0] - 10, 10), fill="#1B4F9C", width=6)
    image.save(path, format="PNG")


@pytest.fixture
def make_cities(scratch_cities):
    """alpha and beta with maps, gamma without; each the demo network under another name."""
    root = Path(scratch_cities("gamma", "")).parent
    demo = (cities_dir() / "demo" / "city.toml").read_text(encoding="utf-8")
    for slug in ("alpha", "beta", "gamma"):
        folder = root / slug
        folder.mkdir(exist_ok=True)
        shutil.copy(cities_dir() / "demo" / "stations.json", folder / "stations.json")
        manifest = demo.replace('en = "Demoville"', f'en = "{slug.title()}"').replace("synthetic = true\n", "")
        if slug in MAP_SIZES:
            draw_map(folder / "map.png", MAP_SIZES[slug])
            manifest = manifest.replace('[sources.stations]', '[sources.map]\nembedded = "map.png"\nlicense = "CC0-1.0"'
                                        '\n\n[sources.stations]')
        (folder / "city.toml").write_text(manifest, encoding="utf-8")
    return root


@pytest.fixture
def asked(make_cities, runner, tmp_path):
    """Graphs and questions of alpha, beta, gamma under tmp/graphs (one questions.parquet per city)."""
    graphs = tmp_path / "graphs"
    for slug in ("alpha", "beta", "gamma"):
        assert runner.invoke(app, ["build-graph", "--city", slug, "--out", str(graphs)]).exit_code == 0
        result = runner.invoke(app, ["gen-questions", "--city", slug, "--graphs", str(graphs),
                                     "--per-map", "planning=6"])
        assert result.exit_code == 0, result.output
    return graphs
