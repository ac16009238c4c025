"""Station positions from a proposal (`mapcurate prelabel`'s annotation) put into a station-list network.

The network — stations, lines, rides — stays the station list's; each station whose proposal is confident
enough (`min_confidence`) and names it (`network_id`) gets the proposal's `pos` (and its marker and label
boxes, where the proposal has them), and the network records the image those are pixels of. The positions are
cross-checked, each finding a warning with one root cause:

- `position-unknown-station`: the proposal places a station the list does not have;
- `position-off-line`: a station lies far from both its placed neighbours on a line — more than
  `OFF_LINE` times the line's median hop — which a label matched to the wrong station, or a legend entry
  taken for one, looks like; its position is not used;
- `position-missing` (info): how many stations the proposal did not place (or placed below the confidence).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import numpy as np

from curation.annotations.model import Annotation, StationMark, format_point
from curation.network.model import Network
from curation.network.quality import FindingList

MIN_CONFIDENCE = 0.5
OFF_LINE = 4.0
"""a station further than this many median hops from each placed neighbour on each of its lines is off it."""


def apply_positions(network: Network, annotation: Annotation, min_confidence: float = MIN_CONFIDENCE) -> FindingList:
    """Set the `pos` of `network`'s stations from `annotation` (module doc); the findings of the cross-check."""
    out = FindingList(network.city)
    placed: dict[str, tuple[float, float]] = {}  # an annotation names each network id once (its model checks)
    marks: dict[str, StationMark] = {}
    for mark in sorted(annotation.stations, key=lambda m: m.id):
        sid = mark.network_id
        if sid is None or mark.confidence < min_confidence:
            continue
        if sid not in network.stations:
            out.add("warning", "position-unknown-station",
                    f"mark {mark.id!r} at {format_point(mark.pos)} places station id {sid!r}, which the station list "
                    "does not have", "correct the mark's network_id, or remove the mark")
        else:
            placed[sid], marks[sid] = mark.pos, mark
    for sid in sorted(_off_line(network, placed)):
        station = network.stations[sid]
        out.add("warning", "position-off-line",
                f"{station.display_name} ({sid}) is placed at {format_point(placed[sid])}, far from its placed "
                f"neighbours on {', '.join(sorted(station.lines))}; its position is not used",
                "check the mark's label: it may name another station, or be a legend entry",
                station=station.display_name)
        del placed[sid]
    for sid, pos in placed.items():
        station, mark = network.stations[sid], marks[sid]
        station.pos, station.label = pos, mark.label_box
        station.marker = None if mark.marker is None else mark.marker.box
    network.image = annotation.image.to_dict()
    missing = len(network.stations) - len(placed)
    if missing:
        out.add("info", "position-missing",
                f"{missing} of {len(network.stations)} stations have no position (not placed, placed below "
                f"confidence {min_confidence:g}, or off their line)", "place them in an annotation session")
    return out


def _off_line(network: Network, placed: dict[str, tuple[float, float]]) -> set[str]:
    """Stations whose every placed neighbour, on every line, is more than `OFF_LINE` median hops away."""
    near: dict[str, bool] = defaultdict(bool)
    for line in network.lines.values():
        hops: list[tuple[str, str, float]] = []
        for ride in line.variants:
            stops = ride + ride[:1] if line.loop and len(ride) > 2 else ride
            for a, b in itertools.pairwise(stops):
                if a in placed and b in placed:
                    hops.append((a, b, math.dist(placed[a], placed[b])))
        if len(hops) < 3:
            continue
        limit = OFF_LINE * float(np.median([d for _, _, d in hops]))
        for a, b, distance in hops:
            near[a] |= distance <= limit
            near[b] |= distance <= limit
    return {sid for sid, ok in near.items() if not ok}

