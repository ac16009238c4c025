"""The annotation core type: one map image's stations, labels and line traces, validated on construction.

Coordinates are full-image pixels of the image named by `ImageRef` (identified by its sha256): x grows
right, y grows down, the origin is the top-left pixel's outer corner, so a point lies in
[0, width] × [0, height]. Label Studio percentages and tile offsets never appear here.

Construction collects every problem and raises one `AnnotationError` listing all of them, each as
"`<where>` must be …, but got …".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from curation.errors import MapcurateError, UnknownStationError
from curation.text import name_problem

FORMAT = "mapcurate-annotation/1"
KINDS = ("station", "interchange")
SHAPES = ("circle", "ring", "capsule", "rounded_box", "icon", "tick", "unknown")
SOURCES = ("synthetic", "manual", "prelabel", "labelstudio")

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def format_point(point: Point) -> str:
    """`point` as messages show it: `(x, y)`, at most six significant digits each."""
    return f"({point[0]:g}, {point[1]:g})"


_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COLOR = re.compile(r"^#[0-9A-F]{6}$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class AnnotationError(MapcurateError, ValueError):
    """An annotation document is invalid; the message lists every problem found."""

    def __init__(self, problems: list[str], path: Any = None) -> None:
        self.problems = list(problems)
        shown = "; ".join(problems[:8]) + (f"; … {len(problems) - 8} more" if len(problems) > 8 else "")
        super().__init__(f"invalid annotation ({len(problems)} problem{'s' * (len(problems) != 1)}): {shown}", path)


@dataclass(frozen=True)
class ImageRef:
    """The map image the coordinates belong to: a resized copy is a different image."""

    file_name: str
    sha256: str
    width: int
    height: int

    def to_dict(self) -> dict[str, Any]:
        return {"file_name": self.file_name, "sha256": self.sha256, "width": self.width, "height": self.height}


@dataclass(frozen=True)
class Provenance:
    """Where an item comes from: `synthetic`, `manual`, `prelabel` or `labelstudio` (with its annotator)."""

    source: str
    annotator: str | None = None
    tool: str | None = None
    time: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("source", self.source), ("annotator", self.annotator), ("tool", self.tool),
                                  ("time", self.time)) if v is not None}


@dataclass(frozen=True)
class Label:
    """A station's name as printed, in one language, with the box of the printed text."""

    text: str
    box: Box | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text}
        if self.box is not None:
            data["box"] = _floats(self.box)
        return data


@dataclass(frozen=True)
class Marker:
    """The drawn station symbol: its shape and bounding box."""

    shape: str
    box: Box

    def to_dict(self) -> dict[str, Any]:
        return {"shape": self.shape, "box": _floats(self.box)}

    @property
    def radius(self) -> float:
        """Half the larger side of the box: how far from the marker's centre a line may pass."""
        return max(self.box[2] - self.box[0], self.box[3] - self.box[1]) / 2


@dataclass(frozen=True)
class StationMark:
    """One station as the map draws it."""

    id: str
    pos: Point
    provenance: Provenance
    kind: str = "station"
    marker: Marker | None = None
    labels: Mapping[str, Label] = field(default_factory=dict)
    network_id: str | None = None
    confidence: float = 1.0

    @property
    def label_box(self) -> Box | None:
        """The box around every label that has one (None when none has)."""
        boxes = [label.box for label in self.labels.values() if label.box is not None]
        if not boxes:
            return None
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "pos": _floats(self.pos), "kind": self.kind,
            "labels": {lang: label.to_dict() for lang, label in sorted(self.labels.items())},
            "provenance": self.provenance.to_dict(), "confidence": self.confidence,
        }
        if self.marker is not None:
            data["marker"] = self.marker.to_dict()
        if self.network_id is not None:
            data["network_id"] = self.network_id
        return data


@dataclass(frozen=True)
class LineTrace:
    """One line as traced: its names, colour and one or more polylines (each in riding order)."""

    id: str
    names: Mapping[str, str]
    polylines: tuple[tuple[Point, ...], ...]
    provenance: Provenance
    color: str | None = None
    network_id: str | None = None
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "names": dict(sorted(self.names.items())), "color": self.color,
            "polylines": [[_floats(p) for p in polyline] for polyline in self.polylines],
            "provenance": self.provenance.to_dict(), "confidence": self.confidence,
        }
        if self.network_id is not None:
            data["network_id"] = self.network_id
        return data


