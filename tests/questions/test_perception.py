"""Perception families (locate, identify, crop) on maps whose every station position is exact."""

import json
import math
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from curation.cities import load_city
from curation.coordinates import from_coords
from curation.network.build import build_cities, build_network
from curation.network.model import Network
from curation.questions.generator import FAMILIES, generate_city
from curation.questions.pixel_difficulty import pixel_difficulty, points
from curation.questions.pixels import PixelMap
from curation.questions.records import to_table
from curation.questions.views import View
from curation.resources import load_schema, project_cities_dir
from curation.synth.make import render_city

PERCEPTION = ("locate", "identify", "crop")


def drawn(tmp: Path, slug: str = "demo", data_root: Path | None = None, **options) -> Network:
    """A city drawn by mapcurate, rebuilt from its map's exact annotation."""
    city = load_city(slug, project_cities_dir() if slug == "demo" else None)
    listed = build_network(city, city.folder if slug == "demo" else data_root).network
    result = render_city(city, listed, tmp, seed=3, **options)
    rebuilt = build_cities([load_city(result.written.slug, tmp / "cities")], tmp / "data", tmp / "graphs")
    return rebuilt[0].network


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Network:
    return drawn(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def rows(demo):
    return to_table(generate_city(demo, seed=0, families=list(PERCEPTION)).questions).to_pylist()


def view_of(row) -> View:
    return View.from_dict(json.loads(row["view"]))


def test_every_perception_template_is_asked_with_a_view_and_its_own_stage(rows):
    counts = Counter(r["template"] for r in rows)
    assert set(counts) == {"locate_point", "locate_box", "identify_station", "identify_line", "identify_stops",
                           "crop_lines", "crop_next_stop"}
    assert {r["stage"] for r in rows if r["family"] == "crop"} == {1}
    assert {r["stage"] for r in rows if r["family"] != "crop"} == {2}
    assert min(FAMILIES[f].stage for f in FAMILIES if f not in PERCEPTION) == 2  # crops come first
    validator = Draft202012Validator(load_schema("question"))
    for row in rows:
        validator.validate(row)
        assert row["view"] is not None
        assert row["question"].endswith("Put your final answer in \\boxed{}.") and "{{" not in row["question"]
        assert row["answer_kind"] == {"locate_point": "point", "locate_box": "box", "identify_station": "station",
                                      "identify_line": "line", "identify_stops": "integer", "crop_lines": "lines",
                                      "crop_next_stop": "station"}[row["template"]]


def test_locate_gold_is_the_station_position_in_the_stated_convention(rows, demo):
    for row in (r for r in rows if r["family"] == "locate"):
        answer, view = json.loads(row["answer"]), view_of(row)
        station = demo.stations[answer["value"]]
        assert answer["point"] == list(station.pos)
        assert answer["coords"] in row["question"].replace("0-1000", "norm1000")
        numbers = [float(n) for n in row["answer_text"].strip("\\boxed{}()[]").split(",")]
        if row["template"] == "locate_point":
            shown = from_coords((numbers[0], numbers[1]), view.size, answer["coords"])
            assert math.dist(shown, view.to_shown(station.pos)) <= answer["radius"] * view.scale
        else:
            x0, y0 = from_coords((numbers[0], numbers[1]), view.size, answer["coords"])
            x1, y1 = from_coords((numbers[2], numbers[3]), view.size, answer["coords"])
            mx0, my0, mx1, my1 = view.box_to_shown(station.marker)
            inter = max(0, min(x1, mx1) - max(x0, mx0)) * max(0, min(y1, my1) - max(y0, my0))
            union = (x1 - x0) * (y1 - y0) + (mx1 - mx0) * (my1 - my0) - inter
            assert inter / union >= 0.67


def test_identify_rings_circle_the_stations_the_answer_is_about(rows, demo):
    for row in (r for r in rows if r["family"] == "identify"):
        answer, view = json.loads(row["answer"]), view_of(row)
        circled = [row["station_1_id"]] + ([row["station_2_id"]] if row["station_2_id"] else [])
        assert [m.center for m in view.marks] == [demo.stations[s].pos for s in circled]
        assert all(m.radius * view.scale >= 6 for m in view.marks)
        if len(view.marks) == 2:  # the two rings do not touch
            first, second = view.marks
            assert math.dist(first.center, second.center) > first.radius + second.radius
        if row["template"] == "identify_station":
            assert answer["value"] == row["station_1_id"] and row["answer_text"] == f"\\boxed{{{answer['name']}}}"
            continue
        a, b = (demo.stations[s] for s in circled)
        shared = set(a.lines) & set(b.lines)
        assert len(shared) == 1
        line = demo.lines[shared.pop()]
        if row["template"] == "identify_line":
            assert answer["value"] == line.id
        else:  # count the stops between on every ride of the line that has both: one answer
            counts = {abs(v.index(a.id) - v.index(b.id)) - 1 for v in line.variants if a.id in v and b.id in v}
            if line.loop:
                n = len(line.variants[0])
                counts = {min(c, n - c - 2) for c in counts}
            assert counts == {answer["value"]}


def test_crops_show_their_station_and_the_answer_inside_the_map(rows, demo):
    for row in (r for r in rows if r["family"] == "crop"):
        answer, view = json.loads(row["answer"]), view_of(row)
        assert view.window != (0, 0, *view.map_size) and view.size == (view.window[2] - view.window[0],
                                                                       view.window[3] - view.window[1])
        assert view.contains(demo.stations[row["station_1_id"]].pos)
        if row["template"] == "crop_lines":
            assert answer["value"] == sorted(demo.stations[row["station_1_id"]].lines)
            assert [m.center for m in view.marks] == [demo.stations[row["station_1_id"]].pos]
        else:
            nxt = demo.stations[answer["value"]]
            assert view.contains(nxt.pos, margin=2 * (nxt.marker[2] - nxt.marker[0]) / 2)
            assert answer["line"] in nxt.lines and answer["line"] in demo.stations[row["station_1_id"]].lines


def test_only_located_stations_are_asked_about(demo):
    network = Network.from_dict(demo.to_dict())
    located = sorted(network.stations)[::2]
    for sid, station in network.stations.items():
        if sid not in located:
            station.pos = station.marker = station.label = None
    questions = generate_city(network, seed=1, families=list(PERCEPTION)).questions
    assert questions
    asked = {q.station_1_id for q in questions} | {q.station_2_id for q in questions if q.family == "identify"}
    asked |= {json.loads(q.answer)["value"] for q in questions if q.template == "crop_next_stop"}
    assert asked - {None} <= set(located)


def test_no_image_or_too_few_positions_means_no_perception_questions(demo):
    network = Network.from_dict(demo.to_dict())
    network.image = None
    assert generate_city(network, seed=0, families=list(PERCEPTION)).questions == []
    assert PixelMap.of(network) is None


def test_same_seed_same_questions_another_seed_others(demo):
    first = generate_city(demo, seed=5, families=list(PERCEPTION)).questions
    assert first == generate_city(demo, seed=5, families=list(PERCEPTION)).questions
    assert first != generate_city(demo, seed=6, families=list(PERCEPTION)).questions


@pytest.mark.parametrize(("measure", "value", "expected"), [
    ("marker_share", 1 / 150, 0), ("marker_share", 1 / 151, 1), ("marker_share", 1 / 401, 2),
    ("labels_near", 2, 0), ("labels_near", 3, 1), ("labels_near", 6, 2),
    ("nearest_radii", 8, 0), ("nearest_radii", 7.9, 1), ("nearest_radii", 3.9, 2),
    ("crop_radii", 40, 0), ("crop_radii", 80, 1), ("crop_radii", 81, 2),
    ("lines_in_view", 1, 0), ("lines_in_view", 2, 1), ("lines_in_view", 3, 2),
])
def test_pixel_difficulty_thresholds(measure, value, expected):
    assert points(measure, value) == expected


def test_each_level_follows_the_mean_of_its_points(rows):
    levels = Counter()
    for row in rows:
        scored = json.loads(row["answer"])["pixels"]["points"]
        mean = sum(scored.values()) / len(scored)
        expected = "easy" if mean <= 0.5 else "medium" if mean <= 1.0 else "hard"
        assert row["difficulty_question"] == expected
        levels[expected] += 1
    assert len(levels) >= 2


def pixel_map(points_: dict[str, tuple[float, float]], size=(4000, 3000), radius=5.0) -> PixelMap:
    return PixelMap(size=size, pos=points_, labels={},
                    markers={s: (x - radius, y - radius, x + radius, y + radius) for s, (x, y) in points_.items()})


def test_a_crowded_small_marker_on_a_large_map_is_hard_an_isolated_large_one_easy():
    crowd = {f"s{i}": (2000 + 12 * (i % 4), 1500 + 12 * (i // 4)) for i in range(12)}
    hard = pixel_map({**crowd, "far": (100, 100)})
    view = View.of(hard.size)
    assert pixel_difficulty(hard, "s5", view).level == 2
    easy = pixel_map({"a": (100, 100), "b": (300, 100), "c": (100, 300)}, size=(400, 400), radius=8)
    assert pixel_difficulty(easy, "a", View.of(easy.size)).level == 0


def test_a_renamed_real_network_gets_every_family_and_none_of_its_names(data_root, tmp_path):
    """Lisboa's network drawn with every name replaced: all families are asked, route planning included,
    and no question or gold answer says a name a model could remember."""
    city = load_city("lisboa")
    original = build_network(city, data_root).network
    old = {n for s in original.stations.values() for n in (*s.names.values(), *s.aliases)}
    old |= {n for line in original.lines.values() for n in (*line.names.values(), *line.aliases)}
    result = render_city(city, original, tmp_path, rename=True, seed=3)
    renamed = build_cities([load_city(result.written.slug, tmp_path / "cities")], tmp_path / "data",
                           tmp_path / "graphs")[0].network
    questions = generate_city(renamed, seed=0).questions
    assert {q.family for q in questions} == set(FAMILIES)
    words = {w for q in questions for w in (q.question, q.answer_text)}
    assert not {name for name in old if len(name) > 3 and any(name in text for text in words)}


def test_a_proposal_s_stations_are_asked_about_only_where_it_found_their_marker_outside_the_label(demo):
    network = Network.from_dict(demo.to_dict())
    network.sources = {**network.sources, "positions": {"path": "annotation.json", "sha256": "0" * 64}}
    unmarked, lettered = sorted(network.stations)[::3], sorted(network.stations)[1::3]
    for sid in unmarked:
        network.stations[sid].marker = None
    for sid in lettered:  # a "marker" inside the station's own label: one of its round letters
        station = network.stations[sid]
        x0, y0, x1, y1 = station.label
        station.marker = ((x0 + x1) / 2 - 3, (y0 + y1) / 2 - 3, (x0 + x1) / 2 + 3, (y0 + y1) / 2 + 3)
    pixels = PixelMap.of(network)
    assert pixels is not None and set(pixels.located) == set(network.stations) - set(unmarked) - set(lettered)
    del network.sources["positions"]
    assert set(PixelMap.of(network).located) == set(network.stations)


def test_a_crop_gives_the_colours_of_its_lines_and_is_not_asked_when_two_share_a_colour(rows, demo):
    from curation.questions.line_color import colour_name

    for row in (r for r in rows if r["family"] == "crop"):
        answer = json.loads(row["answer"])
        lines = answer["value"] if row["template"] == "crop_lines" else [answer["line"]]
        for lid in lines:
            line = demo.lines[lid]
            assert f"{line.names['en']} ({colour_name(line.color)})" in row["question"]
    network = Network.from_dict(demo.to_dict())
    for line in network.lines.values():
        line.color = "#1B4F9C"  # every line blue: no crop can say which is which
    asked = generate_city(network, seed=0, families=["crop"]).questions
    assert len(asked) < len([r for r in rows if r["family"] == "crop"])
    assert all(q.question.count("(blue)") == 1 for q in asked)  # only crops that show one line are asked


def test_rings_take_the_colour_farthest_from_the_map_s_lines_and_the_question_names_it(demo):
    from curation.questions.views import RING_COLOURS, ring_colour

    assert ring_colour([]) == ("magenta", RING_COLOURS["magenta"])
    assert ring_colour(["#E4007F", "#B0279B"])[0] != "magenta"  # a magenta line: the ring is another colour
    network = Network.from_dict(demo.to_dict())
    next(iter(network.lines.values())).color = "#FF00FF"
    name, colour = ring_colour([line.color for line in network.lines.values() if line.color])
    assert name != "magenta"
    questions = generate_city(network, seed=0, families=["identify", "crop"]).questions
    marked = [q for q in questions if json.loads(q.view)["marks"]]
    assert marked and all(f"circled in {name}" in q.question for q in marked)
    assert all(m["color"] == colour for q in marked for m in json.loads(q.view)["marks"])


def test_a_ring_never_holds_two_stations(demo):
    network = Network.from_dict(demo.to_dict())
    crowded = sorted(network.stations)[:4]
    x, y = network.stations[crowded[0]].pos
    for i, sid in enumerate(crowded):  # four stations a few pixels apart
        station = network.stations[sid]
        station.pos, station.marker, station.label = (x + 3 * i, y), (x + 3 * i - 2, y - 2, x + 3 * i + 2, y + 2), None
    questions = generate_city(network, seed=0, families=["identify", "crop"], per_map={"identify": 30, "crop": 30})
    circled = {q.station_1_id for q in questions.questions if json.loads(q.view)["marks"]}
    circled |= {q.station_2_id for q in questions.questions if q.template in ("identify_line", "identify_stops")}
    assert circled and not circled & set(crowded)
