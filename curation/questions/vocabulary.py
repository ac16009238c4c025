"""Name vocabularies: which names questions, gold answers and exports write.

- `map`: the names as the map prints them (display names: `4号线`, `Linha Azul`, `M2`);
- `benchmark`: the ReasonMap benchmark's own vocabulary — its station list's line keys (`Line 4`,
  `Azul`, `Line 2`) and its station strings with the role markers removed exactly as its evaluator
  removes them (the four literal strings `（换乘站）`, `（支线起始站）`, ` (Transfer Station)`,
  ` (Branch-starting Station)`; nothing else, so a misspelt source name stays misspelt). A station
  the source spells differently on two lines (`西单站` / `西单`, `Union Station` / `Union Station Station`)
  takes one spelling everywhere — the one most of its lines use, a doubled suffix (`… Station Station`)
  only as a last resort — in the questions, the gold answers and the
  metro data (`json`) alike: the benchmark's rule hands a ride over only between equal strings, so with
  two spellings no route changing trains there could ever be accepted.

A city without a station list (built from an annotation only) has no benchmark strings: its
`benchmark` names are the line's source name and the station's first source name, else the display
names. A rendered city's station list was written from its names, so both vocabularies agree there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from curation.errors import MapcurateError
from curation.names import match_key
from curation.network.model import Network

Names = Literal["map", "benchmark"]
NAMES: tuple[Names, ...] = ("map", "benchmark")
BENCHMARK_MARKERS = ("（换乘站）", "（支线起始站）", " (Transfer Station)", " (Branch-starting Station)")


def check_names(value: str) -> Names:
    for names in NAMES:
        if value == names:
            return names
    raise MapcurateError(f"--names takes {' or '.join(NAMES)}, but got {value!r}")


def benchmark_station(source: str) -> str:
    """A source station string as the benchmark's evaluator reads it (markers removed), trimmed."""
    for marker in BENCHMARK_MARKERS:
        source = source.replace(marker, "")
    return source.strip()


@dataclass(frozen=True)
class Vocabulary:
    """Line and station names of one city in one vocabulary, and its metro data (line → stations)."""

    lines: dict[str, str]
    stations: dict[str, str]
    metro: dict[str, list[str]] = field(default_factory=dict)


def map_vocabulary(network: Network, line_name: dict[str, str], station_name: dict[str, str]) -> Vocabulary:
    """The display names; metro data lists each line's stations once, in riding order."""
    metro = {line_name[lid]: [station_name[s] for s in network.lines[lid].station_ids] for lid in network.lines}
    return Vocabulary(lines=dict(line_name), stations=dict(station_name), metro=metro)


def benchmark_vocabulary(network: Network, raw: dict[str, list[str]] | None,
                         line_name: dict[str, str], station_name: dict[str, str]) -> Vocabulary:
    """The benchmark's names, from the city's station list `raw` (None: a city without one)."""
    by_key: dict[str, str] = {line.source_name: lid for lid, line in network.lines.items() if line.source_name}
    for lid, line in network.lines.items():  # a network built from an annotation knows list keys as aliases
        for other in (*line.aliases, *line.names.values()):
            if raw is not None and other in raw and other not in by_key:
                by_key[other] = lid
    keys = {lid: key for key, lid in by_key.items() if raw is not None and key in raw}
    lines = {lid: keys.get(lid) or line.source_name or line_name[lid] for lid, line in network.lines.items()}
    on_line: dict[tuple[str, str], str] = {}
    entry_station: dict[tuple[str, str], str] = {}  # (line key, source entry) -> station id
    if raw is not None:
        spelt_as = {sid: {match_key(benchmark_station(n)) for n in (*s.source_names, *s.names.values())}
                    for sid, s in network.stations.items()}
        for key, entries in raw.items():
            if key not in by_key:
                continue
            lid = by_key[key]
            members = network.lines[lid].station_ids
            for entry in entries:
                clean = benchmark_station(entry)
                spelt = match_key(clean)
                for sid in members:
                    if spelt in spelt_as[sid]:
                        on_line.setdefault((sid, lid), clean)
                        entry_station.setdefault((key, entry), sid)
    stations = {}
    for sid, station in network.stations.items():
        spellings = Counter(on_line[(sid, lid)] for lid in sorted(station.lines) if (sid, lid) in on_line)
        if spellings:  # a doubled suffix (`Station Station`, `站站`) is a typo the evaluator's suffix rule trips on
            stations[sid] = min(spellings, key=lambda s: (_doubled_suffix(s), -spellings[s]))
        elif station.source_names:
            stations[sid] = benchmark_station(station.source_names[0])
        else:
            stations[sid] = station_name[sid]
    if raw is not None and all(key in by_key for key in raw):
        metro = {key: [stations[entry_station[(key, e)]] if (key, e) in entry_station else benchmark_station(e)
                       for e in entries] for key, entries in raw.items()}
    else:
        metro = {lines[lid]: [stations[s] for s in network.lines[lid].station_ids]
                 for lid in network.lines}
    return Vocabulary(lines=lines, stations=stations, metro=metro)


def _doubled_suffix(name: str) -> bool:
    plain = name.split(" (")[0].split("（")[0].strip()
    return plain.endswith(("Station Station", "站站"))


def display_names(network: Network) -> tuple[dict[str, str], dict[str, str]]:
    """Lines as the map labels them (the city's first language that names each: Linha Azul, M2, 3号线) and
    stations in the map's language (Chinese for the Chinese cities, English elsewhere)."""
    language = "zh" if network.languages[:1] == ["zh"] else "en"
    lines = {lid: next((line.names[lang] for lang in network.languages if lang in line.names), line.names["en"])
             for lid, line in network.lines.items()}
    stations = {sid: station.names.get(language) or next(iter(station.names.values()))
                for sid, station in network.stations.items()}
    return lines, stations


def city_vocabulary(network: Network, names: Names, raw: dict[str, list[str]] | None = None) -> Vocabulary:
    """One city's names in vocabulary `names` (`raw`: its station list, for `benchmark`)."""
    lines, stations = display_names(network)
    if names == "benchmark":
        return benchmark_vocabulary(network, raw, lines, stations)
    return map_vocabulary(network, lines, stations)
