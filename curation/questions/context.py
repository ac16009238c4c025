"""What every question family needs about one city: the network, its router, names to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from curation.network.model import Network
from curation.questions.difficulty import interchange_stations, map_level
from curation.questions.pixels import PixelMap
from curation.questions.vocabulary import Names, Vocabulary, city_vocabulary
from curation.routing import Router


@dataclass
class CityContext:
    """One city prepared for question generation."""

    network: Network
    names: Names = "map"
    raw: dict[str, list[str]] | None = None
    """The city's station list as read (the `benchmark` vocabulary's strings), if it has one."""
    router: Router = field(init=False)

    def __post_init__(self) -> None:
        # The benchmark's rule compares a block's arrival and the next departure as strings: in its vocabulary
        # the gold routes ride, never walk between two differently named stations of a complex.
        self.router = Router(self.network, walks=self.names != "benchmark")

    @cached_property
    def map_level(self) -> int:
        return map_level(self.network, self.transfer_station_count)

    @cached_property
    def transfer_station_count(self) -> int:
        """Interchanges: stations where lines meet, not stops on shared track (`city_transfer_count`)."""
        return len(interchange_stations(self.network))

    @cached_property
    def walk_partners(self) -> dict[str, tuple[str, ...]]:
        """Station → the other stations of its complex: a walk apart, so never asked as a pair (in every
        vocabulary, whether or not its router walks)."""
        return self.network.walk_partners()

    @cached_property
    def pixels(self) -> PixelMap | None:
        """Where the stations are on the map, when the graph locates enough of them (perception families)."""
        return PixelMap.of(self.network)

    @cached_property
    def station_ids(self) -> list[str]:
        return sorted(self.network.stations)

    @cached_property
    def line_ids(self) -> list[str]:
        return sorted(self.network.lines)

    def station_name(self, sid: str) -> str:
        """The station in the chosen vocabulary, with what tells same-named stations apart."""
        station = self.network.stations[sid]
        name = self.vocabulary.stations[sid]
        return f"{name} ({station.disambiguation})" if station.disambiguation else name

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return city_vocabulary(self.network, self.names, self.raw)

    def line_phrase(self, lid: str) -> str:
        """The line inside a sentence: New York's bare `A` or `7` reads `the A train`."""
        name = self.line_name(lid)
        return f"the {name} train" if len(name) <= 2 and name.isascii() else name

    def line_name(self, lid: str) -> str:
        """The line in the chosen vocabulary (`map`: as the map labels it, Linha Azul, M2, 3号线)."""
        return self.vocabulary.lines[lid]
