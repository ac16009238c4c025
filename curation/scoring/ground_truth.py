"""The ground truth a scorer needs for one question, self-contained (no file access at scoring time).

Built from a question record and its city's lexicon; carried by exports (verl's
`reward_model.ground_truth`, EasyR1's answer) as a JSON string or as a dict. The record's
`answer_kind` says how its answer is read (a record without one: its family's `KIND`). Route,
station, line and lines questions carry the city's lexicon, since any name the model writes must
be resolvable — as JSON text under `lexicon`, with its content id under `lexicon_id`: a trainer
that parses the ground truth on every call then decodes one string instead of the whole lexicon,
and the lexicon itself is parsed once per process (see `compile_lexicon`).

Point and box questions carry their gold in pixels of the image the question shows (the record's
`view`, of size `size`), the marker's radius too, and the convention answers are written in
(`coords`, `curation.coordinates`).

Each answer kind has its TypedDict (`schemas/ground_truth.schema.json` describes the same
fields); `GroundTruth` is their union, told apart by `kind`.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, cast, get_args

from curation.atomic import canonical_json
from curation.coordinates import COORDS
from curation.questions.views import View

GROUND_TRUTH_FORMAT = "mapcurate-gt/1"

Kind = Literal["route", "choice", "integer", "yes_no", "station", "line", "point", "box", "lines"]
KINDS: tuple[Kind, ...] = get_args(Kind)
NEEDS_LEXICON: set[str] = {"route", "station", "line", "lines"}
PIXEL_KINDS: set[str] = {"point", "box"}

# One leg of a gold route, `[line id, from station id, to station id, [via station ids]]`: a JSON
# array of mixed items (no list type describes it, and a tuple would not be a JSON-schema array).
RouteLeg = list[Any]


class Labels(TypedDict):
    """The question's labels, which every ground truth carries (and every score repeats)."""

    id: str
    city: str
    family: str
    type: str
    template: str
    difficulty_question: str
    difficulty_map: str
    weight: float
    reward_weight: float


class LexiconFields(TypedDict):
    """The city's lexicon as JSON text with its content id (route, station and line questions)."""

    lexicon_id: str
    lexicon: str


class RouteTruth(Labels, LexiconFields):
    format: str
    kind: Literal["route"]
    origin: str
    destination: str
    rides: int
    stops: int
    routes: list[list[RouteLeg]]


class ChoiceTruth(Labels):
    format: str
    kind: Literal["choice"]
    value: str
    options: list[int]


class IntegerTruth(Labels):
    format: str
    kind: Literal["integer"]
    value: int


class YesNoTruth(Labels):
    format: str
    kind: Literal["yes_no"]
    value: str


class StationTruth(Labels, LexiconFields):
    format: str
    kind: Literal["station"]
    value: str
    line: str | None
    """The line the question rides (narrows same-named stations); null when it rides none (identify_station)."""


class LineTruth(Labels, LexiconFields):
    format: str
    kind: Literal["line"]
    value: str


class LinesTruth(Labels, LexiconFields):
    format: str
    kind: Literal["lines"]
    value: list[str]


class PointTruth(Labels):
    """A point question's gold, in pixels of the shown image (`size`); answers are read in `coords`."""

    format: str
    kind: Literal["point"]
    coords: str
    size: list[int]
    point: list[float]
    radius: float
    box: list[float]


class BoxTruth(Labels):
    """A box question's gold, in pixels of the shown image (`size`); answers are read in `coords`."""

    format: str
    kind: Literal["box"]
    coords: str
    size: list[int]
    box: list[float]
    point: list[float]
    radius: float


DetailTruth = ChoiceTruth | IntegerTruth | YesNoTruth | StationTruth | LineTruth
PixelTruth = PointTruth | BoxTruth
GroundTruth = RouteTruth | DetailTruth | LinesTruth | PixelTruth


