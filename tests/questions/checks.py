"""Independent checks of generated questions: each answer recomputed without the generator's code."""

from __future__ import annotations

import json
import re
from itertools import pairwise

import networkx as nx

from curation.network.model import Network
from curation.questions.line_color import colour_name
from tests.independent_router import IndependentRouter


class Names:
    """Display names as the questions show them, recomputed here."""

    def __init__(self, network: Network) -> None:
        lang = "zh" if network.languages[:1] == ["zh"] else "en"
        self.station = {}
        for sid, s in network.stations.items():
            name = s.names.get(lang) or next(iter(s.names.values()))
            self.station[sid] = f"{name} ({s.disambiguation})" if s.disambiguation else name
        self.line = {lid: next((line.names[x] for x in network.languages if x in line.names), line.names["en"])
                     for lid, line in network.lines.items()}
        self.station_ids = {name: sid for sid, name in self.station.items()}
        self.line_ids = {name: lid for lid, name in self.line.items()}


def benchmark_accepts(network: Network, names: Names, row: dict) -> bool:
    """ReasonMap's accuracy rule (reference §4) on `answer_text`, written from its description."""
    blocks = [b for b in row["answer_text"].split("\n--\n") if b.strip()]
    parsed = []
    for block in blocks:
        fields = dict(line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in block.split("\n"))
        parsed.append((fields["Route Name"], fields["Departure Stop"], fields["Arrival Stop"]))
    if parsed[0][1] != row["station_1"] or parsed[-1][2] != row["station_2"]:
        return False
    for i, (line_name, start, end) in enumerate(parsed):
        lid = names.line_ids.get(line_name)
        if lid is None:
            return False
        on_line = set(network.lines[lid].station_ids)
        if names.station_ids.get(start) not in on_line or names.station_ids.get(end) not in on_line:
            return False
        if i + 1 < len(parsed) and parsed[i + 1][1] != end:
            return False
    return True


def route_keys(answer: dict) -> tuple:
    return tuple((leg["line"], leg["from"], leg["to"], tuple(leg["via"])) for leg in answer["legs"])


def line_graph(network: Network, lid: str) -> nx.Graph:
    return nx.Graph(network.lines[lid].edges())


def check_planning(network: Network, names: Names, router: IndependentRouter, row: dict) -> None:
    answer = json.loads(row["answer"])
    alternatives = json.loads(row["alternatives"])
    transfers, stops, expected = router.optimal(row["station_1_id"], row["station_2_id"])
    listed = {route_keys(answer)} | {route_keys(a) for a in alternatives}
    assert listed == expected, (row["city"], row["station_1_id"], row["station_2_id"])
    assert (answer["transfers"], answer["stops"]) == (transfers, stops)
    assert row["question_transfer_count"] == transfers
    assert row["difficulty_question"] == ("easy", "medium", "hard")[min(transfers, 2)]
    # A walk between two stations of a complex hands over under two names: mapcurate's scorer accepts it,
    # the benchmark's rule (arrival == next departure, as strings) cannot.
    walks = [(a["to"], b["from"]) for a, b in pairwise(answer["legs"]) if a["to"] != b["from"]]
    assert all(any({a, b} <= set(c.stations) for c in network.complexes) for a, b in walks), walks
    assert benchmark_accepts(network, names, row) == (not walks), row["answer_text"]
    for leg in answer["legs"]:
        line = network.lines[leg["line"]]
        if len(line.variants) > 1:  # a ride on a branched line stays within one variant
            assert any({leg["from"], leg["to"], *leg["via"]} <= set(v) for v in line.variants)
    if row["template"] == "planning_long_count":
        counts = [int(m) for m in re.findall(r"Number of Via Stops: (\d+)", row["answer_text"])]
        assert counts == [len(leg["via"]) for leg in answer["legs"]]


def check_detail(network: Network, names: Names, router: IndependentRouter, row: dict) -> None:
    answer = json.loads(row["answer"])
    a, b = row["station_1_id"], row["station_2_id"]
    lines_of = {sid: {lid for lid, line in network.lines.items() if sid in line.station_ids}
                for sid in network.stations}
    kind = row["type"]
    if kind == "Counting1":
        path = nx.shortest_path(line_graph(network, answer["line"]), a, b)
        assert answer["value"] == len(path) - 2
        assert answer["options"][ord(answer["letter"]) - ord("A")] == answer["value"]
        assert len(set(answer["options"])) == 4 and min(answer["options"]) >= 0
        expected = f"\\boxed{{{answer['letter']}}}"
    elif kind == "Counting2":
        expected = f"\\boxed{{{len(lines_of[a])}}}"
    elif kind == "Counting3":
        expected = f"\\boxed{{{len(network.lines)}}}"
    elif kind == "TorF1":
        expected = "\\boxed{yes}" if lines_of[a] & lines_of[b] else "\\boxed{no}"
    elif kind == "TorF2":
        expected = "\\boxed{yes}" if answer["line"] in lines_of[a] else "\\boxed{no}"
        assert names.line[answer["line"]] in row["question"]  # bare New York names read "the A train"
    elif kind == "NextStop":
        path = nx.shortest_path(line_graph(network, answer["line"]), a, b)
        expected = f"\\boxed{{{names.station[path[1]]}}}"
    elif kind == "Terminus":
        line = network.lines[answer["line"]]
        ends = set()
        for variant in line.variants:
            if a in variant and b in variant:
                ends.add(variant[-1] if variant.index(b) > variant.index(a) else variant[0])
        assert len(ends) == 1 and not line.loop
        expected = f"\\boxed{{{names.station[ends.pop()]}}}"
    elif kind == "MinTransfers":
        expected = f"\\boxed{{{router.optimal(a, b)[0]}}}"
    elif kind == "Adjacent":
        adjacent = any(frozenset((a, b)) in {frozenset(e) for e in line.edges()} for line in network.lines.values())
        expected = "\\boxed{yes}" if adjacent else "\\boxed{no}"
    elif kind == "LineColor":
        line = network.lines[answer["value"]]
        assert colour_name(line.color) == answer["color_name"]
        same = [lid for lid, other in network.lines.items()
                if other.color and colour_name(other.color) == answer["color_name"]]
        assert same == [answer["value"]]
        expected = f"\\boxed{{{names.line[answer['value']]}}}"
    else:
        raise AssertionError(f"unchecked type {kind}")
    assert row["answer_text"] == expected, (kind, row["question"], row["answer_text"], expected)
