"""The benchmark's published Parquet layouts, read and checked.

ReasonMap (HF `FSCCS/ReasonMap`): one row per station pair — `country`, `city`, `station_1`,
`station_2`, `routes` (the reference routes: plan → list of sections `{route_name, departure_stop,
arrival_stop, via_stops, num_via_stops}`, as a mapping, an Arrow map or JSON text),
`question_transfer_count`, `difficulty_city`, `difficulty_question`, `city_line_count`,
`city_transfer_count` (and `question_short`, `question_long`, `json`, `figure`, not read here).
ReasonMap-Plus (`FSCCS/ReasonMap-Plus`): `type`, `answer` (an integer: the count, 1/0 for yes/no, the
option's position for Counting1), `question`, `station_1`, `station_2`, `difficulty_city`, ….

A file that is not Parquet, lacks a column or holds a column of another type is bad input
(`SourceError`); a cell that cannot be read as a route is a row defect (`routes-malformed`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curation.errors import SourceError

ROUTE_REQUIRED = ("country", "city", "station_1", "station_2", "routes", "question_transfer_count",
                  "difficulty_city", "difficulty_question")
PLUS_REQUIRED = ("country", "city", "type", "answer", "question")
OPTIONAL = ("station_1", "station_2", "difficulty_city", "difficulty_question", "city_line_count",
            "city_transfer_count")
_TEXT = ("country", "city", "station_1", "station_2", "difficulty_city", "difficulty_question", "type", "question")
_INTEGER = ("question_transfer_count", "city_line_count", "city_transfer_count")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Section:
    """One ride of a reference route, as written."""

    route_name: str | None
    departure_stop: str | None
    arrival_stop: str | None
    via_stops: list[str] | None
    num_via_stops: int | None


def read_rows(path: Path, plus: bool) -> list[dict[str, Any]]:
    """The rows of `path` (only the columns the audit reads), after checking the layout."""
    required = PLUS_REQUIRED if plus else ROUTE_REQUIRED
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise SourceError(f"not a readable Parquet: {exc}", path) from exc
    missing = [name for name in required if name not in schema.names]
    if missing:
        hint = "" if plus or "type" not in schema.names else " (a ReasonMap-Plus file? add --plus)"
        layout = "ReasonMap-Plus" if plus else "ReasonMap"
        raise SourceError(f"not a {layout} Parquet: missing columns {', '.join(missing)}{hint}", path)
    columns = list(dict.fromkeys([*required, *(c for c in OPTIONAL if c in schema.names)]))
    wrong = [f"{c} is {schema.field(c).type}" for c in columns if not _type_ok(c, schema.field(c).type)]
    if wrong:
        raise SourceError(f"column {'; column '.join(wrong)}, not the benchmark's type", path)
    try:
        rows: list[dict[str, Any]] = pq.read_table(path, columns=columns).to_pylist()
    except (OSError, pa.ArrowInvalid) as exc:
        raise SourceError(f"not a readable Parquet: {exc}", path) from exc
    for index, row in enumerate(rows):
        city = row["city"]
        if not isinstance(city, str) or not _SLUG.match(city):
            raise SourceError(f"row {index}: city {city!r} is not a city slug", path)
    return rows


def _type_ok(column: str, found: pa.DataType) -> bool:
    if pa.types.is_null(found):
        return True
    text = pa.types.is_string(found) or pa.types.is_large_string(found) or pa.types.is_string_view(found)
    if column in _TEXT:
        return text
    if column in _INTEGER:
        return pa.types.is_integer(found)
    if column == "answer":
        return pa.types.is_integer(found) or text
    if column == "routes":
        return text or pa.types.is_struct(found) or pa.types.is_map(found) or pa.types.is_list(found)
    return True


def parse_routes(value: Any) -> dict[str, list[Section]] | None:
    """Plan → sections, or None when the cell is not routes in any of the forms the benchmark uses."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        value = dict(value)  # an Arrow map
    elif isinstance(value, list):
        several = all(isinstance(p, list) for p in value)
        value = {str(i + 1): p for i, p in enumerate(value)} if several else {"1": value}
    if not isinstance(value, dict):
        return None
    plans: dict[str, list[Section]] = {}
    for key, sections in value.items():
        if sections is None:  # a struct column: plans other rows have
            continue
        if not isinstance(sections, list) or not all(isinstance(s, dict) for s in sections):
            return None
        parsed = [_section(s) for s in sections]
        if any(s is None for s in parsed):
            return None
        plans[str(key)] = [s for s in parsed if s is not None]
    return plans


def _section(raw: dict[str, Any]) -> Section | None:
    texts = [raw.get(k) for k in ("route_name", "departure_stop", "arrival_stop")]
    if not all(t is None or isinstance(t, str) for t in texts):
        return None
    via = raw.get("via_stops")
    if isinstance(via, str):
        via = [s.strip() for s in re.split(r"[,，、]", via) if s.strip()]
    if via is not None and not (isinstance(via, list) and all(isinstance(s, str) for s in via)):
        return None
    count = raw.get("num_via_stops")
    if isinstance(count, str):
        count = int(count) if count.strip().isdigit() else None
    if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
        return None
    return Section(texts[0], texts[1], texts[2], via, count)
