"""Each audited city's curated graph, prepared once: names to ids, routes, labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from curation.network.build import GRAPH_FILE, load_network, require_graphs
from curation.network.model import Network
from curation.questions.difficulty import MAP_LEVELS, interchange_stations, map_level
from curation.routing import Route, Router
from curation.scoring import resolve
from curation.scoring.keys import fold, loose_station_keys, station_key
from curation.scoring.lexicon import CompiledLexicon, compile_lexicon, lexicon_from_network


@dataclass
class CityGraph:
    """One city's network with its lexicon (benchmark names, markers and aliases → ids) and router."""

    network: Network
    lexicon: CompiledLexicon = field(init=False)
    router: Router = field(init=False)
    _routes: dict[tuple[str, str], list[Route]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lexicon = compile_lexicon(lexicon_from_network(self.network))
        self.router = Router(self.network)

    @cached_property
    def line_names(self) -> dict[str, set[int]]:
        """Every name of every line (id, names, aliases, the source's key), folded → lexicon line indices."""
        found: dict[str, set[int]] = {}
        for index, line_id in enumerate(self.lexicon.line_ids):
            line = self.network.lines[line_id]
            for name in (line_id, *line.names.values(), *line.aliases, line.source_name):
                if name:
                    found.setdefault(fold(name), set()).add(index)
        return found

    def may_name(self, name: str | None, index: int, line: int | None = None) -> bool:
        """Whether `name` names station `index`: resolves to it, or is a name it shares with others."""
        found = resolve.station(self.lexicon, name, line)
        if found.index is not None:
            return found.index == index
        return found.how == "ambiguous" and name is not None and (
            index in self.lexicon.strict.get(station_key(name), ())
            or any(index in self.lexicon.loose.get(k, ()) for k in loose_station_keys(name)))

    @cached_property
    def map_level(self) -> str:
        return MAP_LEVELS[map_level(self.network)]

    @cached_property
    def line_count(self) -> int:
        return len(self.network.lines)

    @cached_property
    def transfer_count(self) -> int:
        return len(interchange_stations(self.network))

    def optimal(self, start: int, end: int) -> list[Route]:
        """Every optimal route between two stations given by lexicon index (cached)."""
        key = (self.lexicon.station_ids[start], self.lexicon.station_ids[end])
        if key not in self._routes:
            self._routes[key] = self.router.routes(*key) if key[0] != key[1] else []
        return self._routes[key]


def load_graphs(cities: list[str], graphs: Path) -> dict[str, CityGraph]:
    """The graph of every city named, or one error listing the cities without one."""
    require_graphs(cities, graphs, "these rows")
    return {city: CityGraph(load_network(graphs / city / GRAPH_FILE)) for city in cities}