@dataclass(frozen=True)
class Annotation:
    """Every annotated station and line of one map image (see `schemas/annotation.schema.json`)."""

    image: ImageRef
    stations: tuple[StationMark, ...] = ()
    lines: tuple[LineTrace, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "stations", tuple(self.stations))
        object.__setattr__(self, "lines", tuple(self.lines))
        problems = _Problems()
        _check_image(self.image, problems)
        bounds = (self.image.width, self.image.height) if not problems else None
        for i, station in enumerate(self.stations):
            _check_station(station, f"stations[{i}]", bounds, problems)
        for i, line in enumerate(self.lines):
            _check_line(line, f"lines[{i}]", bounds, problems)
        for what, ids in (("stations", [s.id for s in self.stations]), ("lines", [line.id for line in self.lines]),
                          ("stations' network_id", [s.network_id for s in self.stations if s.network_id]),
                          ("lines' network_id", [line.network_id for line in self.lines if line.network_id])):
            repeated = sorted(k for k, n in Counter(i for i in ids if isinstance(i, str)).items() if n > 1)
            if repeated:
                problems.add(f"{what} must be unique, but got {', '.join(map(repr, repeated[:5]))} more than once")
        if problems:
            raise AnnotationError(problems)

    def to_dict(self) -> dict[str, Any]:
        """The document, in a stable order (stations and lines by id)."""
        return {
            "format": FORMAT,
            "image": self.image.to_dict(),
            "stations": [s.to_dict() for s in sorted(self.stations, key=lambda s: s.id)],
            "lines": [line.to_dict() for line in sorted(self.lines, key=lambda line: line.id)],
        }

    @classmethod
    def from_dict(cls, data: Any, path: Any = None) -> Annotation:
        """Read a document; every problem (wrong types included) is collected into one `AnnotationError`."""
        problems = _Problems()
        if not isinstance(data, dict):
            raise AnnotationError([f"the document must be a JSON object, but got {_kind(data)}"], path)
        if data.get("format") != FORMAT:
            problems.add(f"format must be {FORMAT!r}, but got {data.get('format')!r}")
        unknown = sorted(set(data) - {"format", "image", "stations", "lines"})
        if unknown:
            problems.add(f"the document must have only format, image, stations, lines, but got {', '.join(unknown)}")
        reader = _Reader(problems)
        image = reader.image(data.get("image"), "image")
        stations = [reader.station(s, f"stations[{i}]") for i, s in enumerate(reader.items(data, "stations"))]
        lines = [reader.line(x, f"lines[{i}]") for i, x in enumerate(reader.items(data, "lines"))]
        if problems or image is None:
            raise AnnotationError(problems or ["image is missing"], path)
        try:
            return cls(image=image, stations=tuple(s for s in stations if s is not None),
                       lines=tuple(x for x in lines if x is not None))
        except AnnotationError as exc:
            raise AnnotationError(exc.problems, path) from None

    def station(self, station_id: str) -> StationMark:
        """The station mark with this id; an `UnknownStationError` (a `KeyError`) if there is none."""
        found = next((s for s in self.stations if s.id == station_id), None)
        if found is None:
            raise UnknownStationError(f"no station {station_id!r} in the annotation of {self.image.file_name}")
        return found


def _floats(values: Any) -> list[float]:
    return [float(v) for v in values]


class _Problems(list[str]):
    def add(self, problem: str) -> None:
        self.append(problem)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), f"{value!r}")


def _finite(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value) and abs(value) < 1e15  # no map is a petapixel wide
    except OverflowError:  # an integer too large for a float
        return False


