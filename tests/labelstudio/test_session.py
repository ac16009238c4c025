"""push → annotate through the API as a curator would → pull → build-graph, against a real Label Studio server.

One project per test: each test renders its own synthetic city (its slug names the project)."""

from __future__ import annotations

import copy
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from curation.annotations.io import read_annotation
from curation.cities import City, load_city, with_annotation
from curation.errors import LabelStudioError
from curation.labelstudio.client import Client
from curation.labelstudio.server import RunningServer, free_port, new_data_dir, start_server
from curation.labelstudio.session import pull, push
from curation.network.build import build_network
from curation.synth.make import render_synthetic
from curation.synth.procedural import NetworkSpec
from tests.labelstudio.conftest import TEST_PASSWORD, TEST_TOKEN, TEST_USERNAME


def rendered(tmp_path: Path, seed: int, lines: int = 3) -> tuple[City, Path]:
    result = render_synthetic(tmp_path, seed=seed, spec=NetworkSpec(lines=lines, stations_per_line=(6, 10)))
    return load_city(result.written.slug, tmp_path / "cities"), tmp_path / "data"


def task_results(client: Client, project_id: int) -> list[tuple[int, list[dict[str, Any]]]]:
    """Each task and its prediction's results, by task id."""
    return [(int(t["id"]), copy.deepcopy(client.predictions(int(t["id"]))[0]["result"]))
            for t in sorted(client.tasks(project_id), key=lambda t: int(t["id"]))]


def counts(client: Client, project_id: int) -> tuple[int, int]:
    tasks = client.tasks(project_id)
    return len(tasks), sum(len(client.predictions(int(t["id"]))) for t in tasks)


def shift(results: list[dict[str, Any]], region: str, old: tuple[float, float], dx_pct: float) -> None:
    """Move a keypoint (and its names) and the line vertices on it to the right by `dx_pct` percent."""
    for r in results:
        value = r["value"]
        if r["id"] == region:
            value["x"] += dx_pct
        for vertex in value.get("vertices", []):
            if math.isclose(vertex["x"], old[0], abs_tol=1e-9) and math.isclose(vertex["y"], old[1], abs_tol=1e-9):
                vertex["x"] += dx_pct


def test_push_annotate_pull_build(label_studio: RunningServer, tmp_path: Path) -> None:
    city, data_root = rendered(tmp_path, seed=11)
    out = tmp_path / "exports"
    report = push(city, data_root, url=label_studio.url, token=label_studio.token, out=out)
    assert (report.tiles, report.tasks_created, report.predictions_created) == (1, 1, 1)
    assert report.predictions_source == "annotation"
    truth = read_annotation(city.source_path("annotation", data_root))
    truth_net = build_network(city, data_root).network
    width = truth.image.width

    with Client(label_studio.url, label_studio.token) as client:
        [(task_id, results)] = task_results(client, report.project_id)
        by_id = {s.id: s for s in truth.stations}
        on_one_line = sorted(sid for sid, s in truth_net.stations.items() if len(s.lines) == 1)
        moved, renamed, deleted = on_one_line[0], on_one_line[1], on_one_line[-1]
        # moved 12 px right, with the line's vertex on it
        point = next(r for r in results if r["id"] == f"s-{moved}" and r["type"] == "keypointlabels")["value"]
        shift(results, f"s-{moved}", (point["x"], point["y"]), 1200.0 / width)
        # renamed
        for r in results:
            if r["id"] == f"s-{renamed}" and r["type"] == "textarea":
                r["value"]["text"] = ["Curator's Corner"]
        # deleted (its marker and name; the line still runs past where it was)
        results = [r for r in results if r["id"] != f"s-{deleted}"]
        # added: halfway between two neighbours on a line
        line = sorted(truth_net.lines.values(), key=lambda x: x.id)[0]
        a, b = (by_id[s].pos for s in line.variants[0][2:4])
        if deleted in line.variants[0][1:5] or moved in line.variants[0][1:5]:
            pytest.fail("the chosen stations must not touch the added station's segment")  # seed 11 keeps them apart
        mid = ((a[0] + b[0]) / 2 / width * 100, (a[1] + b[1]) / 2 / truth.image.height * 100)
        geometry = {"x": mid[0], "y": mid[1], "width": 0.4}
        common = {"to_name": "map", "original_width": width, "original_height": truth.image.height}
        results += [{"id": "newhalt01", "type": "keypointlabels", "from_name": "station", **common,
                     "value": {**geometry, "keypointlabels": ["station"]}},
                    {"id": "newhalt01", "type": "textarea", "from_name": "name_en", **common,
                     "value": {**geometry, "text": ["New Halt"]}}]
        client.create_annotation(task_id, results)

    pulled = pull(city, url=label_studio.url, token=label_studio.token, out=out)
    assert (pulled.annotated, pulled.annotators) == (1, [TEST_USERNAME])
    assert (out / city.slug / "labelstudio" / "export.json").is_file()
    network = build_network(with_annotation(city, pulled.annotation_path), data_root).network

    expected_ids = (set(truth_net.stations) - {deleted, renamed}) | {"curator-s-corner", "new-halt"}
    assert set(network.stations) == expected_ids
    for sid, station in network.stations.items():
        if sid in truth_net.stations:
            x, y = truth_net.stations[sid].pos or (0, 0)
            assert station.pos is not None
            assert math.dist(station.pos, (x + (12 if sid == moved else 0), y)) < 1e-3, sid
    assert network.stations["new-halt"].lines == [line.id]
    ride = network.lines[line.id].variants[0]
    original = [s for s in line.variants[0] if s != deleted]
    original = ["curator-s-corner" if s == renamed else s for s in original]
    assert ride in ([*original[:3], "new-halt", *original[3:]], [*original[:3], "new-halt", *original[3:]][::-1])
    for line_id, truth_line in truth_net.lines.items():
        if line_id != line.id:
            want = [("curator-s-corner" if s == renamed else s) for s in truth_line.variants[0] if s != deleted]
            assert network.lines[line_id].variants[0] == want