def answer_kind(row: Mapping[str, Any]) -> Kind:
    """How a question record's answer is read: its `answer_kind`, else its family's `KIND`."""
    kind = row.get("answer_kind") or _family_kind(row)
    if kind not in KINDS:
        raise ValueError(f"question {row.get('id')}: answer_kind must be one of {', '.join(KINDS)}, but got {kind!r}")
    return cast(Kind, kind)


def _family_kind(row: Mapping[str, Any]) -> str:
    """The family module's `KIND` (imported here: the generator imports every family, none of them needed to score)."""
    from curation.questions.generator import FAMILIES

    family = row.get("family")
    if family not in FAMILIES:
        raise ValueError(f"question {row.get('id')}: no scoring rule for family {family!r}")
    return FAMILIES[family].kind


def ground_truth(row: Mapping[str, Any], lexicon: dict[str, Any] | None) -> GroundTruth:
    """The ground truth of one question record (a row of the questions Parquet as a dict)."""
    kind = answer_kind(row)
    answer = json.loads(row["answer"])
    labels = Labels(
        id=row["id"], city=row["city"], family=row["family"], type=row["type"], template=row["template"],
        difficulty_question=row["difficulty_question"], difficulty_map=row["difficulty_map"], weight=row["weight"],
        reward_weight=row["reward_weight"])
    if kind == "route":
        return _route_truth(row, labels, answer, lexicon)
    if kind in PIXEL_KINDS:
        return _pixel_truth(row, labels, kind, answer)
    if kind == "choice":
        return {"format": GROUND_TRUTH_FORMAT, "kind": "choice", **labels, "value": answer["letter"],
                "options": answer["options"]}
    if kind == "station":
        value, line = answer["value"], answer.get("line")
        lexicon_fields = _lexicon_fields(labels, kind, lexicon, [value], [line])
        return {"format": GROUND_TRUTH_FORMAT, "kind": "station", **labels, "value": value, "line": line,
                **lexicon_fields}
    if kind == "line":
        value = answer["value"]
        return {"format": GROUND_TRUTH_FORMAT, "kind": "line", **labels, "value": value,
                **_lexicon_fields(labels, kind, lexicon, [], [value])}
    if kind == "lines":
        return _lines_truth(labels, answer, lexicon)
    if kind == "integer":
        return {"format": GROUND_TRUTH_FORMAT, "kind": "integer", **labels, "value": answer["value"]}
    return {"format": GROUND_TRUTH_FORMAT, "kind": "yes_no", **labels, "value": answer["value"]}


def _route_truth(row: Mapping[str, Any], labels: Labels, answer: dict[str, Any],
                 lexicon: dict[str, Any] | None) -> RouteTruth:
    routes = [answer, *json.loads(row["alternatives"])]
    origin, destination = row["station_1_id"], row["station_2_id"]
    rides, stops = answer["transfers"] + 1, answer["stops"]
    legs = [[[leg["line"], leg["from"], leg["to"], leg["via"]] for leg in route["legs"]] for route in routes]
    lexicon_fields = _lexicon_fields(
        labels, "route", lexicon, [origin, destination, *(s for route in legs for leg in route
                                                          for s in (leg[1], leg[2], *leg[3]))],
        [leg[0] for route in legs for leg in route])
    return {"format": GROUND_TRUTH_FORMAT, "kind": "route", **labels, "origin": origin, "destination": destination,
            "rides": rides, "stops": stops, "routes": legs, **lexicon_fields}


def _lines_truth(labels: Labels, answer: dict[str, Any], lexicon: dict[str, Any] | None) -> LinesTruth:
    value = answer["value"]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"question {labels['id']}: a lines answer's value must be a non-empty list of line ids, "
                         f"but got {value!r}")
    lines = sorted(set(value))
    return {"format": GROUND_TRUTH_FORMAT, "kind": "lines", **labels, "value": lines,
            **_lexicon_fields(labels, "lines", lexicon, [], lines)}