def _check_image(image: ImageRef, problems: _Problems) -> None:
    if not isinstance(image.file_name, str) or not image.file_name or "/" in image.file_name \
            or "\\" in image.file_name:
        problems.add(f"image.file_name must be a file name without folders, but got {image.file_name!r}")
    if not isinstance(image.sha256, str) or not _SHA256.match(image.sha256):
        problems.add(f"image.sha256 must be 64 lowercase hex digits, but got {image.sha256!r}")
    for name in ("width", "height"):
        value = getattr(image, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.add(f"image.{name} must be a positive integer, but got {value!r}")


def _check_point(point: Any, where: str, bounds: tuple[int, int] | None, problems: _Problems) -> None:
    if not (isinstance(point, tuple | list) and len(point) == 2 and all(map(_finite, point))):
        problems.add(f"{where} must be [x, y] in pixels, but got {point!r}")
    elif bounds is not None and not (0 <= point[0] <= bounds[0] and 0 <= point[1] <= bounds[1]):
        problems.add(f"{where} must lie inside the {bounds[0]} × {bounds[1]} image, but got {list(point)}")


def _check_box(box: Any, where: str, bounds: tuple[int, int] | None, problems: _Problems) -> None:
    if not (isinstance(box, tuple | list) and len(box) == 4 and all(map(_finite, box))):
        problems.add(f"{where} must be [x0, y0, x1, y1] in pixels, but got {box!r}")
    elif not (box[0] <= box[2] and box[1] <= box[3]):
        problems.add(f"{where} must have x0 ≤ x1 and y0 ≤ y1, but got {list(box)}")
    elif bounds is not None and not (box[0] >= 0 and box[1] >= 0 and box[2] <= bounds[0] and box[3] <= bounds[1]):
        problems.add(f"{where} must lie inside the {bounds[0]} × {bounds[1]} image, but got {list(box)}")


def _check_common(item: StationMark | LineTrace, where: str, problems: _Problems) -> None:
    if not isinstance(item.id, str) or not _ID.match(item.id):
        problems.add(f"{where}.id must be a slug of lowercase letters, digits, '_', '.', '-', but got {item.id!r}")
    if item.network_id is not None and (not isinstance(item.network_id, str) or not item.network_id):
        problems.add(f"{where}.network_id must be a non-empty string or absent, but got {item.network_id!r}")
    if not _finite(item.confidence) or not 0 <= item.confidence <= 1:
        problems.add(f"{where}.confidence must be a number from 0 to 1, but got {item.confidence!r}")
    provenance = item.provenance
    if not isinstance(provenance, Provenance):
        problems.add(f"{where}.provenance must be a Provenance, but got {provenance!r}")
        return
    if provenance.source not in SOURCES:
        problems.add(f"{where}.provenance.source must be one of {', '.join(SOURCES)}, but got {provenance.source!r}")
    if provenance.source == "labelstudio" and not provenance.annotator:
        problems.add(f"{where}.provenance.annotator must name who annotated it in Label Studio, but got none")
    for name in ("annotator", "tool", "time"):
        value = getattr(provenance, name)
        if value is not None and (not isinstance(value, str) or not value):
            problems.add(f"{where}.provenance.{name} must be a non-empty string or absent, but got {value!r}")


def _check_station(station: StationMark, where: str, bounds: tuple[int, int] | None, problems: _Problems) -> None:
    _check_common(station, where, problems)
    _check_point(station.pos, f"{where}.pos", bounds, problems)
    if station.kind not in KINDS:
        problems.add(f"{where}.kind must be one of {', '.join(KINDS)}, but got {station.kind!r}")
    if station.marker is not None:
        if station.marker.shape not in SHAPES:
            problems.add(f"{where}.marker.shape must be one of {', '.join(SHAPES)}, but got {station.marker.shape!r}")
        _check_box(station.marker.box, f"{where}.marker.box", bounds, problems)
    if not isinstance(station.labels, Mapping):
        problems.add(f"{where}.labels must map languages to labels, but got {station.labels!r}")
        return
    for lang, label in sorted(station.labels.items()):
        if not isinstance(lang, str) or not _LANG.match(lang):
            problems.add(f"{where}.labels language must be a code such as 'en' or 'zh', but got {lang!r}")
        if (problem := name_problem(label.text)) is not None:
            shown = label.text[:40] if isinstance(label.text, str) else label.text
            problems.add(f"{where}.labels.{lang}.text {problem}, but got {shown!r}")
        if label.box is not None:
            _check_box(label.box, f"{where}.labels.{lang}.box", bounds, problems)


def _check_line(line: LineTrace, where: str, bounds: tuple[int, int] | None, problems: _Problems) -> None:
    _check_common(line, where, problems)
    if not isinstance(line.names, Mapping) or not line.names:
        problems.add(f"{where}.names must map at least one language to a name, but got {line.names!r}")
    else:
        for lang, name in sorted(line.names.items()):
            if not isinstance(lang, str) or not _LANG.match(lang) or name_problem(name) is not None:
                problems.add(f"{where}.names must map language codes to non-empty names, but got {lang!r}: {name!r}")
    if line.color is not None and (not isinstance(line.color, str) or not _COLOR.match(line.color)):
        problems.add(f"{where}.color must be #RRGGBB in upper case, but got {line.color!r}")
    if not line.polylines:
        problems.add(f"{where}.polylines must hold at least one polyline, but got none")
    for i, polyline in enumerate(line.polylines):
        if len(polyline) < 2:
            problems.add(f"{where}.polylines[{i}] must have at least two points, but got {len(polyline)}")
        for j, point in enumerate(polyline):
            _check_point(point, f"{where}.polylines[{i}][{j}]", bounds, problems)


def _raw(data: dict[str, Any], key: str) -> Any:
    """`data[key]`, or None where absent: unchecked JSON, which the Annotation's own check reports."""
    return data.get(key)


class _Reader:
    """Turns JSON values into the core types, recording wrong types as problems instead of raising."""

    def __init__(self, problems: _Problems) -> None:
        self.problems = problems

    def items(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problems.add(f"{key} must be an array, but got {_kind(value)}")
            return []
        return value

    def obj(self, value: Any, where: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problems.add(f"{where} must be an object, but got {_kind(value)}")
            return None
        return value

    def coords(self, value: Any, n: int) -> Any:
        """A tuple of `n` floats, or the value as it is (unchecked JSON, which the Annotation's own check reports)."""
        if isinstance(value, list) and len(value) == n and all(map(_finite, value)):
            return tuple(float(v) for v in value)
        return value  # left as is: construction reports it

    def provenance(self, value: Any, where: str) -> Provenance:
        data = self.obj(value, where) or {}
        unknown = sorted(set(data) - {"source", "annotator", "tool", "time"})
        if unknown:
            self.problems.add(f"{where} must have only source, annotator, tool, time, but got {', '.join(unknown)}")
        return Provenance(source=_raw(data, "source"), annotator=data.get("annotator"), tool=data.get("tool"),
                          time=data.get("time"))

    def image(self, value: Any, where: str) -> ImageRef | None:
        data = self.obj(value, where)
        if data is None:
            return None
        return ImageRef(file_name=_raw(data, "file_name"), sha256=_raw(data, "sha256"), width=_raw(data, "width"),
                        height=_raw(data, "height"))

    def station(self, value: Any, where: str) -> StationMark | None:
        data = self.obj(value, where)
        if data is None:
            return None
        self._only(data, where, {"id", "pos", "kind", "marker", "labels", "network_id", "provenance", "confidence"})
        marker = None
        if data.get("marker") is not None:
            m = self.obj(data["marker"], f"{where}.marker") or {}
            marker = Marker(shape=_raw(m, "shape"), box=self.coords(m.get("box"), 4))
        labels: dict[str, Label] = {}
        for lang, label in (self.obj(data.get("labels", {}), f"{where}.labels") or {}).items():
            item = self.obj(label, f"{where}.labels.{lang}")
            if item is not None:
                box = item.get("box")
                labels[lang] = Label(text=_raw(item, "text"), box=None if box is None else self.coords(box, 4))
        return StationMark(id=_raw(data, "id"), pos=self.coords(data.get("pos"), 2), kind=data.get("kind", "station"),
                           marker=marker, labels=labels, network_id=data.get("network_id"),
                           provenance=self.provenance(data.get("provenance"), f"{where}.provenance"),
                           confidence=data.get("confidence", 1.0))

    def line(self, value: Any, where: str) -> LineTrace | None:
        data = self.obj(value, where)
        if data is None:
            return None
        self._only(data, where, {"id", "names", "color", "polylines", "network_id", "provenance", "confidence"})
        polylines = []
        raw = data.get("polylines")
        if not isinstance(raw, list):
            self.problems.add(f"{where}.polylines must be an array of polylines, but got {_kind(raw)}")
            raw = []
        for i, polyline in enumerate(raw):
            if not isinstance(polyline, list):
                self.problems.add(f"{where}.polylines[{i}] must be an array of [x, y] points, "
                                  f"but got {_kind(polyline)}")
                continue
            polylines.append(tuple(self.coords(p, 2) for p in polyline))
        names = self.obj(data.get("names"), f"{where}.names") or {}
        return LineTrace(id=_raw(data, "id"), names=names, color=data.get("color"), polylines=tuple(polylines),
                         network_id=data.get("network_id"),
                         provenance=self.provenance(data.get("provenance"), f"{where}.provenance"),
                         confidence=data.get("confidence", 1.0))

    def _only(self, data: dict[str, Any], where: str, allowed: Iterable[str]) -> None:
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            self.problems.add(f"{where} has unknown keys {', '.join(unknown)}")
