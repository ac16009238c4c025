"""A small writer of the benchmark's published layouts, from mapcurate's own network and questions.

Independent of the `reasonmap` export adapter: ReasonMap rows carry `routes` as the benchmark's
plan → sections mapping (`route_name` the source's line key, stop names as the map prints them),
ReasonMap-Plus rows the integer `answer` (count, 1/0, option position) beside the question text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curation.network.build import build_network, write_outputs
from curation.network.model import Network
from curation.questions.generator import generate_city
from curation.questions.records import Question

PLUS_FAMILIES = ("counting1", "counting2", "counting3", "torf1", "torf2")


def build_graph(slug: str, data_root: Path, graphs: Path) -> Network:
    """Build a city and write its graph.json under `graphs/<slug>/`."""
    from curation.cities import load_city

    result = build_network(load_city(slug), data_root)
    write_outputs(result, graphs / slug)
    return result.network


def _station(network: Network, sid: str) -> str:
    station = network.stations[sid]
    return next(iter(station.names.values()))


def _line(network: Network, lid: str) -> str:
    line = network.lines[lid]
    return line.source_name or next(iter(line.names.values()))


def sections(network: Network, answer: dict[str, Any]) -> list[dict[str, Any]]:
    """One reference route (mapcurate's structured answer) as the benchmark's sections."""
    return [{"route_name": _line(network, leg["line"]), "departure_stop": _station(network, leg["from"]),
             "arrival_stop": _station(network, leg["to"]), "via_stops": [_station(network, s) for s in leg["via"]],
             "num_via_stops": len(leg["via"])} for leg in answer["legs"]]


def _common(q: Question) -> dict[str, Any]:
    return {"country": q.country, "city": q.city, "difficulty_city": q.difficulty_map,
            "city_line_count": q.city_line_count, "city_transfer_count": q.city_transfer_count,
            "figure": f"./maps/{q.country}/{q.city}.png"}


def reasonmap_rows(network: Network, seed: int = 0) -> list[dict[str, Any]]:
    """One row per station pair of the city's planning questions."""
    questions = generate_city(network, seed=seed, families=["planning"]).questions
    shorts = [q for q in questions if q.template == "planning_short"]
    longs = {(q.station_1_id, q.station_2_id): q for q in questions if q.template != "planning_short"}
    rows = []
    for q in shorts:
        plans = [json.loads(q.answer), *json.loads(q.alternatives)]
        rows.append({
            **_common(q), "station_1": q.station_1, "station_2": q.station_2, "question_short": q.question,
            "question_long": longs[(q.station_1_id, q.station_2_id)].question,
            "json": json.dumps({_line(network, lid): [_station(network, s) for s in line.station_ids]
                                for lid, line in sorted(network.lines.items())}, ensure_ascii=False),
            "routes": {f"Route {i + 1}": sections(network, plan) for i, plan in enumerate(plans)},
            "difficulty_question": q.difficulty_question, "question_transfer_count": q.question_transfer_count,
        })
    return rows


def _plus_answer(q: Question) -> int:
    answer = json.loads(q.answer)
    if q.family in ("torf1", "torf2"):
        return 1 if answer["value"] == "yes" else 0
    if q.family == "counting1":
        return "ABCD".index(answer["letter"])
    return int(answer["value"])


def plus_rows(network: Network, seed: int = 0) -> list[dict[str, Any]]:
    """The city's Counting1-3 and TorF1-2 questions in the ReasonMap-Plus columns."""
    questions = generate_city(network, seed=seed, families=list(PLUS_FAMILIES)).questions
    return [{**_common(q), "type": q.type, "question": q.question, "answer": _plus_answer(q),
             "station_1": q.station_1, "station_2": q.station_2} for q in questions]


def write(rows: list[dict[str, Any]], path: Path) -> Path:
    """Rows as Parquet (`routes` an Arrow struct of plans, as `datasets` stores a mapping)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path
