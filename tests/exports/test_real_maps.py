"""Exports of real cities with the real maps from the data root."""

from __future__ import annotations

import json
import warnings

import datasets
import pyarrow.parquet as pq
from PIL import Image

from curation.cities import load_city
from curation.cli import app

CITIES = ("miami", "oslo")


def test_real_maps_are_stored_once_and_decode(runner, data_root, tmp_path):
    graphs = tmp_path / "graphs"
    for slug in CITIES:
        assert runner.invoke(app, ["build-graph", "--city", slug, "--data-root", str(data_root), "--out", str(graphs),
                                   "--findings", "none"]).exit_code == 0
        assert runner.invoke(app, ["gen-questions", "--city", slug, "--graphs", str(graphs)]).exit_code == 0
    out = tmp_path / "export"
    result = runner.invoke(app, ["export", "--questions", str(graphs), "--graphs", str(graphs), "--out", str(out),
                                 "--data-root", str(data_root), "--test-cities", "miami", "--layout", "hf"])
    assert result.exit_code == 0, result.output
    sources = {slug: load_city(slug).source_path("map", data_root) for slug in CITIES}
    total = sum(p.stat().st_size for p in sources.values())
    assert total * 0.8 < (out / "maps.parquet").stat().st_size < total * 1.05  # the PNG bytes (zstd trims a little)
    maps = {m["city"]: m for m in pq.read_table(out / "maps.parquet").to_pylist()}
    for slug, path in sources.items():
        with Image.open(path) as image:
            assert (maps[slug]["width"], maps[slug]["height"]) == image.size
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sources"]["miami"]["map"]["license"] == "MIT"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = datasets.load_dataset("parquet", data_files={"test": str(out / "data" / "test.parquet")}, split="test",
                                   cache_dir=str(tmp_path / "cache"))
    assert ds[0]["image"].size == (maps["miami"]["width"], maps["miami"]["height"])
    image = len(maps["miami"]["image"]["bytes"])
    assert ds.num_rows > 100 and (out / "data" / "test.parquet").stat().st_size < 2 * image + 500_000
