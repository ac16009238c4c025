"""Import a ReasonMap station list (line name → ordered station strings) into the canonical model.

The source writes roles into names (`（换乘站）`, ` (Transfer Station)`, branch starts), stores
loops either closed (first station repeated) or open, and lists a branched line as the stations
up to the fork, one tail, then the second tail. The city manifest supplies what the list cannot
say: loops stored open, where the second tail starts, corrections, aliases and splits of one
name into several stations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from pypinyin import lazy_pinyin

from curation.cities import City
from curation.names import (
    BRANCH_START,
    TRANSFER,
    has_cjk,
    match_key,
    parse_source_name,
    slugify,
    stable_ids,
    without_parentheticals,
)
from curation.network.hints import manifest_ref, toml_str
from curation.network.model import Line, Network, Station
from curation.network.occurrence import Occurrence, Where
from curation.network.quality import FindingList
from curation.network.source_checks import check_source_names

_LINE_NUMBER = re.compile(r"^Line (\d+)$")


def import_reasonmap(city: City, raw: dict[str, list[str]]) -> tuple[Network, FindingList]:
    """Build the canonical network of `city` from its ReasonMap station list.

    Returns the network and the findings about the source and the manifest overrides.
    """
    out = FindingList(city.slug)
    occurrences = _read_occurrences(city, raw, out)
    groups = _split_groups(city, occurrences, out)
    station_of = _assign_stations(occurrences, groups)
    stations = _build_stations(city, occurrences, station_of, groups, out)
    lines = _build_lines(city, raw, occurrences, station_of, out)
    for line in lines.values():
        for sid in line.station_ids:
            stations[sid].lines.append(line.id)
    for station in stations.values():
        station.lines.sort()
    out += check_source_names(city, occurrences, station_of)
    network = Network(
        city=city.slug,
        country=city.country,
        city_names=dict(city.names),
        languages=list(city.languages),
        stations=stations,
        lines=lines,
    )
    return network, out


def _read_occurrences(city: City, raw: dict[str, list[str]], out: FindingList) -> list[Occurrence]:
    used_corrections: set[str] = set()
    occurrences: list[Occurrence] = []
    for line_name, entries in raw.items():
        counts: dict[str, int] = defaultdict(int)
        for index, source in enumerate(entries):
            parsed = parse_source_name(source)
            name = city.corrections.get(parsed.name, parsed.name)
            if parsed.name in city.corrections:
                used_corrections.add(parsed.name)
            counts[match_key(name)] += 1
            occurrences.append(Occurrence(line_name, index, parsed, name, counts[match_key(name)]))
    for wrong in sorted(set(city.corrections) - used_corrections):
        out.add("error", "override-unknown-station",
                f"correction names {wrong!r}, which no line lists",
                f"fix or remove `corrections.{wrong!r}` in {city.manifest_path.name}",
                station=wrong)
    for line_name in sorted(set(city.lines) - set(raw)):
        out.add("error", "override-unknown-line",
                f"override names line {line_name!r}, which the source does not have",
                f"use one of: {', '.join(raw)}", line=line_name)
    return occurrences


def _split_groups(city: City, occurrences: list[Occurrence], out: FindingList) -> dict[Where, tuple[str, str]]:
    """(line, index) → (split group, label) for names that denote several stations."""
    assigned: dict[Where, tuple[str, str]] = {}
    line_names = {o.line for o in occurrences}
    by_key: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in occurrences:
        by_key[occ.key].append(occ)
    for split in city.station_splits:
        name = split["name"]
        occs = by_key.get(match_key(name), [])
        if not occs:
            out.add("error", "override-unknown-station",
                    f"station split names {name!r}, which no line lists",
                    "fix the name (after corrections) or remove the split", station=name)
            continue
        for group, spec in sorted(split["groups"].items()):
            for target in spec["on"]:
                line_name, _, number = target.partition(":")
                hits = [o for o in occs if o.line == line_name and (not number or str(o.number) == number)]
                if line_name not in line_names:
                    out.add("error", "override-unknown-line",
                            f"station split {name!r} group {group!r} names line {line_name!r}, which the source "
                            "does not have", f"use one of: {', '.join(sorted(line_names))}", line=line_name)
                elif not hits:
                    out.add("error", "override-unknown-station",
                            f"station split {name!r} group {group!r} names {target!r}, "
                            f"but {name!r} is not there", "fix the line name or occurrence number",
                            line=line_name, station=name)
                for hit in hits:
                    if hit.where in assigned and assigned[hit.where][0] != group:
                        out.add("error", "split-ambiguous",
                                f"{name!r} on {hit.line} is in split groups {assigned[hit.where][0]!r} and {group!r}",
                                "name each occurrence in exactly one group", line=hit.line, station=name)
                    assigned[hit.where] = (group, spec["label"])
        for occ in occs:
            if occ.where not in assigned:
                out.add("error", "split-unassigned",
                        f"{name!r} on {occ.line} (occurrence {occ.number}) is in no split group",
                        f"add {occ.line!r} or '{occ.line}:{occ.number}' to one group",
                        line=occ.line, station=name)
    return assigned


def _assign_stations(occurrences: list[Occurrence], groups: dict[Where, tuple[str, str]]) -> dict[Where, str]:
    """(line, index) → station id. Same name means same station unless a split says otherwise."""
    station_key: dict[Where, tuple[str, str]] = {
        o.where: (o.key, groups[o.where][0] if o.where in groups else "") for o in occurrences
    }
    first_name: dict[str, str] = {}
    for occ in occurrences:
        first_name.setdefault(occ.key, occ.name)
    ids = stable_ids(sorted(set(station_key.values())), first_name)
    return {where: ids[key] for where, key in station_key.items()}


def _build_stations(city: City, occurrences: list[Occurrence], station_of: dict[Where, str],
                    groups: dict[Where, tuple[str, str]], out: FindingList) -> dict[str, Station]:
    stations: dict[str, Station] = {}
    for occ in occurrences:
        sid = station_of[occ.where]
        station = stations.get(sid)
        if station is None:
            label = groups[occ.where][1] if occ.where in groups else None
            station = Station(id=sid, names={city.station_language: occ.name}, disambiguation=label)
            plain = without_parentheticals(occ.name)
            if plain != occ.name:
                station.aliases.append(plain)
            if label:
                station.aliases.append(f"{occ.name} ({label})")
            stations[sid] = station
        if occ.parsed.source not in station.source_names:
            station.source_names.append(occ.parsed.source)
        if occ.parsed.name != occ.name and occ.parsed.name not in station.aliases:
            station.aliases.append(occ.parsed.name)
        station.marked_transfer |= TRANSFER in occ.parsed.markers
    by_name = {match_key(s.names[city.station_language]): s for s in stations.values()}
    for name, extra in city.aliases.items():
        target = by_name.get(match_key(name))
        if target is None:
            out.add("error", "override-unknown-station", f"aliases name {name!r}, which no line lists",
                    "use the station's name after corrections", station=name)
        else:
            target.aliases.extend(extra)
    listed = {match_key(o.parsed.name) for o in occurrences} | set(by_name)
    for pair in city.distinct:
        for name in sorted({n for n in pair if match_key(n) not in listed}):
            out.add("error", "override-unknown-station", f"distinct pair names {name!r}, which no line lists",
                    "use the names as the source spells them", station=name)
        if match_key(pair[0]) == match_key(pair[1]):
            out.add("error", "override-invalid", f"distinct pair {list(pair)} names one station twice",
                    "a distinct pair names two look-alike stations", station=pair[0])
    return stations


def _build_lines(city: City, raw: dict[str, list[str]], occurrences: list[Occurrence],
                 station_of: dict[Where, str], out: FindingList) -> dict[str, Line]:
    by_line: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in occurrences:
        by_line[occ.line].append(occ)
    lines: dict[str, Line] = {}
    for line_name in raw:
        override = city.lines.get(line_name, {})
        occs = by_line.get(line_name, [])
        # A station listed twice in a row is one stop (e.g. two spellings of one complex, corrected).
        sequence = [sid for i, sid in enumerate(station_of[o.where] for o in occs)
                    if i == 0 or sid != station_of[occs[i - 1].where]]
        loop = bool(override.get("loop", False))
        if len(sequence) > 2 and sequence[0] == sequence[-1]:
            sequence, loop = sequence[:-1], True
            out.add("info", "loop-closed-by-repeat",
                    f"{line_name} repeats its first station at the end: modelled as a loop",
                    "nothing to do", line=line_name, fixed_by="automatic")
        if loop and "branch" in override:
            out.add("error", "branch-invalid", f"{line_name} is both a loop and branched",
                    "a loop with a branch is not modelled: drop one of the overrides", line=line_name)
        variants = _variants(line_name, occs, sequence, override, out)
        names = _line_names(city, line_name, override)
        line_id = _unique_line_id(names, line_name, lines)
        aliases = list(override.get("aliases", []))
        if line_name not in names.values():
            aliases.append(line_name)
        lines[line_id] = Line(
            id=line_id, names=names, variants=variants, aliases=aliases,
            color=override["color"].upper() if "color" in override else None, loop=loop,
            source_name=line_name, note=override.get("note"),
        )
    return lines


def _variants(line_name: str, occs: list[Occurrence], sequence: list[str], override: dict[str, Any],
              out: FindingList) -> list[list[str]]:
    """One ride for a simple line or a loop; two rides for a Y-shaped line with a branch override."""
    marked = [o for o in occs if BRANCH_START in o.parsed.markers]
    branch = override.get("branch")
    if branch is None:
        for occ in marked:
            if override.get("note"):
                out.add("info", "branch-not-modelled",
                        f"{line_name} marks {occ.name!r} as a branch start; modelled as one variant",
                        "see the line's note in the manifest", line=line_name, station=occ.name,
                        fixed_by=manifest_ref("lines", line_name, "note"))
            else:
                out.add("warning", "branch-not-modelled",
                        f"{line_name} marks {occ.name!r} as a branch start but the manifest gives no branch",
                        f"under [lines.{toml_str(line_name)}] add: branch = {{ fork = {toml_str(occ.name)}, "
                        "second_tail = \"<first station of the second tail>\" }, or a note saying why not",
                        line=line_name, station=occ.name)
        return [sequence]
    names = [match_key(o.name) for o in occs]
    fork_key, tail_key = match_key(branch["fork"]), match_key(branch["second_tail"])
    if fork_key not in names or tail_key not in names:
        missing = branch["fork"] if fork_key not in names else branch["second_tail"]
        out.add("error", "override-unknown-station",
                f"branch of {line_name} names {missing!r}, which {line_name} does not list",
                "use a station name of this line (after corrections)", line=line_name, station=missing)
        return [sequence]
    fork, tail = names.index(fork_key), names.index(tail_key)
    if not fork + 1 < tail < len(sequence):
        out.add("error", "branch-invalid",
                f"branch of {line_name}: second_tail {branch['second_tail']!r} must come at least two "
                f"places after the fork {branch['fork']!r}", "check the order of the source list",
                line=line_name, station=branch["second_tail"])
        return [sequence]
    for occ in marked:
        if match_key(occ.name) != fork_key:
            out.add("warning", "branch-marker-mismatch",
                    f"{line_name} marks {occ.name!r} as a branch start, but the manifest forks at "
                    f"{branch['fork']!r}", "check which station the branch leaves from",
                    line=line_name, station=occ.name)
    return _rides_through_fork(sequence, fork, tail, branch.get("shared", "prefix"))


def _rides_through_fork(sequence: list[str], fork: int, tail: int, shared: str) -> list[list[str]]:
    """The two rides of a Y-shaped line whose three arms meet at `sequence[fork]`.

    The source lists the `prefix` arm up to the fork, then the `first_tail` arm, then the
    `second_tail` arm, each tail running outward from the fork. Both services ride the `shared`
    arm; each of the other two arms is the far end of one service.
    """
    outward = {
        "prefix": sequence[:fork][::-1],
        "first_tail": sequence[fork + 1 : tail],
        "second_tail": sequence[tail:],
    }
    rides = [outward[arm][::-1] + [sequence[fork]] + outward[shared] for arm in outward if arm != shared]
    # Keep the source's riding direction where it is unambiguous: from the prefix's terminus.
    return [ride[::-1] for ride in rides] if shared == "prefix" else rides


def _line_names(city: City, line_name: str, override: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    number = _LINE_NUMBER.match(line_name)
    if has_cjk(line_name):
        names["zh"] = line_name
        names["en"] = "".join(lazy_pinyin(line_name.removesuffix("线"))).title() + " Line"
    else:
        names["en"] = line_name
        if number and "zh" in city.languages:
            names["zh"] = f"{number.group(1)}号线"
    names.update(override.get("names", {}))
    return names


def _unique_line_id(names: dict[str, str], line_name: str, lines: dict[str, Line]) -> str:
    base = slugify(names["en"]) or slugify(line_name)
    if len(base) <= 2 or base[0].isdigit():
        base = f"line-{base}"  # New York's bare `1` and `A`
    line_id, n = base, 2
    while line_id in lines:
        line_id, n = f"{base}-{n}", n + 1
    return line_id
