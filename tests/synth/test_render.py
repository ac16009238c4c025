"""The renderer: pixels agree with the annotation, labels and traces are exact, output is deterministic."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import shapely
from PIL import Image

from curation.network.model import Line, Network, Station
from curation.synth.fonts import MissingFontError, find_cjk_font
from curation.synth.geometry import Layout, edge_key
from curation.synth.render import RenderError, RenderOptions, render_map
from curation.synth.style import BACKGROUND, style_for

# --- inputs -----------------------------------------------------------------------------------------------------

DEMO_POS = {
    "airport": (0, 4), "harbor": (3, 4), "central": (6, 4), "museum": (9, 4), "university": (12, 4),
    "northgate": (15, 4), "market": (6, 7), "riverside": (9, 7), "stadium": (12, 7), "old-town": (9, 1),
    "docks": (5, 10), "fairground": (15, 7), "westfield": (0, 7), "park-lane": (2, 7),
    "fork-junction": (8, 9), "eastport": (11, 9), "seaview": (14, 9), "hillcrest": (8, 12), "summit": (8, 14),
}
DEMO_BENDS = {("old-town", "university"): [(11, 1), (12, 2)], ("central", "old-town"): [(6, 2), (7, 1)],
              ("docks", "harbor"): [(3, 8)], ("docks", "stadium"): [(9, 10)]}


def demo_network() -> Network:
    """The CLI's demo network (four lines, a loop and a branched line)."""
    lines = {
        "blue-line": (["central", "market", "riverside", "stadium", "university", "old-town"], True, "#1B4F9C"),
        "green-line": (["westfield", "park-lane", "market", "fork-junction", "eastport", "seaview"], False,
                       "#2E9E48"),
        "harbour-line": (["harbor", "docks", "stadium", "fairground"], False, "#F7931D"),
        "red-line": (["airport", "harbor", "central", "museum", "university", "northgate"], False, "#D7263D"),
    }
    network_lines = {k: Line(k, {"en": k.replace("-", " ").title()}, [v], color=c, loop=loop)
                     for k, (v, loop, c) in lines.items()}
    network_lines["green-line"].variants.append(["westfield", "park-lane", "market", "fork-junction", "hillcrest",
                                                 "summit"])
    return _network("demo", network_lines, {s: {"en": s.replace("-", " ").title() + " Station"} for s in DEMO_POS})


def demo_layout(network: Network) -> Layout:
    edges = {}
    for line in network.lines.values():
        for a, b in line.edges():
            key = edge_key(a, b)
            edges[key] = tuple(map(_float_point, [DEMO_POS[key[0]], *DEMO_BENDS.get(key, []), DEMO_POS[key[1]]]))
    return Layout({k: _float_point(p) for k, p in DEMO_POS.items()}, edges)


_SYLLABLES = ("ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "an", "bri", "ce", "lu", "mar", "ost", "pin")
_HANZI = "东西南北中山河湖海桥路街门园城村港站台公大新龙华安"


def grid_network(seed: int, n_lines: int = 4, steps: int = 8, spacing: int = 3) -> tuple[Network, Layout]:
    """Random octilinear walks on a grid (every `spacing` units); lines share stations and track edges."""
    rng = random.Random(seed)
    dirs = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)]
    trunk = [(i, 0) for i in range(steps)]
    walks = []
    for k in range(n_lines):
        start = rng.randrange(1, steps // 2)  # every line rides part of the trunk, then wanders off
        walk = trunk[start - 1:start + 2 + k % 2]
        d = rng.choice([1, 2, 3, 5, 6, 7])
        while len(walk) < steps:
            x, y = walk[-1]
            if rng.random() < 0.3:
                d = (d + rng.choice([-1, 1])) % 8
            nxt = (x + dirs[d][0], y + dirs[d][1])
            if nxt in walk or nxt[1] == 0:
                d = (d + 2) % 8
                continue
            walk.append(nxt)
        walks.append(walk)
    names: dict[tuple[int, int], str] = {}
    for walk in walks:
        for p in walk:
            names.setdefault(p, f"s{len(names):03d}")
    lines = {}
    for k, walk in enumerate(walks):
        lines[f"line-{k + 1}"] = Line(f"line-{k + 1}", {"en": f"Line {k + 1}", "zh": f"{k + 1}号线"},
                                      [[names[p] for p in walk]])
    station_names = {}
    for sid in names.values():
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        zh = "".join(rng.choice(_HANZI) for _ in range(rng.randint(2, 4))) + "站"
        station_names[sid] = {"en": word if rng.random() < 0.5 else f"{word} Road", "zh": zh}
    network = _network(f"grid-{seed}", lines, station_names)
    positions = {sid: (float(p[0] * spacing), float(p[1] * spacing)) for p, sid in names.items()}
    edges = {edge_key(a, b): (positions[edge_key(a, b)[0]], positions[edge_key(a, b)[1]])
             for line in lines.values() for a, b in line.edges()}
    return network, Layout(positions, edges)


def _float_point(p: tuple[int, int]) -> tuple[float, float]:
    return float(p[0]), float(p[1])


def _network(city: str, lines: dict[str, Line], names: dict[str, dict[str, str]]) -> Network:
    stations = {sid: Station(sid, n) for sid, n in sorted(names.items())}
    for line_id, line in sorted(lines.items()):
        for sid in line.station_ids:
            stations[sid].lines.append(line_id)
    return Network(city, "xx", {"en": city}, ["en", "zh"], stations, lines)


# --- helpers ----------------------------------------------------------------------------------------------------

def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def rgb(color: str) -> np.ndarray:
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])


