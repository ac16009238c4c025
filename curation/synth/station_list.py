"""A canonical network written back as a ReasonMap station list plus the manifest overrides it needs.

The inverse of `curation.network.reasonmap.import_reasonmap`: each line becomes a list of station names in
riding order with the source's role markers (transfer, branch start); a loop is stored open with a
`loop = true` override; a Y-shaped line is listed up to the fork, then one tail, then the other, with a
`branch` override; one name that denotes several stations gets a `station_splits` entry; station complexes
are written as `complexes` (a split station as `NAME (label)`). Importing the
result gives the same network (ids, variants up to direction, loops, transfers, names, aliases).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from curation.errors import MapcurateError
from curation.names import slugify
from curation.network.model import Line, Network, Station

_MARKS = {"zh": ("（换乘站）", "（支线起始站）"), "en": (" (Transfer Station)", " (Branch-starting Station)")}


@dataclass
class StationList:
    """The station list (line key → station strings) and the manifest tables that complete it."""

    lines: dict[str, list[str]]
    line_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    station_splits: list[dict[str, Any]] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    complexes: list[dict[str, Any]] = field(default_factory=list)


def station_list(network: Network, station_language: str) -> StationList:
    """Write `network` in the ReasonMap encoding, with the overrides that the encoding cannot express."""
    transfer_mark, branch_mark = _MARKS["zh" if station_language == "zh" else "en"]
    name = {sid: _name(station, station_language) for sid, station in network.stations.items()}
    result = StationList(lines={})
    for line in _in_order(network):
        key = line.names.get(station_language) or line.names["en"]
        if key in result.lines:
            raise MapcurateError(f"two lines are both called {key!r}; a station list needs distinct line names")
        sequence, override = _sequence(line, name)
        fork = override.get("branch", {}).get("fork")
        result.lines[key] = [
            name[sid] + (transfer_mark if network.stations[sid].marked_transfer else "")
            + (branch_mark if fork is not None and name[sid] == fork else "")
            for sid in sequence
        ]
        override.update({"names": dict(sorted(line.names.items()))})
        if line.aliases:
            override["aliases"] = sorted(set(line.aliases) - {key})
        if line.color:
            override["color"] = line.color
        if line.note:
            override["note"] = line.note
        result.line_overrides[key] = {k: v for k, v in override.items() if v != []}
    result.station_splits = _splits(network, name, result.lines)
    result.complexes = [_complex(network, name, group.stations, group.note) for group in network.complexes]
    for sid, station in sorted(network.stations.items()):
        extra = sorted(set(station.aliases) - {name[sid]} - set(station.names.values()))
        if extra and station.disambiguation is None:
            result.aliases.setdefault(name[sid], []).extend(extra)
    return result


def _complex(network: Network, name: dict[str, str], members: list[str], note: str | None) -> dict[str, Any]:
    """A `complexes` entry: each member by its name, a station split from a shared name as `NAME (label)`."""
    shared = Counter(name.values())
    written = []
    for sid in members:
        station = network.stations[sid]
        label = station.disambiguation or _group_key(sid, station, name[sid])
        written.append(name[sid] if shared[name[sid]] == 1 else f"{name[sid]} ({label})")
    return {"stations": written, **({"note": note} if note else {})}


def _name(station: Station, language: str) -> str:
    return station.names.get(language) or next(iter(station.names.values()))


def _in_order(network: Network) -> list[Line]:
    return [network.lines[k] for k in sorted(network.lines)]


def _sequence(line: Line, name: dict[str, str]) -> tuple[list[str], dict[str, Any]]:
    """The station ids as the source lists them, and the line's loop / branch override."""
    if line.loop:
        if line.is_branched:
            raise MapcurateError(f"line {line.id} is a loop with a branch, which a station list cannot express")
        return list(line.variants[0]), {"loop": True}
    if len(line.variants) == 1:
        return list(line.variants[0]), {}
    if len(line.variants) > 2:
        raise MapcurateError(f"line {line.id} has {len(line.variants)} variants; a station list holds at most two")
    f, s = (list(v) for v in line.variants)
    oriented = ((a, b) for a, b in ((f, s), (f, s[::-1]), (f[::-1], s), (f[::-1], s[::-1])) if a[0] == b[0])
    first, second = next(oriented, (f, s))
    if first[0] != second[0]:
        raise MapcurateError(f"line {line.id}'s two variants share no terminus; only Y-shaped lines are supported")
    shared = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
                  min(len(first), len(second)))
    if shared >= min(len(first), len(second)):
        raise MapcurateError(f"line {line.id}: one variant is part of the other; only Y-shaped lines are supported")
    fork = first[shared - 1]
    return first + second[shared:], {"branch": {"fork": name[fork], "second_tail": name[second[shared]]}}


def _splits(network: Network, name: dict[str, str], lines: dict[str, list[str]]) -> list[dict[str, Any]]:
    """`station_splits` for names several stations share: each station's group lists where it occurs."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for sid in sorted(network.stations):
        by_name[name[sid]].append(sid)
    line_key = {line.id: key for line, key in zip(_in_order(network), lines, strict=True)}
    splits = []
    for shared_name, sids in sorted(by_name.items()):
        if len(sids) < 2:
            continue
        groups: dict[str, dict[str, Any]] = {}
        for sid in sids:
            station = network.stations[sid]
            on = []
            for line in _in_order(network):
                if sid not in line.station_ids:
                    continue
                sequence, _ = _sequence(line, name)
                occurrences = [s for s in sequence if name[s] == shared_name]
                key = line_key[line.id]
                on.append(key if len(occurrences) == 1 else f"{key}:{occurrences.index(sid) + 1}")
            group = _group_key(sid, station, shared_name)
            groups[group] = {"label": station.disambiguation or group, "on": on}
        if len(Counter(groups)) != len(sids):
            raise MapcurateError(f"stations {', '.join(sids)} share the name {shared_name!r} and cannot be told apart")
        splits.append({"name": shared_name, "groups": groups})
    return splits


def _group_key(sid: str, station: Station, shared_name: str) -> str:
    """The split group of a station: what its id adds to the shared name's slug, else its id."""
    base = slugify(shared_name.removesuffix(" Station").removesuffix("站")) or "station"
    return sid[len(base) + 1:] if sid.startswith(base + "-") and len(sid) > len(base) + 1 else sid
