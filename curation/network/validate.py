"""Structural validation of a built network: errors block the build, warnings are reported.

Findings name lines and stations as the city's curators write them (source line names, station
names after corrections, with the split label where one name is several stations), like the
source checks do, and give the ids in the message.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from curation.network.model import Line, Network, Station
from curation.network.quality import FindingList


def validate_network(network: Network) -> FindingList:
    """Every structural problem of `network`, in one pass."""
    findings = FindingList(network.city)
    add = findings.add

    def station_name(sid: str) -> str:
        station = network.stations.get(sid)
        return _station_label(station) if station is not None else sid

    def line_names(station: Station) -> str:
        return ", ".join(_line_label(network.lines[lid]) for lid in station.lines if lid in network.lines)

    graph = network.to_networkx()
    for line in network.lines.values():
        name = _line_label(line)
        if not line.variants or any(len(v) < 2 for v in line.variants):
            add("error", "line-empty", f"{name} ({line.id}) has a ride with fewer than two stations",
                "check the source list and the branch override", line=name)
            continue
        for variant in line.variants:
            for sid, count in sorted(Counter(variant).items()):
                if count > 1:
                    add("error", "station-repeated",
                        f"{name} visits {station_name(sid)} ({sid}) {count} times in one ride",
                        "split same-named stations with [[station_splits]], or mark a closed line as a loop",
                        line=name, station=station_name(sid))
        for sid in line.station_ids:
            if sid not in network.stations:
                add("error", "unknown-station", f"{name} lists unknown station id {sid}",
                    "every variant entry must be a station id", line=name, station=sid)
        ridden = nx.Graph(line.edges())
        if ridden.number_of_nodes() and not nx.is_connected(ridden):
            add("error", "line-disconnected", f"{name} ({line.id}) falls apart into separate pieces",
                "each branch ride must pass the fork", line=name)
    for station in network.stations.values():
        label = _station_label(station)
        if not station.lines:
            add("error", "station-unserved", f"{label} ({station.id}) is served by no line",
                "remove it or add it to a line", station=label)
        elif station.is_transfer and not station.marked_transfer and _on_shared_track(graph, station):
            add("info", "transfer-unmarked",
                f"{label} ({station.id}) is served by {line_names(station)}, which share the track here; "
                "no source marks it as a transfer", "nothing to do", station=label)
        elif station.is_transfer and not station.marked_transfer:
            add("warning", "transfer-unmarked",
                f"{label} ({station.id}) is where {line_names(station)} meet, but no source marks it as a transfer",
                "nothing to do if the lines meet here; if they are different stations of one name, split "
                "it with [[station_splits]]", station=label)
        elif station.marked_transfer and not station.is_transfer:
            add("warning", "transfer-mark-single-line",
                f"{label} ({station.id}) is marked as a transfer but only {line_names(station)} serves it",
                "nothing to do if the transfer is to a service outside this network, or to a nearby "
                "station of another name (not modelled); otherwise look for a misspelt name on the other line",
                station=label)
    if graph.number_of_nodes() and not nx.is_connected(graph):
        parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c))
        add("warning", "network-disconnected",
            f"the network falls apart into {len(parts)} parts (the smallest holds {station_name(parts[-1][0])})",
            "check for a missing transfer (a misspelt shared station)")
    return findings


def _on_shared_track(graph: nx.MultiGraph[str], station: Station) -> bool:
    """Whether all lines serving `station` also run together to one of its neighbours."""
    serving = set(station.lines)
    return any(serving <= set(graph[station.id][neighbour]) for neighbour in graph[station.id])


def _station_label(station: Station) -> str:
    name = next(iter(station.names.values()))
    return f"{name} ({station.disambiguation})" if station.disambiguation else name


def _line_label(line: Line) -> str:
    return line.source_name or line.id
