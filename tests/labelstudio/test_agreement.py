"""Agreement between two hand-built annotations of one image."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from curation.annotations.model import Annotation, ImageRef, Label, LineTrace, Marker, Provenance, StationMark
from curation.labelstudio.agreement import AgreementError, agreement_tables, compare, default_threshold

IMAGE = ImageRef(file_name="map.png", sha256="a" * 64, width=400, height=300)
A = Provenance(source="labelstudio", annotator="alice")
B = Provenance(source="labelstudio", annotator="bob")
POS = {"s1": (100.0, 100.0), "s2": (200.0, 100.0), "s3": (300.0, 100.0)}
NAMES = {"s1": "Alpha", "s2": "Beta", "s3": "Gamma"}


def mark(mark_id: str, pos: tuple[float, float], who: Provenance, name: str | None = None,
         kind: str = "station") -> StationMark:
    x, y = pos
    return StationMark(id=mark_id, pos=pos, provenance=who, kind=kind,
                       marker=Marker(shape="circle", box=(x - 5, y - 5, x + 5, y + 5)),
                       labels={"en": Label(text=name or NAMES[mark_id])})


def red(who: Provenance, polyline: tuple[tuple[float, float], ...] = ((100.0, 100.0), (300.0, 100.0))) -> LineTrace:
    return LineTrace(id="red", names={"en": "Red"}, polylines=(polyline,), provenance=who, color="#FF0000")


def doc(who: Provenance, **moved: tuple[float, float]) -> Annotation:
    pos = {**POS, **moved}
    return Annotation(image=IMAGE, stations=tuple(mark(k, pos[k], who) for k in sorted(pos)), lines=(red(who),))


def test_identical_annotations_agree_perfectly() -> None:
    g = compare(doc(A), doc(B))
    assert (g.annotator_a, g.annotator_b) == ("alice", "bob")
    assert g.threshold == default_threshold(doc(A), doc(B)) == 7.5
    assert g.precision == g.recall == g.f1 == 1.0
    assert [p[:2] for p in g.pairs] == [("s1", "s1"), ("s2", "s2"), ("s3", "s3")]
    assert g.only_in_a == g.only_in_b == ()
    assert [(n.lang, n.compared, n.agreed, n.rate) for n in g.names] == [("en", 3, 3, 1.0)]
    assert g.name_disagreements == g.kind_disagreements == g.line_disagreements == ()
    assert g.kind_rate == 1.0 and g.line_jaccard == 1.0
    assert [(c.line, c.in_a, c.in_b, c.in_both) for c in g.lines] == [("red", 3, 3, 3)]


@pytest.mark.parametrize(("dx", "matched"), [(7.0, True), (8.0, False)])
def test_station_moved_within_or_beyond_threshold(dx: float, matched: bool) -> None:
    g = compare(doc(A), doc(B, s2=(200.0 + dx, 100.0)))
    if matched:
        assert g.matched == 3 and g.max_distance == pytest.approx(dx)
        assert g.only_in_a == g.only_in_b == ()
    else:
        assert g.matched == 2 and g.only_in_a == ("s2",) and g.only_in_b == ("s2",)
        assert g.precision == g.recall == pytest.approx(2 / 3)


def test_renamed_station_is_a_name_disagreement() -> None:
    b = doc(B)
    b = replace(b, stations=tuple(mark(s.id, s.pos, B, "Betta" if s.id == "s2" else None) for s in b.stations))
    g = compare(doc(A), b)
    assert [(d.a_id, d.b_id, d.lang, d.a_text, d.b_text) for d in g.name_disagreements] == [
        ("s2", "s2", "en", "Beta", "Betta")]
    assert g.names[0].agreed == 2 and g.names[0].rate == pytest.approx(2 / 3)


def test_case_and_spacing_do_not_make_a_name_disagreement() -> None:
    b = doc(B)
    b = replace(b, stations=tuple(mark(s.id, s.pos, B, "  BETA " if s.id == "s2" else None) for s in b.stations))
    assert compare(doc(A), b).name_disagreements == ()


def test_missing_station() -> None:
    b = doc(B)
    b = replace(b, stations=tuple(s for s in b.stations if s.id != "s3"))
    g = compare(doc(A), b)
    assert g.only_in_a == ("s3",) and g.only_in_b == ()
    assert g.precision == 1.0 and g.recall == pytest.approx(2 / 3)


def test_line_skipping_a_station_is_a_line_set_disagreement() -> None:
    b = replace(doc(B), lines=(red(B, ((100.0, 100.0), (200.0, 150.0), (300.0, 100.0))),))
    g = compare(doc(A), b)
    assert [(d.a_id, d.a_lines, d.b_lines) for d in g.line_disagreements] == [("s2", ("red",), ())]
    assert g.line_jaccard == pytest.approx(2 / 3)
    assert [(c.line, c.in_a, c.in_b, c.in_both) for c in g.lines] == [("red", 3, 2, 2)]


def test_kind_disagreement() -> None:
    b = replace(doc(B), stations=tuple(replace(s, kind="interchange") if s.id == "s1" else s
                                       for s in doc(B).stations))
    g = compare(doc(A), b)
    assert [(k.a_id, k.a_kind, k.b_kind) for k in g.kind_disagreements] == [("s1", "station", "interchange")]


def test_different_images_raise() -> None:
    other = replace(doc(B), image=replace(IMAGE, sha256="b" * 64))
    with pytest.raises(AgreementError, match="different images"):
        compare(doc(A), other)
    with pytest.raises(ValueError):
        compare(doc(A), replace(doc(B), image=replace(IMAGE, width=401)))


@pytest.mark.parametrize("threshold", [0.0, -1.0, float("inf"), float("nan")])
def test_invalid_threshold_raises(threshold: float) -> None:
    with pytest.raises(AgreementError, match="threshold"):
        compare(doc(A), doc(B), threshold=threshold)


def test_to_dict_is_deterministic_json() -> None:
    b = doc(B, s2=(203.0, 104.0))
    first = json.dumps(compare(doc(A), b).to_dict(), sort_keys=True)
    again = json.dumps(compare(doc(A), b).to_dict(), sort_keys=True)
    assert first == again
    data = json.loads(first)
    assert data["stations"]["max_distance"] == 5.0 and data["image_sha256"] == "a" * 64
    assert data["annotators"] == {"a": "alice", "b": "bob"}


def test_tables_render_and_show_disagreement() -> None:
    b = doc(B)
    b = replace(b, stations=tuple(mark(s.id, s.pos, B, "Betta" if s.id == "s2" else None) for s in b.stations))
    console = Console(record=True, width=160)
    for table in agreement_tables(compare(doc(A), b)):
        console.print(table)
    text = console.export_text()
    assert "Agreement of bob (B) with alice (A)" in text
    assert "name (en)" in text and "'Beta' ≠ 'Betta'" in text


coords = st.tuples(st.floats(10, 390, allow_nan=False), st.floats(10, 290, allow_nan=False))


def _random_doc(points: list[tuple[float, float]], who: Provenance) -> Annotation:
    return Annotation(image=IMAGE, stations=tuple(mark(f"s{i}", p, who, "X") for i, p in enumerate(points)))


@settings(max_examples=60, deadline=None)
@given(st.lists(coords, max_size=8), st.lists(coords, max_size=8))
def test_swapping_sides_swaps_only_in_lists(pa: list[tuple[float, float]], pb: list[tuple[float, float]]) -> None:
    a, b = _random_doc(pa, A), _random_doc(pb, B)
    ab, ba = compare(a, b), compare(b, a)
    assert ab.matched == ba.matched
    assert ab.only_in_a == ba.only_in_b and ab.only_in_b == ba.only_in_a
