"""The defect classes an audit reports, and one found defect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# class -> what it means (the README and `mapcurate audit --help` list these).
CLASSES: dict[str, str] = {
    "routes-malformed": "the routes cell is not a mapping of plans to lists of sections",
    "routes-empty": "no reference route",
    "endpoint-unresolved": "station_1 or station_2 names no station of the graph",
    "unreachable": "the graph has no route between the two stations",
    "line-unknown": "a section's route_name names no line of the graph",
    "station-unresolved": "a section's departure, arrival or via stop names no station",
    "station-not-on-line": "a section's departure or arrival is not on its line",
    "ride-invalid": "a section departs and arrives at the same stop",
    "ride-crosses-fork": "a section rides from one branch to another (a change of trains at the fork)",
    "handover-broken": "a section's arrival is not the next section's departure",
    "route-endpoints-wrong": "the route does not start at station_1 or does not end at station_2",
    "via-stops-wrong": "a section's via stops are not the stops between its departure and arrival",
    "via-count-wrong": "a section's num_via_stops is not the number of stops between",
    "route-not-optimal": "the route takes more transfers (then more stops) than the optimal one",
    "transfer-count-wrong": "question_transfer_count is not the optimal route's transfers",
    "difficulty-question-wrong": "difficulty_question does not follow the optimal route's transfers",
    "difficulty-city-differs": "difficulty_city differs from mapcurate's map level",
    "city-line-count-differs": "city_line_count is not the graph's number of lines",
    "city-transfer-count-differs": "city_transfer_count is not the graph's number of interchanges "
                                   "(stations where lines meet)",
    "plus-type-unknown": "type is none of Counting1-3, TorF1-2",
    "plus-answer-unreadable": "answer is not an integer (or not 0-3 / 0-1 where those are the choices)",
    "plus-unresolved": "a station or line the question names resolves to nothing",
    "plus-options-unreadable": "a Counting1 question without its four options A-D",
    "plus-answer-wrong": "the answer differs from the one recomputed from the graph",
}


@dataclass(frozen=True)
class Defect:
    """One defect of one row: its class and what exactly is wrong."""

    kind: str
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in CLASSES:
            raise ValueError(f"unknown defect class {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"class": self.kind, **self.detail}
