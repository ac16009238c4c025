"""The annotation importer on hand-made annotations: projection, loops, branches, pieces, ids, errors, the CLI."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from PIL import Image

from curation.annotations.io import write_annotation
from curation.annotations.model import Annotation, ImageRef, Label, LineTrace, Marker, Provenance, StationMark
from curation.cities import City, load_city
from curation.cli import app
from curation.errors import ImageError, ManifestError
from curation.network.annotations import DEFAULT_RADIUS, SLACK, import_annotation
from curation.network.build import build_network
from curation.resources import load_schema
from tests.conftest import build

PROV = Provenance("manual")
SHA = "ab" * 32


def mark(mid: str, x: float, y: float, label: str | None = None, *, r: float | None = 5.0, kind: str = "station",
         network_id: str | None = None, labels: dict[str, str] | None = None, shape: str = "circle",
         box: tuple[float, float, float, float] | None = None) -> StationMark:
    """A station mark at (x, y) with a square marker of half-size `r` (None: no marker)."""
    texts = labels if labels is not None else {"en": label if label is not None else mid.upper()}
    marker = None if r is None else Marker(shape, box or (x - r, y - r, x + r, y + r))
    return StationMark(id=mid, pos=(x, y), provenance=PROV, kind=kind, marker=marker,
                       labels={lang: Label(text) for lang, text in texts.items()}, network_id=network_id)


def trace(tid: str, name: str | dict[str, str], *polylines: list[tuple[float, float]], color: str | None = None,
          network_id: str | None = None) -> LineTrace:
    names = name if isinstance(name, dict) else {"en": name}
    return LineTrace(id=tid, names=names, polylines=tuple(tuple(p) for p in polylines), provenance=PROV,
                     color=color, network_id=network_id)


def doc(marks: list[StationMark], traces: list[LineTrace], width: int = 600, height: int = 400,
        sha256: str = SHA) -> Annotation:
    return Annotation(ImageRef("map.png", sha256, width, height), tuple(marks), tuple(traces))


def city(language: str = "en", **fields) -> City:
    """A city with no station list (so unmatched overrides are reported)."""
    base = City(slug="testville", folder=Path("/nonexistent"), country="test", names={"en": "Testville"},
                languages=[language], station_language=language, sources={})
    return replace(base, **fields)


def at(*marks_: StationMark) -> list[tuple[float, float]]:
    return [m.pos for m in marks_]


A, B, C = mark("a", 100, 100), mark("b", 200, 100), mark("c", 300, 100)
D, E = mark("d", 400, 100), mark("e", 500, 100)
SQ = [mark("a", 100, 100), mark("b", 200, 100), mark("c", 200, 200), mark("d", 100, 200)]
W, F, H = mark("w", 100, 100), mark("f", 200, 100), mark("h", 300, 200)
E2 = mark("e", 300, 100)
Y = [W, F, E2, H]

CASES = [
    # id, marks, traces, {line id: variants}, loops, finding codes (sorted, each once)
    ("simple line, trace running past both termini", [A, B, C], [trace("t", "Red", [(60, 100), (340, 100)])],
     {"red": [["a", "b", "c"]]}, set(), []),
    ("simple line with bends at the stations", [A, B, mark("c", 200, 200)],
     [trace("t", "Red", [(100, 100), (200, 100), (200, 200)])], {"red": [["a", "b", "c"]]}, set(), []),
    ("traced the other way: riding order follows the polyline", [A, B, C], [trace("t", "Red", at(C, B, A))],
     {"red": [["c", "b", "a"]]}, set(), []),
    ("loop closed at a station", SQ, [trace("t", "Ring", at(*SQ, SQ[0]))],
     {"ring": [["a", "b", "c", "d"]]}, {"ring"}, []),
    ("loop starting between stations, ends within 2 px", SQ,
     [trace("t", "Ring", [(150, 100), *at(*SQ[1:], SQ[0]), (151, 100)])],
     {"ring": [["b", "c", "d", "a"]]}, {"ring"}, []),
    ("loop closed near, not on, the first station's centre", SQ,
     [trace("t", "Ring", [(103, 99), *at(*SQ[1:]), (98, 102)])], {"ring": [["a", "b", "c", "d"]]}, {"ring"}, []),
    ("open line whose ends are 100 px apart is no loop", SQ, [trace("t", "Hook", at(*SQ))],
     {"hook": [["a", "b", "c", "d"]]}, set(), []),
    ("Y traced as two full rides", Y, [trace("t", "Green", at(W, F, E2), at(W, F, H))],
     {"green": [["w", "f", "e"], ["w", "f", "h"]]}, set(), []),
    ("Y traced as two full rides, the second backwards", Y, [trace("t", "Green", at(W, F, E2), at(H, F, W))],
     {"green": [["w", "f", "e"], ["w", "f", "h"]]}, set(), []),
    ("Y traced as trunk + branch from the fork outward", Y, [trace("t", "Green", at(W, F, E2), at(F, H))],
     {"green": [["w", "f", "e"], ["w", "f", "h"]]}, set(), ["annotation-branch-joined"]),
    ("Y traced as trunk + branch traced inward", Y, [trace("t", "Green", at(W, F, E2), at(H, F))],
     {"green": [["w", "f", "e"], ["w", "f", "h"]]}, set(), ["annotation-branch-joined"]),
    ("one ride traced in two pieces", [A, B, C, D, E], [trace("t", "Red", at(A, B, C), at(C, D, E))],
     {"red": [["a", "b", "c", "d", "e"]]}, set(), []),
    ("two pieces, the second traced backwards", [A, B, C, D, E], [trace("t", "Red", at(A, B, C), at(E, D, C))],
     {"red": [["a", "b", "c", "d", "e"]]}, set(), []),
    ("two pieces, the later one first in the line", [A, B, C, D, E], [trace("t", "Red", at(C, D, E), at(A, B, C))],
     {"red": [["a", "b", "c", "d", "e"]]}, set(), []),
    ("the same ride traced twice is one variant", [A, B, C], [trace("t", "Red", at(A, B, C), at(C, B, A))],
     {"red": [["a", "b", "c"]]}, set(), []),
    ("two lines on shared track, parallel offsets, capsule markers spanning both",
     [mark(k, x, 100, r=None, shape="capsule", box=(x - 6, 90, x + 6, 110)) for k, x in (("a", 100), ("b", 200),
                                                                                      ("c", 300))]
     + [mark("d", 400, 96, r=4)],
     [trace("r", "Red", [(100, 96), (400, 96)]), trace("b", "Blue", [(100, 104), (300, 104)])],
     {"red": [["a", "b", "c", "d"]], "blue": [["a", "b", "c"]]}, set(), []),
    ("a station 12 px off the line (marker half-size 5) is not on it", [A, B, mark("x", 150, 112)],
     [trace("t", "Red", at(A, B))], {"red": [["a", "b"]]}, set(), ["annotation-station-unserved"]),
    ("a station 6 px off the line (marker half-size 5) is on it", [A, B, mark("x", 150, 106)],
     [trace("t", "Red", at(A, B))], {"red": [["a", "x", "b"]]}, set(), []),
    ("a polyline passing no station", [A, B], [trace("t", "Red", at(A, B), [(100, 300), (300, 300)])],
     {"red": [["a", "b"]]}, set(), ["annotation-line-empty"]),
    ("a line passing only one station", [A, B, mark("z", 100, 300)],
     [trace("t", "Red", at(A, B)), trace("u", "Lone", [(50, 300), (300, 300)])], {"red": [["a", "b"]]}, set(),
     ["annotation-line-empty", "annotation-station-unserved"]),
    ("a ride passing a station twice", [A, B, C],
     [trace("t", "Red", [(100, 100), (300, 100), (300, 200), (200, 200), (200, 40)])],
     {"red": [["a", "b", "c"]]}, set(), ["annotation-station-repeated"]),
]


@pytest.mark.parametrize(("marks", "traces", "variants", "loops", "codes"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_import_geometry(marks, traces, variants, loops, codes):
    network, findings = import_annotation(city(), doc(marks, traces))
    assert {lid: line.variants for lid, line in network.lines.items()} == variants
    assert {lid for lid, line in network.lines.items() if line.loop} == loops
    assert sorted({f.code for f in findings}) == codes
    assert all(f.severity == "error" for f in findings if f.code != "annotation-branch-joined")


def test_shared_track_stations_are_transfers_with_positions_and_geometry():
    marks = [mark(k, x, 100, r=None, shape="capsule", box=(x - 6, 90, x + 6, 110)) for k, x in (("a", 100), ("b", 200))]
    traces = [trace("r", "Red", [(100, 96), (200, 96)]), trace("b", "Blue", [(100, 104), (200, 104)], color="#0000FF")]
    network, _ = import_annotation(city(), doc(marks, traces))
    assert network.stations["a"].lines == ["blue", "red"] and network.stations["a"].is_transfer
    assert network.stations["b"].pos == (200.0, 100.0)
    assert network.lines["blue"].geometry == [[(100.0, 104.0), (200.0, 104.0)]]
    assert network.lines["blue"].color == "#0000FF" and network.lines["red"].color is None
    assert network.image == {"file_name": "map.png", "sha256": SHA, "width": 600, "height": 400}


def test_tolerance_without_a_marker_is_the_median_marker_size():
    lone = mark("x", 150, 109, r=None)  # 9 px off the line
    with_markers = [mark("a", 100, 100, r=10), mark("b", 200, 100, r=10), mark("c", 300, 100, r=2), lone]
    network, findings = import_annotation(city(), doc(with_markers, [trace("t", "Red", [(100, 100), (300, 100)])]))
    assert network.lines["red"].variants == [["a", "x", "b", "c"]] and not findings  # median 10 + 1.5 ≥ 9
    bare = [mark(m.id, *m.pos, r=None) for m in with_markers]
    network, findings = import_annotation(city(), doc(bare, [trace("t", "Red", [(100, 100), (300, 100)])]))
    assert DEFAULT_RADIUS + SLACK < 9
    assert network.lines["red"].variants == [["a", "b", "c"]]
    assert [f.code for f in findings] == ["annotation-station-unserved"] and "'x'" in findings[0].message


def test_marker_half_size_plus_slack_is_the_boundary():
    for offset, on in ((5 + SLACK - 0.01, True), (5 + SLACK + 0.01, False)):
        network, _ = import_annotation(city(), doc([A, B, mark("x", 150, 100 + offset)], [trace("t", "Red", at(A, B))]))
        assert ("x" in network.lines["red"].variants[0]) is on, offset


def test_ids_from_network_id_and_from_names():
    marks = [mark("s1", 100, 100, "Central Station", network_id="centre-1"), mark("s2", 200, 100, "Museum Station"),
             mark("s3", 300, 100, "Museum"), mark("s4", 400, 100, "Old Town")]
    traces = [trace("t1", "Line 1", at(*marks[:2])), trace("t2", "M", at(*marks[1:]), network_id="metro-m")]
    network, findings = import_annotation(city(), doc(marks, traces))
    assert sorted(network.stations) == ["centre-1", "museum", "museum-station", "old-town"]
    assert network.stations["museum"].names == {"en": "Museum"}
    assert sorted(network.lines) == ["line-1", "metro-m"] and not findings


def test_chinese_names_give_pinyin_slugs_and_every_language_is_kept():
    marks = [mark("a", 100, 100, labels={"zh": "临平路站", "en": "Linping Road"}, kind="interchange"),
             mark("b", 200, 100, labels={"zh": "长阳站"})]
    traces = [trace("t", {"zh": "1号线", "en": "Line 1"}, at(*marks))]
    network, findings = import_annotation(city("zh"), doc(marks, traces))
    assert sorted(network.stations) == ["chang-yang", "lin-ping-lu"] and not findings
    assert network.stations["lin-ping-lu"].names == {"zh": "临平路站", "en": "Linping Road"}
    assert network.stations["lin-ping-lu"].marked_transfer and not network.stations["chang-yang"].marked_transfer
    assert network.lines["line-1"].names == {"zh": "1号线", "en": "Line 1"}


def test_a_name_on_two_marks_is_two_stations_with_a_warning():
    marks = [mark("n1", 100, 100, "Main St"), mark("n2", 200, 100, "Main St"), mark("x", 300, 100, "Other")]
    network, findings = import_annotation(city(), doc(marks, [trace("t", "Red", at(*marks))]))
    assert network.lines["red"].variants == [["main-st-n1", "main-st-n2", "other"]]
    assert [(f.code, f.severity, f.station) for f in findings] == [("annotation-name-repeated", "warning", "Main St")]


def test_a_manifest_split_tells_namesakes_apart_by_their_lines():
    marks = [mark("n1", 100, 100, "86 St"), mark("n2", 100, 200, "86 St"), mark("x", 200, 100, "96 St"),
             mark("y", 200, 200, "72 St")]
    split = {"name": "86 St", "groups": {"broadway": {"label": "Broadway", "on": ["1"]},
                                         "second-av": {"label": "2 Av", "on": ["Q:1", "F"]}}}
    traces = [trace("t1", "1", at(marks[0], marks[2])), trace("t2", "Q", at(marks[1], marks[3]))]
    network, findings = import_annotation(city(station_splits=[split]), doc(marks, traces))
    assert sorted(network.stations) == ["72-st", "86-st-broadway", "86-st-second-av", "96-st"] and not findings
    assert network.stations["86-st-second-av"].disambiguation == "2 Av"
    assert network.stations["86-st-second-av"].aliases == ["86 St (2 Av)"]
    both = [trace("t1", "1", at(marks[0], marks[2])), trace("t2", "Q", at(marks[1], marks[3])),
            trace("t3", "F", at(marks[0], marks[1]))]  # n1 is on 1 and F: two groups, so neither is grouped
    network, findings = import_annotation(city(station_splits=[split]), doc(marks, both))
    assert "86-st-n1" in network.stations and [f.code for f in findings] == ["annotation-name-repeated"]


def test_missing_label_language_and_unnamed_marks():
    marks = [mark("a", 100, 100, labels={"fr": "Gare"}), mark("b", 200, 100, labels={})]
    network, findings = import_annotation(city(), doc(marks, [trace("t", "Red", at(*marks))]))
    assert {(f.code, f.severity) for f in findings} == {("annotation-label-missing", "warning"),
                                                        ("annotation-station-unnamed", "error")}
    assert network.stations["gare"].names == {"fr": "Gare"}


def test_manifest_overrides_apply_to_labels_and_named_traces():
    marks = [mark("a", 100, 100, "Centrl"), mark("b", 200, 100, "Museum (North)"), mark("c", 300, 100, "Park")]
    manifest = city(corrections={"Centrl": "Central"}, aliases={"Central": ["Middle"]},
                    lines={"L1": {"names": {"en": "Red Line"}, "aliases": ["R"], "color": "#d7263d", "note": "n"}})
    traces = [trace("t1", {"en": "L1"}, at(*marks[:2])), trace("t2", "Red Line", at(*marks[1:]))]
    manifest = replace(manifest, lines={**manifest.lines, "Red Line": {"note": "by its display name"}})
    network, findings = import_annotation(manifest, doc(marks, traces))
    central = network.stations["central"]
    assert central.names == {"en": "Central"} and sorted(central.aliases) == ["Centrl", "Middle"]
    assert network.stations["museum-north"].aliases == ["Museum"]
    red = network.lines["red-line"]
    assert red.names == {"en": "Red Line"} and red.color == "#D7263D" and red.note == "n"
    assert sorted(set(red.aliases)) == ["L1", "R"] and red.source_name == "L1"
    assert network.lines["red-line-2"].note == "by its display name" and not findings


def test_overrides_matching_nothing_are_errors_without_a_station_list():
    manifest = city(corrections={"Nowhere": "X"}, aliases={"Ghost": ["G"]}, lines={"Line 9": {"note": "?"}})
    _, findings = import_annotation(manifest, doc([A, B], [trace("t", "Red", at(A, B))]))
    assert sorted((f.code, f.station or f.line) for f in findings) == [
        ("override-unknown-line", "Line 9"), ("override-unknown-station", "Ghost"),
        ("override-unknown-station", "Nowhere")]
    with_list = replace(manifest, sources=load_city("demo").sources)
    assert import_annotation(with_list, doc([A, B], [trace("t", "Red", at(A, B))]))[1] == []


def test_invalid_network_ids_are_errors():
    marks = [mark("a", 100, 100, network_id="Central St"), B]
    _, findings = import_annotation(city(), doc(marks, [trace("t", "Red", at(*marks), network_id="Red_Line")]))
    assert [f.code for f in findings] == ["annotation-id-invalid"] * 2


def test_loop_with_another_ride_is_an_error():
    traces = [trace("t", "Ring", at(*SQ, SQ[0]), at(SQ[1], mark("z", 300, 100)))]
    _, findings = import_annotation(city(), doc([*SQ, mark("z", 300, 100)], traces))
    assert "annotation-loop-branched" in {f.code for f in findings}


def test_same_annotation_in_any_order_gives_the_same_network():
    marks, traces = [*Y, mark("q", 500, 300)], [trace("t", "Green", at(W, F, E2), at(F, H)),
                                                 trace("u", "Blue", [(300, 200), (500, 300)])]
    first = import_annotation(city(), doc(marks, traces))
    again = import_annotation(city(), doc(marks[::-1], traces[::-1]))
    assert first[0].to_dict() == again[0].to_dict()
    assert sorted(first[1], key=str) == sorted(again[1], key=str)


# Building from a manifest --------------------------------------------------------------------------

ANNOTATED = ('country = "test"\nlanguages = ["en"]\nstation_language = "en"\n[names]\nen = "Testville"\n'
             '[sources.annotation]\nembedded = "annotation.json"\n')
ABC = doc([mark("a", 100, 100, "A Station"), mark("b", 200, 100, "B Station"), mark("c", 300, 100, "C Station")],
          [trace("t", "Line 1", [(100, 100), (300, 100)], color="#D7263D")])


def annotated_city(scratch_cities, slug: str, annotation: Annotation = ABC, extra: str = "",
                   stations: dict[str, list[str]] | None = None) -> Path:
    manifest = ANNOTATED + ('[sources.stations]\nembedded = "stations.json"\n' if stations is not None else "")
    folder = scratch_cities(slug, manifest + extra, stations)
    write_annotation(folder / "annotation.json", annotation)
    return folder


def test_manifest_needs_stations_or_annotation(scratch_cities):
    folder = annotated_city(scratch_cities, "annonly")
    assert "stations" not in load_city("annonly").sources
    (folder / "city.toml").write_text(ANNOTATED.split("[sources.annotation]")[0] + "[sources]\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="sources"):
        load_city("annonly")


def test_build_from_annotation_records_its_sha256_and_image(scratch_cities):
    folder = annotated_city(scratch_cities, "ann")
    result = build("ann")
    assert result.ok and result.report.findings == []
    net = result.network
    digest = hashlib.sha256((folder / "annotation.json").read_bytes()).hexdigest()
    assert net.sources == {"annotation": {"embedded": "annotation.json", "sha256": digest}}
    assert net.image == ABC.image.to_dict()
    assert net.lines["line-1"].variants == [["a", "b", "c"]]


def test_a_changed_pinned_annotation_is_reported(scratch_cities):
    folder = annotated_city(scratch_cities, "pinned")
    text = (folder / "city.toml").read_text().replace('embedded = "annotation.json"',
                                                      f'embedded = "annotation.json"\nsha256 = "{"0" * 64}"')
    (folder / "city.toml").write_text(text, encoding="utf-8")
    [finding] = build("pinned").report.findings
    assert (finding.code, finding.severity) == ("source-changed", "warning")
    assert "annotation's sha256" in finding.message


def test_the_map_must_be_the_annotated_image(scratch_cities):
    buffer = io.BytesIO()
    Image.new("RGB", (ABC.image.width, ABC.image.height), "white").save(buffer, format="PNG")
    png = buffer.getvalue()
    folder = annotated_city(scratch_cities, "withmap", extra='[sources.map]\nembedded = "map.png"\n')
    (folder / "map.png").write_bytes(png)
    result = build("withmap")
    assert [(f.code, f.severity) for f in result.report.findings] == [("annotation-image-mismatch", "error")]
    same = replace(ABC, image=replace(ABC.image, sha256=hashlib.sha256(png).hexdigest()))
    write_annotation(folder / "annotation.json", same)
    assert build("withmap").report.findings == []
    wider = replace(same, image=replace(same.image, width=same.image.width + 1))  # right sha256, wrong size
    write_annotation(folder / "annotation.json", wider)
    assert [f.code for f in build("withmap").report.findings] == ["annotation-image-mismatch"]
    (folder / "map.png").write_bytes(png[: len(png) // 2])  # a truncated map stops the build: one line
    with pytest.raises(ImageError, match=r"map\.png: truncated or corrupt PNG"):
        build("withmap")
    (folder / "map.png").unlink()  # absent map: nothing to compare
    write_annotation(folder / "annotation.json", ABC)
    assert build("withmap").report.findings == []


def test_both_sources_give_cross_check_findings(scratch_cities):
    annotation = doc([mark("a", 100, 100, "A Station"), mark("b", 200, 100, "B Station"),
                      mark("x", 300, 100, "X Station")], [trace("t", "Line 1", [(100, 100), (300, 100)])])
    annotated_city(scratch_cities, "both", annotation, stations={"Line 1": ["A Station", "C Station", "B Station"]})
    result = build("both")
    assert result.ok
    assert sorted((f.code, f.severity, f.station) for f in result.report.findings) == [
        ("annotation-station-extra", "warning", "X Station"), ("annotation-station-missing", "warning", "C Station")]
    assert set(result.network.sources) == {"annotation", "stations"}
    assert all("sha256" in entry for entry in result.network.sources.values())


def test_build_graph_cli_writes_positions_and_geometry(runner, scratch_cities, tmp_path):
    annotated_city(scratch_cities, "clicity")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build-graph", "--city", "clicity", "--out", str(out)])
    assert result.exit_code == 0, result.output
    graph = json.loads((out / "clicity" / "graph.json").read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(load_schema("network")).iter_errors(graph))
    assert all("pos" in s for s in graph["stations"]) and len(graph["stations"]) == 3
    assert [line["geometry"] for line in graph["lines"]] == [[[[100.0, 100.0], [300.0, 100.0]]]]
    assert graph["image"]["sha256"] == SHA
    assert json.loads((out / "clicity" / "quality.json").read_text())["findings"] == []


def test_build_graph_cli_on_an_invalid_annotation_exits_2_and_writes_nothing(runner, scratch_cities, tmp_path):
    folder = annotated_city(scratch_cities, "badann")
    data = json.loads((folder / "annotation.json").read_text())
    data["stations"][0]["pos"] = [100, "x"]
    (folder / "annotation.json").write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build-graph", "--city", "badann", "--out", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "annotation.json" in lines[0] and "stations[0].pos" in lines[0]
    assert not out.exists() or not any(out.rglob("*"))


def test_station_list_cities_are_unchanged():
    net = build_network(load_city("demo"), Path("/nonexistent")).network
    assert net.image is None and all(not line.geometry for line in net.lines.values())
    assert "image" not in net.to_dict() and all("geometry" not in line for line in net.to_dict()["lines"])