def test_push_twice_adds_nothing(label_studio: RunningServer, tmp_path: Path) -> None:
    city, data_root = rendered(tmp_path, seed=12)
    out = tmp_path / "exports"
    first = push(city, data_root, url=label_studio.url, token=label_studio.token, out=out)
    (out / city.slug / "labelstudio" / "project.json").unlink()  # found again by its title
    second = push(city, data_root, url=label_studio.url, token=label_studio.token, out=out)
    assert second.project_id == first.project_id and not second.project_created
    assert (second.tasks_created, second.predictions_created) == (0, 0)
    with Client(label_studio.url, label_studio.token) as client:
        assert counts(client, first.project_id) == (1, 1)


def test_tiled_push_pulls_positions_back(label_studio: RunningServer, tmp_path: Path) -> None:
    city, data_root = rendered(tmp_path, seed=13, lines=4)
    out = tmp_path / "exports"
    report = push(city, data_root, url=label_studio.url, token=label_studio.token, out=out, max_task_pixels=1,
                  tile_size=1024)
    assert report.tiles >= 2
    truth = read_annotation(city.source_path("annotation", data_root))
    with Client(label_studio.url, label_studio.token) as client:
        assert counts(client, report.project_id) == (report.tiles, report.tiles)
        for task_id, results in task_results(client, report.project_id):
            client.create_annotation(task_id, results)  # every prediction accepted as it is
    pulled = read_annotation(pull(city, url=label_studio.url, token=label_studio.token, out=out).annotation_path)
    truth_pos = {s.labels["en"].text: s.pos for s in truth.stations}
    assert sorted(s.labels["en"].text for s in pulled.stations) == sorted(truth_pos)  # seam stations once
    assert max(math.dist(s.pos, truth_pos[s.labels["en"].text]) for s in pulled.stations) <= 0.5
    got = build_network(with_annotation(city, Path(out / city.slug / "labelstudio" / "annotation.json")), data_root)
    want = build_network(city, data_root)
    assert {k: v.variants for k, v in got.network.lines.items()} == {
        k: v.variants for k, v in want.network.lines.items()}


def test_a_push_killed_with_the_server_completes_on_rerun(label_studio_template: Path, tmp_path: Path) -> None:
    city, data_root = rendered(tmp_path, seed=14, lines=4)
    out = tmp_path / "exports"
    data_dir = tmp_path / "ls"
    new_data_dir(data_dir, progress=False)
    port = free_port()
    server = start_server(data_dir, port=port, username=TEST_USERNAME, password=TEST_PASSWORD, token=TEST_TOKEN)
    try:
        def kill_after_two(what: str, done: int, total: int) -> None:
            if what == "upload" and done == 2:
                server.kill()

        with pytest.raises(LabelStudioError, match="cannot reach Label Studio"):
            push(city, data_root, url=server.url, token=TEST_TOKEN, out=out, max_task_pixels=1, tile_size=1024,
                 on_step=kill_after_two)
        server = start_server(data_dir, port=port, username=TEST_USERNAME, password=TEST_PASSWORD, token=TEST_TOKEN)
        report = push(city, data_root, url=server.url, token=TEST_TOKEN, out=out, max_task_pixels=1, tile_size=1024)
        assert report.tasks_created == report.tiles - 2
        with Client(server.url, TEST_TOKEN) as client:
            assert counts(client, report.project_id) == (report.tiles, report.tiles)
    finally:
        server.stop()


@pytest.mark.parametrize(("url", "token", "message"), [
    (None, "f" * 40, r"refused the API token \(401\)"),
    ("http://127.0.0.1:{free}", TEST_TOKEN, "cannot reach Label Studio at http://127.0.0.1:"),
    ("ftp://127.0.0.1", TEST_TOKEN, "must start with http:// or https://"),
    ("{server}/no/such/prefix", TEST_TOKEN,
     "does not answer as a Label Studio server|not the Label Studio API"),
])
def test_bad_server_settings_give_one_line(label_studio: RunningServer, tmp_path: Path, url: str | None, token: str,
                                           message: str) -> None:
    city, data_root = rendered(tmp_path, seed=15, lines=2)
    target = (url or "{server}").format(server=label_studio.url, free=free_port())
    run = subprocess.run([sys.executable, "-m", "curation", "annotate", "push", "--city", city.slug,
                          "--data-root", str(data_root), "--out", str(tmp_path / "exports")],
                         env={"PATH": "/usr/bin:/bin", "MAPCURATE_CITIES": str(tmp_path / "cities"),
                              "LABEL_STUDIO_URL": target, "LABEL_STUDIO_API_KEY": token},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert re.search(message, lines[0]), lines[0]
    assert not (tmp_path / "exports").exists() or not any((tmp_path / "exports").rglob("*.json"))
