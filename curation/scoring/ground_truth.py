"""The ground truth a scorer needs for one question, self-contained (no file access at scoring time).

Built from a question record and its city's lexicon; carried by exports (verl's
`reward_model.ground_truth`, EasyR1's answer) as a JSON string or as a dict. Route, station and
line questions carry the city's lexicon, since any name the model writes must be resolvable — as
JSON text under `lexicon`, with its content id under `lexicon_id`: a trainer that parses the
ground truth on every call then decodes one string instead of the whole lexicon, and the lexicon
itself is parsed once per process (see `compile_lexicon`).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from curation.atomic import canonical_json

GROUND_TRUTH_FORMAT = "mapcurate-gt/1"

# How each question family's answer is read.
KIND_BY_FAMILY = {
    "planning": "route",
    "counting1": "choice",
    "counting2": "integer",
    "counting3": "integer",
    "min_transfers": "integer",
    "torf1": "yes_no",
    "torf2": "yes_no",
    "adjacent": "yes_no",
    "next_stop": "station",
    "terminus": "station",
    "line_color": "line",
}
NEEDS_LEXICON = {"route", "station", "line"}
_LABELS = ("id", "city", "family", "type", "template", "difficulty_question", "difficulty_map", "weight",
           "reward_weight")


def ground_truth(row: dict[str, Any], lexicon: dict[str, Any] | None) -> dict[str, Any]:
    """The ground truth of one question record (a row of the questions Parquet as a dict)."""
    family = row["family"]
    if family not in KIND_BY_FAMILY:
        raise ValueError(f"question {row['id']}: no scoring rule for family {family!r}")
    kind = KIND_BY_FAMILY[family]
    answer = json.loads(row["answer"])
    truth: dict[str, Any] = {"format": GROUND_TRUTH_FORMAT, "kind": kind, **{k: row[k] for k in _LABELS}}
    if kind == "route":
        routes = [answer, *json.loads(row["alternatives"])]
        truth.update(
            origin=row["station_1_id"], destination=row["station_2_id"],
            rides=answer["transfers"] + 1, stops=answer["stops"],
            routes=[[[leg["line"], leg["from"], leg["to"], leg["via"]] for leg in route["legs"]] for route in routes],
        )
    elif kind == "choice":
        truth.update(value=answer["letter"], options=answer["options"])
    elif kind == "station":
        truth.update(value=answer["value"], line=answer["line"])
    else:
        truth.update(value=answer["value"])
    if kind in NEEDS_LEXICON:
        if lexicon is None:
            raise ValueError(f"question {row['id']}: a {kind} question needs its city's lexicon")
        facts = _lexicon_facts(lexicon)
        _check_ids(truth, lexicon, facts)
        truth["lexicon_id"] = lexicon["id"]
        truth["lexicon"] = facts.text
    return truth


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


def _check_ids(truth: dict[str, Any], lexicon: dict[str, Any], facts: _LexiconFacts) -> None:
    """Every id the truth names is in the lexicon of the same city (a wrong lexicon fails here, not mid-training)."""
    if lexicon.get("city") != truth["city"]:
        raise ValueError(f"question {truth['id']} is about {truth['city']}, but the lexicon is {lexicon.get('city')}'s")
    stations, lines = facts.stations, facts.lines
    named_stations = [truth.get("origin"), truth.get("destination")] + [
        s for route in truth.get("routes", []) for leg in route for s in (leg[1], leg[2], *leg[3])]
    named_lines = [leg[0] for route in truth.get("routes", []) for leg in route] + [truth.get("line")]
    if truth["kind"] == "station":
        named_stations.append(truth["value"])
    elif truth["kind"] == "line":
        named_lines.append(truth["value"])
    missing = sorted({s for s in named_stations if s is not None} - stations)
    missing += sorted({ln for ln in named_lines if ln is not None} - lines)
    if missing:
        raise ValueError(f"question {truth['id']}: {', '.join(missing)} not in the {truth['city']} lexicon")


def dumps(truth: dict[str, Any]) -> str:
    """Canonical JSON text of a ground truth."""
    return canonical_json(truth)


_PARSED: OrderedDict[str, dict[str, Any]] = OrderedDict()
_PARSED_MAX = 4096


def clear_cache() -> None:
    _PARSED.clear()


def parse(truth: dict[str, Any] | str | bytes) -> dict[str, Any]:
    """A ground truth as a dict; JSON text is parsed once and remembered (trainers repeat it per rollout)."""
    if isinstance(truth, dict):
        parsed = truth
    else:
        text = truth.decode("utf-8") if isinstance(truth, bytes) else truth
        parsed = _PARSED.get(text)  # type: ignore[assignment]
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
    return parsed
