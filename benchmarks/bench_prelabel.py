"""Benchmark: `mapcurate prelabel` on every real map in the data root and on synthetic maps, beside a naive baseline
measured in the same run.

Per real map, each run in a fresh process (wall time and peak RSS of that process):

- prelabel: `python -m curation prelabel --city X`. Name recall = station-list stations the proposal names and
  places; placed on a marker / on a line; precision = named stations whose position agrees with the station
  list's line order (not `position-off-line` in `curation.network.positions`: real maps have no position truth,
  so this cross-check stands in for it); seconds per megapixel of the map.
- baseline: the map decoded at native resolution, cut into plain 1600-px tiles (no overlap), each read by the
  same OCR engine, every text matched by exact normalised key (`curation.vision.match.key`). Maps over
  `--baseline-max-mp` megapixels are timed on every `--sample`-th tile only (seconds per megapixel from those;
  recall not measured): reading all of Kuala Lumpur at native resolution takes ~15 minutes.

Synthetic maps (`--seeds`, six lines each) have exact truth: name recall, name accuracy (a named station within
half a marker of its true position), median position error in marker radii.

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_prelabel.py [--cities miami oslo] [--seeds 1 2]
        [--keep DIR]  # keep each proposal (annotation, summary, overlay) for a look
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from curation.annotations.io import read_annotation
from curation.cities import city_slugs, load_city
from curation.images import decode_image, map_source, tiles
from curation.network.build import build_network
from curation.network.positions import apply_positions
from curation.vision.match import key

console = Console()


def run_child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS in GB, stdout) of a fresh Python process running `args`."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env={**os.environ, **(env or {})}, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss * 1024 / 1e9, output  # ru_maxrss is in KiB on Linux; GB = 10^9 bytes


def baseline(slug: str, data_root: Path, sample: int) -> dict[str, Any]:
    """The naive reading (module doc); runs in its own process (`--baseline-one`)."""
    from curation.vision.ocr import engine as ocr_engine

    city = load_city(slug)
    network = build_network(city, data_root).network
    pinned = map_source(city, data_root)
    assert pinned is not None
    _, content = pinned.read()
    image = decode_image(content, pinned.path)
    engine = ocr_engine()
    keys = {key(name): sid for sid, s in network.stations.items() for name in (*s.names.values(), *s.aliases)}
    found: set[str] = set()
    read_pixels = 0
    start = time.perf_counter()
    for index, (_, _, tile) in enumerate(tiles(image, 1600)):
        if index % sample == 0:
            result = engine(np.ascontiguousarray(np.asarray(tile)[..., ::-1]), use_det=True, use_cls=True,
                            use_rec=True)
            read_pixels += tile.width * tile.height
            for text in (result.txts or ()) if result.boxes is not None else ():
                if key(str(text)) in keys:
                    found.add(keys[key(str(text))])
        tile.close()
    seconds = time.perf_counter() - start
    return {"recall": len(found) / len(network.stations) if sample == 1 else None,
            "s_per_mp": seconds / (read_pixels / 1e6)}


def real_map(slug: str, data_root: Path, out: Path, max_mp: float, sample: int) -> dict[str, Any]:
    city = load_city(slug)
    seconds, rss, _ = run_child(["-m", "curation", "prelabel", "--city", slug, "--data-root", str(data_root),
                                 "--out", str(out)])
    folder = out / slug / "prelabel"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    megapixels = summary["image"]["width"] * summary["image"]["height"] / 1e6
    network = build_network(city, data_root).network
    findings = apply_positions(network, read_annotation(folder / "annotation.json"), min_confidence=0.0)
    off = sum(f.code == "position-off-line" for f in findings)
    step = 1 if megapixels <= max_mp else sample
    _, base_rss, printed = run_child([__file__, "--baseline-one", slug, "--data-root", str(data_root),
                                      "--sample", str(step)])
    base = json.loads(printed.strip().splitlines()[-1])
    named = summary["named"]
    return {"city": slug, "mp": megapixels, "scale": summary["reading_scale"]["scale"],
            "recall": named / summary["reference_stations"], "on_marker": summary["named_on_marker"],
            "on_line": summary["named_on_line"], "named": named, "reference": summary["reference_stations"],
            "precision": 1 - off / named if named else None, "s_per_mp": seconds / megapixels, "rss": rss,
            "base_recall": base["recall"], "base_s_per_mp": base["s_per_mp"], "base_rss": base_rss,
            "base_sampled": step > 1}


def synthetic(seed: int, root: Path) -> dict[str, Any]:
    from curation.synth.make import render_synthetic
    from curation.synth.procedural_spec import NetworkSpec

    folder = root / f"synthetic-{seed}"
    rendered = render_synthetic(folder, seed=seed, spec=NetworkSpec(lines=6, stations_per_line=(10, 20)))
    env = {"MAPCURATE_CITIES": str(folder / "cities"), "MAPCURATE_DATA": str(folder / "data")}
    seconds, rss, _ = run_child(["-m", "curation", "prelabel", "--city", rendered.written.slug, "--out",
                                 str(folder / "out")], env)
    truth = {s.network_id: s for s in read_annotation(rendered.written.annotation).stations}
    proposal = read_annotation(folder / "out" / rendered.written.slug / "prelabel" / "annotation.json")
    errors, right = [], 0
    for station in proposal.stations:
        if station.network_id is None:
            continue
        expected = truth[station.network_id]
        radius = expected.marker.radius if expected.marker else 6.0
        error = float(np.hypot(station.pos[0] - expected.pos[0], station.pos[1] - expected.pos[1])) / radius
        errors.append(error)
        right += error <= 0.5
    width, height = proposal.image.width, proposal.image.height
    return {"seed": seed, "stations": len(truth), "recall": len(errors) / len(truth),
            "accuracy": right / len(errors) if errors else 0.0,
            "median_error": statistics.median(errors) if errors else None,
            "s_per_mp": seconds / (width * height / 1e6), "rss": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, default=Path(os.environ.get("MAPCURATE_DATA", "../shared/data")))
    parser.add_argument("--cities", nargs="*", help="default: every city whose map is in the data root")
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2])
    parser.add_argument("--baseline-max-mp", type=float, default=30.0)
    parser.add_argument("--sample", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="write the proposals (annotation, summary, overlay) here")
    parser.add_argument("--baseline-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_one:
        print(json.dumps(baseline(args.baseline_one, args.data_root, args.sample)))
        return
    slugs = args.cities if args.cities is not None else [
        s for s in city_slugs() if load_city(s).has_source("map", args.data_root) and s != "demo"]
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch) / "out"
        rows = []
        for slug in slugs:
            rows.append(real_map(slug, args.data_root, out, args.baseline_max_mp, args.sample))
            console.print(rows[-1])
        table = Table("city", "MP", "read at", "recall", "on marker / line", "precision*", "s/MP", "peak RSS GB",
                      "baseline recall", "baseline s/MP", "baseline RSS GB", "s/MP ratio",
                      title="prelabel on real maps (*: agrees with the station list's line order)")
        for r in rows:
            table.add_row(r["city"], f"{r['mp']:.1f}", f"{r['scale']:g}×", f"{r['recall']:.2f}",
                          f"{r['on_marker']} / {r['on_line']}", f"{r['precision']:.2f}" if r["precision"] is not None
                          else "—", f"{r['s_per_mp']:.2f}", f"{r['rss']:.2f}",
                          "—" if r["base_recall"] is None else f"{r['base_recall']:.2f}",
                          f"{r['base_s_per_mp']:.2f}" + (" (sampled)" if r["base_sampled"] else ""),
                          f"{r['base_rss']:.2f}", f"{r['s_per_mp'] / r['base_s_per_mp']:.2f}")
        console.print(table)
        synth = Table("seed", "stations", "name recall", "name accuracy", "median error (radii)", "s/MP", "peak RSS GB",
                      title="prelabel on synthetic maps (exact truth)")
        for seed in args.seeds:
            s = synthetic(seed, Path(scratch))
            synth.add_row(str(s["seed"]), str(s["stations"]), f"{s['recall']:.2f}", f"{s['accuracy']:.2f}",
                          f"{s['median_error']:.2f}" if s["median_error"] is not None else "—",
                          f"{s['s_per_mp']:.2f}", f"{s['rss']:.2f}")
        console.print(synth)


if __name__ == "__main__":
    main()