@pytest.fixture(scope="module")
def demo():
    network = demo_network()
    return network, render_map(network, demo_layout(network), "demo.png")


@pytest.fixture(scope="module")
def grid():
    network, layout = grid_network(7, n_lines=5, steps=9)
    return network, render_map(network, layout, "grid.png", RenderOptions(scale=1.25))


@pytest.fixture(params=["demo", "grid"])
def rendered(request, demo, grid):
    return {"demo": demo, "grid": grid}[request.param]


# --- the pixel checks -------------------------------------------------------------------------------------------

def test_marker_centre_is_white_fill_and_served_lines_leave_it(rendered):
    network, result = rendered
    img = pixels(result.png)
    traces = {t.id: t for t in result.annotation.lines}
    for mark in result.annotation.stations:
        x, y = mark.pos
        assert tuple(img[int(y), int(x)]) == (255, 255, 255), mark.id
        x0, y0, x1, y1 = mark.marker.box
        outside = shapely.box(x0 - 2, y0 - 2, x1 + 2, y1 + 2)  # antialiasing bleeds < 1 px
        for line_id in network.stations[mark.id].lines:
            variants = network.lines[line_id].variants
            polyline = next(p for p, v in zip(traces[line_id].polylines, variants, strict=True) if mark.id in v)
            line = shapely.LineString(polyline)
            at = line.project(shapely.Point(mark.pos))
            sampled = 0
            for sign in (-1, 1):
                for step in np.arange(1, 3 * (x1 - x0), 0.5):
                    q = line.interpolate(at + sign * step)
                    if not outside.contains(q) and 0 < at + sign * step < line.length:
                        pixel = img[int(q.y), int(q.x)]
                        assert tuple(pixel) != BACKGROUND, (mark.id, line_id, q)
                        assert np.abs(pixel.astype(int) - rgb(traces[line_id].color)).max() < 90, (mark.id, line_id)
                        sampled += 1
                        break
            assert sampled >= 1, (mark.id, line_id)


def test_markers_have_the_shape_their_kind_needs(rendered):
    network, result = rendered
    for mark in result.annotation.stations:
        served = len(network.stations[mark.id].lines)
        assert mark.kind == ("interchange" if served >= 2 else "station")
        assert mark.marker.shape in (("circle",) if served < 2 else ("circle", "capsule", "rounded_box"))
        x0, y0, x1, y1 = mark.marker.box
        assert abs((x0 + x1) / 2 - mark.pos[0]) < 1e-6 and abs((y0 + y1) / 2 - mark.pos[1]) < 1e-6
    assert any(m.marker.shape == "capsule" for m in result.annotation.stations) == (network.city.startswith("grid"))


def test_labels_lie_inside_the_image_and_their_text_is_dark(rendered):
    network, result = rendered
    img = pixels(result.png)
    height, width = img.shape[:2]
    assert (result.annotation.image.width, result.annotation.image.height) == (width, height)
    assert result.stats["width"] == width and result.stats["height"] == height
    for mark in result.annotation.stations:
        assert set(mark.labels) == {"en"}
        label = mark.labels["en"]
        assert label.text == network.stations[mark.id].names["en"]
        x0, y0, x1, y1 = (int(v) for v in label.box)
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        crop = img[y0:y1, x0:x1].astype(int).sum(axis=2)
        assert crop.min() < 200, mark.id  # dark text
        # the box is tight: its first and last rows and columns hold ink
        for edge in (crop[0], crop[-1], crop[:, 0], crop[:, -1]):
            assert edge.min() < sum(BACKGROUND), mark.id