def _pixel_truth(row: Mapping[str, Any], labels: Labels, kind: Kind, answer: dict[str, Any]) -> PixelTruth:
    """A point or box truth: the answer's map pixels in pixels of the image the row's `view` shows."""
    if not row.get("view"):
        raise ValueError(f"question {labels['id']}: a {kind} question must record its view, but got none")
    view = View.from_dict(json.loads(row["view"]))
    (px, py), (x0, y0, x1, y1), radius, coords = _pixel_fields(answer, labels)
    x, y = view.to_shown((px, py))
    box = list(view.box_to_shown((x0, y0, x1, y1)))
    size, point, shown_radius = list(view.size), [x, y], radius * view.scale
    if kind == "point":
        return {"format": GROUND_TRUTH_FORMAT, "kind": "point", **labels, "coords": coords, "size": size,
                "point": point, "radius": shown_radius, "box": box}
    return {"format": GROUND_TRUTH_FORMAT, "kind": "box", **labels, "coords": coords, "size": size, "box": box,
            "point": point, "radius": shown_radius}


def _pixel_fields(source: Mapping[str, Any], labels: Labels) -> tuple[Any, Any, float, str]:
    """`point`, `box`, `radius` and `coords` of a pixel answer or truth, checked: finite, an ordered box, a positive
    radius, a known convention."""
    point = _numbers(source["point"], 2, "point", labels)
    box = _numbers(source["box"], 4, "box", labels)
    radius, coords = _number(source["radius"], "radius", labels), source["coords"]
    if not (box[0] <= box[2] and box[1] <= box[3]):
        raise ValueError(f"question {labels['id']}: box must have x0 ≤ x1 and y0 ≤ y1, but got {source['box']!r}")
    if not radius > 0:
        raise ValueError(f"question {labels['id']}: radius must be positive, but got {source['radius']!r}")
    if coords not in COORDS:
        raise ValueError(f"question {labels['id']}: coords must be one of {', '.join(COORDS)}, but got {coords!r}")
    return point, box, radius, coords


def _number(value: Any, name: str, labels: Labels) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"question {labels['id']}: {name} must be a finite number, but got {value!r}")
    return float(value)


def _numbers(values: Any, count: int, name: str, labels: Labels) -> Any:
    if not (isinstance(values, list) and len(values) == count):
        raise ValueError(f"question {labels['id']}: {name} must be {count} numbers, but got {values!r}")
    return tuple(_number(v, name, labels) for v in values)


_TRUTHS: dict[str, type] = {"route": RouteTruth, "choice": ChoiceTruth, "integer": IntegerTruth,
                            "yes_no": YesNoTruth, "station": StationTruth, "line": LineTruth, "lines": LinesTruth,
                            "point": PointTruth, "box": BoxTruth}


def check(truth: GroundTruth | dict[str, Any] | str | bytes) -> GroundTruth:
    """A ground truth carried by a row (an export's `ground_truth`), parsed and checked to have its kind's fields
    (and, for points and boxes, finite coordinates); a `ValueError` naming what is wrong otherwise."""
    parsed = parse(truth)
    kind = parsed.get("kind")
    if kind not in _TRUTHS:
        raise ValueError(f"kind must be one of {', '.join(_TRUTHS)}, but got {kind!r}")
    missing = sorted(set(getattr(_TRUTHS[kind], "__required_keys__", ())) - set(parsed))
    if missing:
        raise ValueError(f"a {kind} ground truth must have {', '.join(missing)}")
    given: Mapping[str, Any] = parsed
    if kind in PIXEL_KINDS:
        _pixel_fields(given, cast(Labels, parsed))
        sizes = given["size"]
        if not (isinstance(sizes, list) and len(sizes) == 2 and all(isinstance(v, int) and v > 0 for v in sizes)):
            raise ValueError(f"size must be two positive whole numbers, but got {sizes!r}")
    if "lexicon" in given and given["lexicon"] not in _CHECKED_LEXICONS:
        try:
            lexicon = json.loads(given["lexicon"])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"lexicon must be JSON text, but got {str(given['lexicon'])[:40]!r}") from exc
        if not isinstance(lexicon, dict) or lexicon.get("id") != given.get("lexicon_id"):
            raise ValueError("lexicon must be a lexicon whose id is lexicon_id")
        if len(_CHECKED_LEXICONS) >= 64:
            _CHECKED_LEXICONS.clear()
        _CHECKED_LEXICONS.add(given["lexicon"])
    return parsed


