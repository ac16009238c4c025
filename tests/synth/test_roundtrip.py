"""Render → annotation → build-graph gives back the generator's network, and the annotation matches the pixels."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from curation.annotations.io import read_annotation
from curation.cities import load_city
from curation.network.build import build_network
from curation.network.model import Network
from curation.synth.make import render_synthetic
from curation.synth.procedural import NetworkSpec
from curation.synth.render import RenderOptions

# 50 seeds over specs that cover plain lines, loops, Y branches and shared track, in both scripts.
SPECS = [
    NetworkSpec(lines=3, stations_per_line=(5, 8)),
    NetworkSpec(lines=4, stations_per_line=(6, 10), loops=1),
    NetworkSpec(lines=4, stations_per_line=(6, 10), branches=1),
    NetworkSpec(lines=5, stations_per_line=(6, 10), shared_track=1),
    NetworkSpec(lines=6, stations_per_line=(6, 12), loops=1, branches=1, shared_track=1),
]
CASES = [(seed, SPECS[seed % len(SPECS)]) for seed in range(45)] + [
    (seed, NetworkSpec(lines=4, stations_per_line=(5, 9), loops=1, branches=1, shared_track=1, language="zh"))
    for seed in range(45, 50)
]
FAST = RenderOptions(scale=0.6)


def rides(network: Network) -> dict[str, tuple[bool, list[tuple[str, ...]]]]:
    """Each line's loop flag and its rides, each in a canonical direction (a loop: from its smallest station)."""
    result = {}
    for line in network.lines.values():
        canonical = []
        for ride in line.variants:
            if line.loop:
                start = ride.index(min(ride))
                turned = ride[start:] + ride[:start]
                ride = min(turned, [turned[0], *turned[1:][::-1]])
            canonical.append(tuple(min(ride, ride[::-1])))
        result[line.id] = (line.loop, sorted(canonical))
    return result


@pytest.mark.parametrize(("seed", "spec"), CASES, ids=[f"seed{s}" for s, _ in CASES])
def test_render_then_build_gives_the_generated_network(tmp_path: Path, seed: int, spec: NetworkSpec):
    result = render_synthetic(tmp_path, seed, spec, FAST)
    city = load_city(result.written.slug, tmp_path / "cities")
    built = build_network(city, tmp_path / "data")
    assert built.ok, [f.message for f in built.report.errors]
    crosscheck = [f for f in built.report.findings if f.code.startswith("annotation-")]
    assert crosscheck == [], [f.message for f in crosscheck]
    expected, got = result.network, built.network
    assert rides(got) == rides(expected)
    assert sorted(got.stations) == sorted(expected.stations)
    assert {s.id for s in got.transfer_stations} == {s.id for s in expected.transfer_stations}
    for sid, station in got.stations.items():
        assert station.names == expected.stations[sid].names
        assert station.pos is not None
    assert all(line.geometry for line in got.lines.values())
    markers_on_pixels(result.written.map, result.written.annotation)


def markers_on_pixels(png: Path, annotation_path: Path) -> None:
    """Every annotated station is drawn where the annotation says: white marker fill at its position, an
    outline (neither fill nor background) inside its marker box, and the box not mostly background
    (a diagonal capsule leaves its bounding box's corners empty)."""
    pixels = np.asarray(Image.open(png).convert("RGB"))
    annotation = read_annotation(annotation_path)
    assert (annotation.image.width, annotation.image.height) == (pixels.shape[1], pixels.shape[0])
    assert annotation.image.sha256 == hashlib.sha256(png.read_bytes()).hexdigest()
    background = tuple(int(v) for v in pixels[1, 1])
    for station in annotation.stations:
        x, y = int(station.pos[0]), int(station.pos[1])
        assert tuple(pixels[y, x]) == (255, 255, 255), f"{station.id}: no marker fill at {station.pos}"
        x0, y0, x1, y1 = (round(v) for v in station.marker.box)
        box = pixels[y0:y1, x0:x1].reshape(-1, 3)
        ink = ((box != (255, 255, 255)).any(axis=1) & (box != background).any(axis=1)).mean()
        assert ink > 0.1, f"{station.id}: no outline drawn in its marker box"
        assert (box != background).any(axis=1).mean() > 0.4, f"{station.id}: its marker box is mostly background"


def test_same_seed_same_bytes_across_processes(tmp_path: Path):
    """Two processes with different hash seeds write byte-identical cities."""
    outputs = []
    for hash_seed in ("1", "4242"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, "-m", "curation", "render", "--seed", "11", "--lines", "5", "--loops", "1",
                   "--branches", "1", "--shared-track", "1", "--scale", "0.6", "--out", str(out)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) == 4
    assert outputs[0] == outputs[1]
