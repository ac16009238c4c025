"""The annotation core type: validation on construction, dict and file round trips, and its JSON Schema."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from curation.annotations.io import read_annotation, write_annotation
from curation.annotations.model import (
    FORMAT,
    Annotation,
    AnnotationError,
    ImageRef,
    Label,
    LineTrace,
    Marker,
    Provenance,
    StationMark,
)
from curation.errors import MapcurateError, SourceError
from curation.resources import load_schema

SHA = "0123456789abcdef" * 4
IMAGE = ImageRef("map.png", SHA, 400, 300)
MANUAL = Provenance("manual")


def station(sid: str, x: float, y: float, **fields) -> StationMark:
    base = StationMark(id=sid, pos=(x, y), provenance=MANUAL, labels={"en": Label(sid.title())})
    return replace(base, **fields)


def good() -> Annotation:
    return Annotation(
        image=IMAGE,
        stations=(
            station("b", 200.5, 100, kind="interchange", marker=Marker("ring", (192, 92, 209, 108)),
                    labels={"zh": Label("乙站", box=(210, 80, 240, 95)), "en": Label("Bee")}, network_id="bee",
                    provenance=Provenance("labelstudio", annotator="ann@example.org", time="2026-01-01T00:00:00Z"),
                    confidence=0.75),
            station("a", 100, 100, marker=Marker("circle", (95, 95, 105, 105))),
        ),
        lines=(LineTrace(id="l1", names={"en": "Line 1", "zh": "1号线"}, color="#D7263D", network_id="line-1",
                         polylines=(((100, 100), (200.5, 100)), ((200.5, 100), (300, 200))),
                         provenance=Provenance("synthetic", tool="mapcurate-synth 1")),),
    )


def problems_of(make) -> list[str]:
    with pytest.raises(AnnotationError) as info:
        make()
    return info.value.problems


def test_a_valid_annotation_constructs_and_knows_its_stations():
    annotation = good()
    assert annotation.station("b").network_id == "bee"
    assert annotation.station("b").marker.radius == 8.5
    assert isinstance(annotation.stations, tuple)


def test_every_problem_is_collected_with_its_place_and_what_was_given():
    problems = problems_of(lambda: Annotation(
        image=IMAGE,
        stations=(station("a", 500, 10), station("A", 1, 1), station("c", 1, 1, kind="depot", confidence=2),
                  station("d", 5, 5, marker=Marker("star", (9, 9, 1, 1))), station("d", 6, 6)),
        lines=(LineTrace(id="l", names={}, polylines=(((1, 1),),), provenance=Provenance("labelstudio"),
                         color="#d7263d"),)))
    assert problems == [
        "stations[0].pos must lie inside the 400 × 300 image, but got [500, 10]",
        "stations[1].id must be a slug of lowercase letters, digits, '_', '.', '-', but got 'A'",
        "stations[2].confidence must be a number from 0 to 1, but got 2",
        "stations[2].kind must be one of station, interchange, but got 'depot'",
        "stations[3].marker.shape must be one of circle, ring, capsule, rounded_box, icon, tick, unknown, "
        "but got 'star'",
        "stations[3].marker.box must have x0 ≤ x1 and y0 ≤ y1, but got [9, 9, 1, 1]",
        "lines[0].provenance.annotator must name who annotated it in Label Studio, but got none",
        "lines[0].names must map at least one language to a name, but got {}",
        "lines[0].color must be #RRGGBB in upper case, but got '#d7263d'",
        "lines[0].polylines[0] must have at least two points, but got 1",
        "stations must be unique, but got 'd' more than once",
    ]


def test_the_error_is_one_line_naming_the_count_and_the_first_problems():
    error = AnnotationError([f"p{i}" for i in range(10)], "x.json")
    assert isinstance(error, MapcurateError) and isinstance(error, ValueError)
    assert str(error) == "x.json: invalid annotation (10 problems): p0; p1; p2; p3; p4; p5; p6; p7; … 2 more"
    assert str(AnnotationError(["only"])) == "invalid annotation (1 problem): only"


def test_a_bad_image_skips_the_bounds_checks_but_reports_itself():
    problems = problems_of(lambda: Annotation(image=ImageRef("maps/m.png", "ABC", 0, True),
                                              stations=(station("a", 9999, 9999),)))
    assert problems == [
        "image.file_name must be a file name without folders, but got 'maps/m.png'",
        "image.sha256 must be 64 lowercase hex digits, but got 'ABC'",
        "image.width must be a positive integer, but got 0",
        "image.height must be a positive integer, but got True",
    ]


def test_dict_round_trip_is_exact_and_sorted():
    annotation = good()
    data = annotation.to_dict()
    assert [s["id"] for s in data["stations"]] == ["a", "b"]
    assert list(data["stations"][1]["labels"]) == ["en", "zh"]
    assert data["stations"][0]["pos"] == [100.0, 100.0] and "marker" in data["stations"][0]
    assert "network_id" not in data["stations"][0] and data["lines"][0]["network_id"] == "line-1"
    again = Annotation.from_dict(json.loads(json.dumps(data)))
    assert again == Annotation(image=annotation.image, stations=tuple(sorted(annotation.stations, key=lambda s: s.id)),
                               lines=annotation.lines)
    assert again.to_dict() == data


def test_from_dict_defaults_and_rejects_unknown_keys():
    data = good().to_dict()
    minimal = copy.deepcopy(data)
    for item in minimal["stations"]:
        for key in ("kind", "labels", "confidence"):
            item.pop(key)
    loaded = Annotation.from_dict(minimal)
    assert {s.kind for s in loaded.stations} == {"station"} and {s.confidence for s in loaded.stations} == {1.0}
    data["extra"] = 1
    data["stations"][0]["colour"] = "red"
    data["lines"][0]["provenance"]["who"] = "me"
    data["format"] = "other/1"
    assert problems_of(lambda: Annotation.from_dict(data)) == [
        f"format must be {FORMAT!r}, but got 'other/1'",
        "the document must have only format, image, stations, lines, but got extra",
        "stations[0] has unknown keys colour",
        "lines[0].provenance must have only source, annotator, tool, time, but got who",
    ]


def with_change(path: str, value) -> dict:
    """`good()` as a dict with the item at dotted `path` replaced by `value`."""
    data = good().to_dict()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


WRONG_TYPES = [
    ("stations", {}, "stations must be an array, but got an object"),
    ("image", [1], "image must be an object, but got an array"),
    ("image.width", "400", "image.width must be a positive integer, but got '400'"),
    ("stations.0.pos", "100,100", "stations[0].pos must be [x, y] in pixels, but got '100,100'"),
    ("stations.0.pos", [1, 2, 3], "stations[0].pos must be [x, y] in pixels, but got [1, 2, 3]"),
    ("stations.0.labels", ["A"], "stations[0].labels must be an object, but got an array"),
    ("stations.0.labels", {"en": "A"}, "stations[0].labels.en must be an object, but got a string"),
    ("stations.0.labels", {"en": {"text": 5}}, "stations[0].labels.en.text must be non-empty text, but got 5"),
    ("stations.0.marker", "big", "stations[0].marker must be an object, but got a string"),
    ("stations.0.marker", {"shape": "circle", "box": None},
     "stations[0].marker.box must be [x0, y0, x1, y1] in pixels, but got None"),
    ("stations.0.confidence", "high", "stations[0].confidence must be a number from 0 to 1, but got 'high'"),
    ("stations.0.confidence", True, "stations[0].confidence must be a number from 0 to 1, but got True"),
    ("stations.0.provenance", "manual", "stations[0].provenance must be an object, but got a string"),
    ("stations.0.network_id", 7, "stations[0].network_id must be a non-empty string or absent, but got 7"),
    ("lines.0.names", ["Line 1"], "lines[0].names must be an object, but got an array"),
    ("lines.0.names", {"en": 1}, "lines[0].names must map language codes to non-empty names, but got 'en': 1"),
    ("lines.0.polylines", {}, "lines[0].polylines must be an array of polylines, but got an object"),
    ("lines.0.polylines", ["ab"], "lines[0].polylines[0] must be an array of [x, y] points, but got a string"),
    ("lines.0.polylines", [[[1, 1], ["x", 2]]], "lines[0].polylines[0][1] must be [x, y] in pixels, but got ['x', 2]"),
    ("lines.0.color", 255, "lines[0].color must be #RRGGBB in upper case, but got 255"),
]


@pytest.mark.parametrize(("path", "value", "problem"), WRONG_TYPES, ids=[f"{p}={v!r}" for p, v, _ in WRONG_TYPES])
def test_wrong_json_types_are_problems_not_type_errors(path, value, problem):
    assert problem in problems_of(lambda: Annotation.from_dict(with_change(path, value)))


@pytest.mark.parametrize(("path", "value"), [("stations.0.id", [1]), ("lines.0.id", {}),
                                             ("stations.0.network_id", ["x"])])
def test_unhashable_ids_are_problems_not_type_errors(path, value):
    assert problems_of(lambda: Annotation.from_dict(with_change(path, value)))


def test_a_document_that_is_not_an_object():
    assert problems_of(lambda: Annotation.from_dict([])) == ["the document must be a JSON object, but got an array"]


def test_write_read_round_trip_with_deterministic_bytes(tmp_path: Path):
    annotation = good()
    shuffled = replace(annotation, stations=annotation.stations[::-1])
    write_annotation(tmp_path / "one.json", annotation)
    write_annotation(tmp_path / "two.json", shuffled)
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert (tmp_path / "one.json").read_bytes().endswith(b"\n")
    assert read_annotation(tmp_path / "one.json").to_dict() == annotation.to_dict()


@pytest.mark.parametrize(("content", "message"), [
    (b'{"format": ', "not valid JSON"),
    (b"\xff\xfe", "not UTF-8 text: byte 0xff at offset 0"),
    (b'{"format": 1, "format": 2}', "key 'format' appears more than once"),
    (b'{"format": "mapcurate-annotation/1", "image": null}', "invalid annotation (1 problem): image must be an object"),
])
def test_reading_a_bad_file_is_one_line_naming_it(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(MapcurateError) as info:
        read_annotation(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_reading_a_missing_file(tmp_path: Path):
    with pytest.raises(SourceError, match="annotation file not found"):
        read_annotation(tmp_path / "none.json")


# The JSON Schema ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = load_schema("annotation")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_schema_accepts_what_to_dict_writes(validator):
    for annotation in (good(), Annotation(image=IMAGE)):
        assert list(validator.iter_errors(annotation.to_dict())) == []


def test_the_schema_describes_every_key_to_dict_writes(validator):
    """Every key written appears in the schema (additionalProperties is false throughout)."""
    data = good().to_dict()
    schema = load_schema("annotation")
    assert set(data) == set(schema["properties"])
    assert set(data["stations"][1]) == set(schema["$defs"]["station"]["properties"])
    assert set(data["lines"][0]) == set(schema["$defs"]["line"]["properties"])
    written = {key for item in [*data["stations"], *data["lines"]] for key in item["provenance"]}
    assert written == set(schema["$defs"]["provenance"]["properties"])
    assert set(data["stations"][1]["marker"]) == set(schema["$defs"]["station"]["properties"]["marker"]["properties"])
    assert set(data["stations"][1]["labels"]["zh"]) == set(schema["$defs"]["label"]["properties"])


@pytest.mark.parametrize(("path", "value"), [
    ("format", "mapcurate-annotation/2"),
    ("stations.0.pos", [1, 2, 3]),
    ("stations.0.kind", "depot"),
    ("stations.0.extra", True),
    ("lines.0.color", "#d7263d"),
    ("lines.0.polylines", [[[1, 1]]]),
    ("stations.1.provenance", {"source": "labelstudio"}),
    ("image.sha256", "ABC"),
    ("stations.0.labels", {"EN": {"text": "A"}}),
])
def test_the_schema_rejects_bad_documents(validator, path, value):
    document = with_change(path, value)
    assert list(validator.iter_errors(document))
    with pytest.raises(AnnotationError):
        Annotation.from_dict(document)


@pytest.mark.parametrize(("path", "value", "problem"), [
    ("stations.0.pos", [10**400, 5], "must be [x, y] in pixels"),
    ("stations.0.labels.en.text", "Foo\x1b[31mBar", "without control, bidi-override or lone surrogate characters"),
    ("stations.0.labels.en.text", "Foo\u202eBar", "without control, bidi-override or lone surrogate characters"),
])
def test_hostile_values_are_problems(path, value, problem):
    assert any(problem in p for p in problems_of(lambda: Annotation.from_dict(with_change(path, value))))


def test_json_nested_too_deeply_is_one_line(tmp_path: Path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(SourceError, match="nested too deeply"):
        read_annotation(path)