_CHECKED_LEXICONS: set[str] = set()  # lexicon texts already checked (a city's rows all carry the same one)


@dataclass(frozen=True)
class _LexiconFacts:
    """A lexicon's JSON text and ids, worked out once per lexicon object (not once per question)."""

    lexicon: dict[str, Any]
    text: str
    stations: frozenset[str]
    lines: frozenset[str]


_FACTS: dict[int, _LexiconFacts] = {}


def _lexicon_facts(lexicon: dict[str, Any]) -> _LexiconFacts:
    facts = _FACTS.get(id(lexicon))
    if facts is None or facts.lexicon is not lexicon:  # the entry keeps its lexicon alive: ids stay unique
        if len(_FACTS) >= 64:
            _FACTS.clear()
        facts = _FACTS[id(lexicon)] = _LexiconFacts(
            lexicon, canonical_json(lexicon), frozenset(sid for sid, _ in lexicon["stations"]),
            frozenset(line["id"] for line in lexicon["lines"]))
    return facts


def _lexicon_fields(labels: Labels, kind: Kind, lexicon: dict[str, Any] | None, named_stations: Iterable[str | None],
                    named_lines: Iterable[str | None]) -> LexiconFields:
    """The lexicon's fields, once every station and line id the truth names is known to be in it."""
    if lexicon is None:
        raise ValueError(f"question {labels['id']}: a {kind} question needs its city's lexicon")
    facts = _lexicon_facts(lexicon)
    _check_ids(labels, lexicon, facts, named_stations, named_lines)
    return {"lexicon_id": lexicon["id"], "lexicon": facts.text}


def _check_ids(labels: Labels, lexicon: dict[str, Any], facts: _LexiconFacts, named_stations: Iterable[str | None],
               named_lines: Iterable[str | None]) -> None:
    """Every id the truth names is in the lexicon of the same city (a wrong lexicon fails here, not mid-training)."""
    if lexicon.get("city") != labels["city"]:
        raise ValueError(f"question {labels['id']} is about {labels['city']}, but the lexicon is "
                         f"{lexicon.get('city')}'s")
    missing = sorted({s for s in named_stations if s is not None} - facts.stations)
    missing += sorted({ln for ln in named_lines if ln is not None} - facts.lines)
    if missing:
        raise ValueError(f"question {labels['id']}: {', '.join(missing)} not in the {labels['city']} lexicon")


def dumps(truth: GroundTruth) -> str:
    """Canonical JSON text of a ground truth."""
    return canonical_json(truth)


_PARSED: OrderedDict[str, object] = OrderedDict()  # parsed JSON texts, whatever they hold (checked on each use)
_PARSED_MAX = 4096


def clear_cache() -> None:
    _PARSED.clear()


def parse(truth: GroundTruth | dict[str, Any] | str | bytes) -> GroundTruth:
    """A ground truth as a dict; JSON text is parsed once and remembered (trainers repeat it per rollout).

    Only its `format` is checked: a dict in that format is taken to have its kind's fields.
    """
    parsed: object
    if isinstance(truth, dict):
        parsed = truth
    else:
        text = truth.decode("utf-8") if isinstance(truth, bytes) else truth
        parsed = _PARSED.get(text)
        if parsed is None:
            try:
                parsed = json.loads(text)
            except (json.JSONDecodeError, TypeError) as exc:
                raise ValueError(f"ground truth is not mapcurate JSON: {exc}") from exc
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.popitem(last=False)
            _PARSED[text] = parsed
    if not isinstance(parsed, dict) or parsed.get("format") != GROUND_TRUTH_FORMAT:
        raise ValueError(f"ground truth is not in the {GROUND_TRUTH_FORMAT} format")
    return cast(GroundTruth, parsed)