def test_traces_pass_every_station_of_their_variant(rendered):
    network, result = rendered
    width, height = result.annotation.image.width, result.annotation.image.height
    marks = {m.id: m for m in result.annotation.stations}
    for trace in result.annotation.lines:
        line = network.lines[trace.id]
        assert trace.network_id == trace.id and trace.names == line.names
        assert len(trace.polylines) == len(line.variants)
        for polyline, variant in zip(trace.polylines, line.variants, strict=True):
            assert all(0 <= x <= width and 0 <= y <= height for x, y in polyline)
            if line.loop:
                assert polyline[0] == polyline[-1]
            geometry = shapely.LineString(polyline)
            positions = [geometry.project(shapely.Point(marks[s].pos)) for s in variant]
            for sid in variant:
                assert geometry.distance(shapely.Point(marks[sid].pos)) <= marks[sid].marker.radius, (trace.id, sid)
            assert positions == sorted(positions), trace.id  # riding order


def test_no_stroke_of_a_line_not_serving_a_station_crosses_its_marker(rendered):
    network, result = rendered
    img = pixels(result.png).astype(int)
    style = style_for(result.stats["scale"])
    traces = {t.id: t for t in result.annotation.lines}
    assert result.stats["marker_crossings"] == 0
    for mark in result.annotation.stations:
        served = network.stations[mark.id].lines
        box = shapely.box(*mark.marker.box)
        x0, y0, x1, y1 = (int(v) for v in mark.marker.box)
        crop = img[y0:y1 + 1, x0:x1 + 1].reshape(-1, 3)
        for line_id, trace in traces.items():
            if line_id in served:
                continue
            for polyline in trace.polylines:
                assert shapely.LineString(polyline).buffer(style.line_width / 2).disjoint(box), (mark.id, line_id)
            colour = rgb(trace.color)
            if all(np.abs(colour - rgb(traces[s].color)).max() > 80 for s in served):
                assert np.abs(crop - colour).max(axis=1).min() > 25, (mark.id, line_id)


def test_parallel_strokes_keep_their_side_along_shared_runs(grid):
    network, result = grid
    traces = {t.id: t.polylines[0] for t in result.annotation.lines}
    spacing = style_for(result.stats["scale"]).stroke_spacing
    shared = 0
    for a_id in sorted(traces):
        for b_id in sorted(traces):
            if a_id >= b_id:
                continue
            a_var, b_var = network.lines[a_id].variants[0], network.lines[b_id].variants[0]
            b_edges = {edge_key(*e) for e in pairwise(b_var)}
            sides = []
            for u, v in pairwise(a_var):
                if edge_key(u, v) not in b_edges:
                    continue
                # the side of b relative to a's travel direction, at the middle of the shared edge
                pa, pb = _mid(traces[a_id], u, v, result), _mid(traces[b_id], u, v, result)
                du = np.subtract(*reversed([result.annotation.station(u).pos, result.annotation.station(v).pos]))
                across = (du[0] * (pb[1] - pa[1]) - du[1] * (pb[0] - pa[0])) / np.hypot(*du)
                sides.append(np.sign(across))
                slots = abs(across) / spacing  # whole multiples of the stroke spacing apart
                assert round(slots) >= 1 and abs(slots - round(slots)) < 0.05, (a_id, b_id, u, v, across)
            shared += len(sides)
            assert len(set(sides)) <= 1, (a_id, b_id, sides)
    assert shared >= 3


def _mid(polyline, u, v, result) -> np.ndarray:
    """The midpoint of a line's traced stroke between stations u and v."""
    geometry = shapely.LineString(polyline)
    pu, pv = (geometry.project(shapely.Point(result.annotation.station(s).pos)) for s in (u, v))
    q = geometry.interpolate((pu + pv) / 2)
    return np.array([q.x, q.y])


def test_annotation_provenance_and_ids(demo):
    network, result = demo
    doc = result.annotation.to_dict()
    assert doc["image"]["sha256"] == hashlib.sha256(result.png).hexdigest()
    for item in doc["stations"] + doc["lines"]:
        assert item["provenance"] == {"source": "synthetic", "tool": "mapcurate-synth/1"}
        assert item["confidence"] == 1 and item["network_id"] == item["id"]
    assert {s["id"] for s in doc["stations"]} == set(network.stations)
    assert {line["id"]: line["color"] for line in doc["lines"]} == {k: v.color for k, v in network.lines.items()}
    assert result.stats["label_overlaps"] == 0 and result.stats["labels_ambiguous"] == 0
    assert result.stats["labels_unplaced"] <= 1  # one label crosses a line rather than sit nearer another station


# --- fonts ------------------------------------------------------------------------------------------------------

