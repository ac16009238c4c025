"""The labels every row carries about its map, and the route rows about their question."""

from __future__ import annotations

from typing import Any

from curation.audit.defects import Defect
from curation.audit.graphs import CityGraph
from curation.questions.difficulty import QUESTION_LEVELS, question_level


def map_labels(row: dict[str, Any], graph: CityGraph) -> list[Defect]:
    """difficulty_city, city_line_count and city_transfer_count against the graph (where the row has them)."""
    found = []
    given = row.get("difficulty_city")
    if given is not None and str(given).strip().lower() != graph.map_level:
        found.append(Defect("difficulty-city-differs", {"given": given, "mapcurate": graph.map_level}))
    for column, kind, value in (("city_line_count", "city-line-count-differs", graph.line_count),
                                ("city_transfer_count", "city-transfer-count-differs", graph.transfer_count)):
        if row.get(column) is not None and row[column] != value:
            found.append(Defect(kind, {"given": row[column], "graph": value}))
    return found


def question_labels(row: dict[str, Any], transfers: int, reference: int | None) -> list[Defect]:
    """question_transfer_count and difficulty_question against the optimal route's `transfers`.

    `reference` (the transfers of the row's first valid reference route) is reported beside them."""
    found = []
    context = {"optimal_transfers": transfers, "reference_transfers": reference}
    if row.get("question_transfer_count") != transfers:
        found.append(Defect("transfer-count-wrong", {"given": row.get("question_transfer_count"), **context}))
    expected = QUESTION_LEVELS[question_level(transfers)]
    given = row.get("difficulty_question")
    if given is None or str(given).strip().lower() != expected:
        found.append(Defect("difficulty-question-wrong", {"given": given, "expected": expected, **context}))
    return found
