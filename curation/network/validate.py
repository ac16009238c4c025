"""Structural validation of a built network: errors block the build, warnings are reported."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from curation.network.model import Network
from curation.network.quality import FindingList


def validate_network(network: Network) -> FindingList:
    """Every structural problem of `network`, in one pass."""
    findings = FindingList(network.city)
    add = findings.add

    for line in network.lines.values():
        if not line.variants or any(len(v) < 2 for v in line.variants):
            add("error", "line-empty", f"line {line.id} has a variant with fewer than two stations",
                "check the source list and the branch override", line=line.id)
            continue
        for variant in line.variants:
            for sid, count in sorted(Counter(variant).items()):
                if count > 1:
                    add("error", "station-repeated",
                        f"line {line.id} visits {sid} {count} times in one variant",
                        "split same-named stations with [[station_splits]], or mark a closed line "
                        "as a loop", line=line.id, station=sid)
        for sid in line.station_ids:
            if sid not in network.stations:
                add("error", "unknown-station", f"line {line.id} lists unknown station {sid}",
                    "every variant entry must be a station id", line=line.id, station=sid)
        ridden = nx.Graph(line.edges())
        if ridden.number_of_nodes() and not nx.is_connected(ridden):
            add("error", "line-disconnected", f"line {line.id} falls apart into separate pieces",
                "each branch variant must start at the same terminus as the trunk", line=line.id)
    for station in network.stations.values():
        if not station.lines:
            add("error", "station-unserved", f"station {station.id} is served by no line",
                "remove it or add it to a line", station=station.id)
        elif station.is_transfer and not station.marked_transfer:
            add("warning", "transfer-unmarked",
                f"{station.id} is served by {', '.join(sorted(station.lines))} but no source marks it "
                "as a transfer", "nothing to do if the lines meet here; otherwise split the name "
                "with [[station_splits]]", station=station.id)
        elif station.marked_transfer and not station.is_transfer:
            add("warning", "transfer-mark-single-line",
                f"{station.id} is marked as a transfer but only {station.lines[0]} serves it",
                "nothing to do if the transfer is to a service outside this network; otherwise "
                "look for a misspelt name on the other line", station=station.id)
    graph = network.to_networkx()
    if graph.number_of_nodes() and not nx.is_connected(graph):
        parts = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c))
        add("warning", "network-disconnected",
            f"the network falls apart into {len(parts)} parts (smallest holds {parts[-1][0]})",
            "check for a missing transfer (a misspelt shared station)")
    return findings
