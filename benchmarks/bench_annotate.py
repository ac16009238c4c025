"""Benchmark: `annotate push` and `annotate pull` of a 500-station city against a warm local Label Studio server,
and the peak memory of tiling the 278-megapixel Kuala Lumpur map, each against a baseline measured in the same run.

- push (target ≤ 5 s): a synthetic city of ~500 stations whose annotation becomes the predictions, pushed into a
  new project. Baseline: the same project made with bare HTTP — create it, upload the same tile PNGs (cut before
  the clock starts), post the same prediction results (converted before the clock starts): the requests any client
  must send, with none of mapcurate's checks. A rerun of push (nothing to add) is timed too.
- pull (target ≤ 5 s): every task annotated through the API (its prediction accepted as is), then pulled — the
  snapshot export, checked and converted to the annotation format, both files written. Baseline: one plain GET of
  the legacy JSON export, decoded.
- tiling (target ≤ 1.5 GB peak RSS): in a fresh process, read the map, plan its tiles and cut every tile to PNG,
  as push does. Baseline, in another fresh process: only decode the map to RGB, the floor of any tiler that
  decodes it.

The server is the pinned one (`~/.cache/mapcurate/label-studio-<pin>`, installed on first use, as for the tests).

    MAPCURATE_DATA=../shared/data .venv/bin/python benchmarks/bench_annotate.py [--repeat 3] [--skip-tiling]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from curation.annotations.io import read_annotation
from curation.cities import City, load_city
from curation.images import map_source
from curation.labelstudio.client import Client
from curation.labelstudio.config import ProjectSchema
from curation.labelstudio.convert import to_labelstudio
from curation.labelstudio.server import RunningServer, ensure_template, new_data_dir, new_token, start_server
from curation.labelstudio.session import pull, push
from curation.labelstudio.tiles import cut_tiles, plan_tiles
from curation.network.build import build_network
from curation.synth.make import render_synthetic
from curation.synth.procedural_spec import NetworkSpec

SPEC = NetworkSpec(lines=12, stations_per_line=(40, 48))  # seed 1: 505 stations, 5554 × 4253 px
BIG_MAP_CITY = "kl"
USERNAME, PASSWORD = "bench@mapcurate.test", "mapcurate-bench-password"


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs), result


class Bare:
    """The baseline client: bare httpx with the legacy token, no checks, nothing converted on the clock."""

    def __init__(self, server: RunningServer) -> None:
        self.http = httpx.Client(base_url=server.url, headers={"Authorization": f"Token {server.token}"},
                                 timeout=600)

    def push(self, title: str, config: str, pieces: list[tuple[str, bytes, list[dict[str, Any]]]]) -> int:
        project = int(self.http.post("/api/projects", json={"title": title, "label_config": config}).json()["id"])
        for name, png, results in pieces:
            answer = self.http.post(f"/api/projects/{project}/import", params={"return_task_ids": "true"},
                                    files={"file": (name, png, "image/png")}).json()
            self.http.post("/api/predictions", json={"task": answer["task_ids"][0], "result": results,
                                                     "model_version": "bare"}).raise_for_status()
        return project

    def export(self, project: int) -> list[dict[str, Any]]:
        answer = self.http.get(f"/api/projects/{project}/export", params={"exportType": "JSON",
                                                                           "download_all_tasks": "true"})
        answer.raise_for_status()
        tasks: list[dict[str, Any]] = json.loads(answer.content)
        return tasks


def bench_sessions(server: RunningServer, root: Path, repeat: int) -> None:
    rendered = render_synthetic(root, seed=1, spec=SPEC)
    city = load_city(rendered.written.slug, root / "cities")
    data_root = root / "data"
    truth = read_annotation(rendered.written.annotation)
    schema = ProjectSchema.of_network(build_network(city, data_root).network)
    tiles = plan_tiles(truth.image.width, truth.image.height, [s.pos for s in truth.stations])
    pinned = map_source(city, data_root)
    assert pinned is not None
    _, content = pinned.read()
    pngs = [(tiles[0], content)] if len(tiles) == 1 else list(cut_tiles(pinned.load(rgb=False), tiles))
    pieces = [(f"{i}.png", png, to_labelstudio(truth, tile, schema)) for i, (tile, png) in enumerate(pngs)]
    regions = sum(len({r["id"] for r in results}) for _, _, results in pieces)
    print(f"city: {len(truth.stations)} stations, {len(truth.lines)} lines, map {truth.image.width} × "
          f"{truth.image.height} px ({len(content) / 2**20:.1f} MiB), {len(tiles)} task(s), {regions} predicted "
          f"regions")

    bare = Bare(server)
    with Client(server.url, server.token) as client:  # warm: the server has answered and set up its workers
        client.check()
        list(client.projects())
    counter = iter(range(1_000_000))
    base_push, base_push_min, _ = timed(lambda: bare.push(f"bare {next(counter)}", schema.config(), pieces), repeat)

    runs, pushed = [], []
    for i in range(repeat):  # each run pushes into a new project: the previous one is deleted off the clock
        if pushed:
            bare.http.delete(f"/api/projects/{pushed[-1][1]}").raise_for_status()
        out = root / f"exports-{i}"
        start = time.perf_counter()
        report = push(city, data_root, url=server.url, token=server.token, out=out)
        runs.append(time.perf_counter() - start)
        assert report.project_created and report.predictions_created == len(tiles), report
        pushed.append((out, report.project_id))
    push_median, push_min = statistics.median(runs), min(runs)
    out, project_id = pushed[-1]
    rerun_median, _, rerun = timed(lambda: push(city, data_root, url=server.url, token=server.token, out=out),
                                   repeat)
    assert rerun.tasks_created == rerun.predictions_created == 0, rerun

    with Client(server.url, server.token) as client:  # a curator accepts every prediction as it is
        for task in client.tasks(project_id):
            [prediction] = client.predictions(int(task["id"]))
            client.create_annotation(int(task["id"]), prediction["result"])
    base_pull, base_pull_min, exported = timed(lambda: bare.export(project_id), repeat)
    assert len(exported) == len(tiles)
    pull_median, pull_min, report = timed(lambda: pull(city, url=server.url, token=server.token, out=out), repeat)
    assert report.stations == len(truth.stations), report

    print(f"baseline push (bare HTTP):         median {base_push:6.2f} s, min {base_push_min:6.2f} s")
    print(f"mapcurate annotate push (new):     median {push_median:6.2f} s, min {push_min:6.2f} s   "
          f"(target ≤ 5 s)   ratio {push_median / base_push:.2f}x")
    print(f"mapcurate annotate push (rerun):   median {rerun_median:6.2f} s   (nothing to add)")
    print(f"baseline pull (one legacy export): median {base_pull:6.2f} s, min {base_pull_min:6.2f} s")
    print(f"mapcurate annotate pull:           median {pull_median:6.2f} s, min {pull_min:6.2f} s   "
          f"(target ≤ 5 s)   ratio {pull_median / base_pull:.2f}x")


def tiling_child(mode: str, data_root: Path) -> None:
    """In this (fresh) process: decode the big map, or cut all of its tiles as push does; print figures."""
    city: City = load_city(BIG_MAP_CITY)
    pinned = map_source(city, data_root)
    assert pinned is not None
    start = time.perf_counter()
    info, _content = pinned.read()
    tiles = plan_tiles(info.width, info.height)
    image = pinned.load(rgb=False) if mode == "tile" else pinned.load()
    encoded = sum(len(png) for _, png in cut_tiles(image, tiles)) if mode == "tile" else 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps({"seconds": time.perf_counter() - start, "peak": peak, "width": info.width,
                      "height": info.height, "tiles": len(tiles), "encoded": encoded}))


def bench_tiling(data_root: Path) -> None:
    def child(mode: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, __file__, "--child", mode], check=True, capture_output=True,
                              text=True, env={**os.environ, "MAPCURATE_DATA": str(data_root)})
        figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return figures

    base, tiled = child("decode"), child("tile")
    megapixels = base["width"] * base["height"] / 1e6
    print(f"map: {BIG_MAP_CITY}, {base['width']} × {base['height']} px ({megapixels:.0f} MP), {tiled['tiles']} tiles, "
          f"{tiled['encoded'] / 2**20:.1f} MiB of tile PNGs")
    print(f"baseline decode to RGB:            peak RSS {base['peak'] / 2**30:5.2f} GiB, {base['seconds']:6.1f} s")
    print(f"mapcurate tiling (read+plan+cut):  peak RSS {tiled['peak'] / 2**30:5.2f} GiB, {tiled['seconds']:6.1f} s"
          f"   (target ≤ 1.5 GB = {1.5e9 / 2**30:.2f} GiB)   ratio {tiled['peak'] / base['peak']:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-tiling", action="store_true")
    parser.add_argument("--child", choices=("decode", "tile"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_root = Path(os.environ.get("MAPCURATE_DATA", "../shared/data"))
    if args.child:
        tiling_child(args.child, data_root)
        return 0
    with tempfile.TemporaryDirectory(prefix="mapcurate-bench-annotate.") as tmp:
        root = Path(tmp)
        ensure_template(progress=True)
        new_data_dir(root / "label-studio", progress=False)
        with start_server(root / "label-studio", username=USERNAME, password=PASSWORD, token=new_token()) as server:
            bench_sessions(server, root / "work", args.repeat)
    if args.skip_tiling:
        return 0
    if not (data_root / "maps").is_dir():
        print(f"no maps under {data_root}; set MAPCURATE_DATA (tiling skipped)", file=sys.stderr)
        return 2
    bench_tiling(data_root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