def test_chinese_labels_render_stacked_over_english(tmp_path):
    if find_cjk_font() is None:
        pytest.skip("no CJK font installed (pip install manimgx-fonts-cjk)")
    network, layout = grid_network(3)
    result = render_map(network, layout, "zh.png", RenderOptions(languages=("zh", "en")))
    img = pixels(result.png).astype(int).sum(axis=2)
    for mark in result.annotation.stations:
        zh, en = mark.labels["zh"], mark.labels["en"]
        assert zh.text == network.stations[mark.id].names["zh"] and en.text == network.stations[mark.id].names["en"]
        assert zh.box[3] <= en.box[1]  # Chinese above English
        assert (zh.box[3] - zh.box[1]) > (en.box[3] - en.box[1]) * 0.9  # and not smaller
        x0, y0, x1, y1 = (int(v) for v in zh.box)
        assert (img[y0:y1, x0:x1] < 200).mean() > 0.05, mark.id  # CJK glyphs, not empty boxes
    Path("/tmp/mapcurate-test-zh.png").write_bytes(result.png) if os.environ.get("MAPCURATE_KEEP_PNG") else None


def test_missing_cjk_font_is_one_line_error_naming_the_package(tmp_path, monkeypatch):
    network, layout = grid_network(3)
    with pytest.raises(MissingFontError) as error:
        render_map(network, layout, "zh.png", RenderOptions(languages=("zh",), font_dir=str(tmp_path)))
    message = str(error.value)
    assert "\n" not in message and "manimgx-fonts-cjk" in message and str(tmp_path) in message
    monkeypatch.setenv("MAPCURATE_FONT_DIR", str(tmp_path))
    with pytest.raises(MissingFontError):
        render_map(network, layout, "zh.png", RenderOptions(languages=("zh",)))
    latin = render_map(network, layout, "en.png", RenderOptions(languages=("en",)))  # Pillow's own font
    assert latin.stats["labels"] == len(network.stations)


# --- determinism and size ---------------------------------------------------------------------------------------

_SCRIPT = """
import hashlib, json, sys
sys.path.insert(0, {root!r})
from tests.synth.test_render import grid_network
from curation.synth.render import RenderError, RenderOptions, render_map
network, layout = grid_network(11)
result = render_map(network, layout, "g.png", RenderOptions(languages=("en",), label_seed=4))
doc = json.dumps(result.annotation.to_dict(), sort_keys=True)
print(hashlib.sha256(result.png).hexdigest(), hashlib.sha256(doc.encode()).hexdigest())
"""


def test_output_is_identical_across_processes_and_hash_seeds():
    root = str(Path(__file__).resolve().parents[2])
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", _SCRIPT.format(root=root)], env=env, cwd=root,
                             capture_output=True, text=True, check=True)
        outputs.add(run.stdout.strip())
    network, layout = grid_network(11)
    here = render_map(network, layout, "g.png", RenderOptions(languages=("en",), label_seed=4))
    doc = json.dumps(here.annotation.to_dict(), sort_keys=True)
    outputs.add(f"{hashlib.sha256(here.png).hexdigest()} {hashlib.sha256(doc.encode()).hexdigest()}")
    assert len(outputs) == 1


def test_megapixels_picks_the_scale():
    network, layout = grid_network(5)
    result = render_map(network, layout, "g.png", RenderOptions(megapixels=4))
    assert 3.4e6 <= result.stats["width"] * result.stats["height"] <= 4.6e6
    assert result.stats["scale"] > 1


def test_render_50_megapixels_completes():
    """A > 50 MP image in bounded time and memory (time and peak RSS printed, not asserted)."""
    network, layout = grid_network(5)
    start = time.perf_counter()
    result = render_map(network, layout, "big.png", RenderOptions(megapixels=52))
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    width, height = result.stats["width"], result.stats["height"]
    print(f"50 MP render: {width} × {height} in {seconds:.1f} s, peak RSS {rss:.0f} MB")
    assert width * height >= 50e6
    assert Image.open(io.BytesIO(result.png)).size == (width, height)
    mark = result.annotation.stations[0]
    assert mark.marker.radius > 40  # everything scaled up, markers included


def test_bad_inputs_are_one_line_errors():
    network, layout = grid_network(3)
    with pytest.raises(RenderError, match="scale must be"):
        render_map(network, layout, "x.png", RenderOptions(scale=0))
    missing = Layout({k: v for k, v in layout.positions.items() if k != "s000"}, layout.edges)
    with pytest.raises(RenderError, match="no position for s000"):
        render_map(network, missing, "x.png")
    with pytest.raises(RenderError, match="languages must"):
        render_map(network, layout, "x.png", RenderOptions(languages=()))
