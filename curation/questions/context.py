"""What every question family needs about one city: the network, its router, names to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from curation.network.model import Network
from curation.questions.difficulty import map_level
from curation.routing import Router


@dataclass
class CityContext:
    """One city prepared for question generation."""

    network: Network
    router: Router = field(init=False)

    def __post_init__(self) -> None:
        self.router = Router(self.network)

    @cached_property
    def language(self) -> str:
        """The map's language: Chinese for the Chinese cities, English elsewhere."""
        return "zh" if self.network.languages[:1] == ["zh"] else "en"

    @cached_property
    def map_level(self) -> int:
        return map_level(self.network)

    @cached_property
    def transfer_station_count(self) -> int:
        return len(self.network.transfer_stations)

    @cached_property
    def station_ids(self) -> list[str]:
        return sorted(self.network.stations)

    @cached_property
    def line_ids(self) -> list[str]:
        return sorted(self.network.lines)

    def station_name(self, sid: str) -> str:
        """Display name in the map's language, with what tells same-named stations apart."""
        station = self.network.stations[sid]
        name = station.names.get(self.language) or next(iter(station.names.values()))
        return f"{name} ({station.disambiguation})" if station.disambiguation else name

    def line_phrase(self, lid: str) -> str:
        """The line inside a sentence: New York's bare `A` or `7` reads `the A train`."""
        name = self.line_name(lid)
        return f"the {name} train" if len(name) <= 2 and name.isascii() else name

    def line_name(self, lid: str) -> str:
        """The line as the map labels it: in the city's first language that names it (Linha Azul, M2, 3号线)."""
        names = self.network.lines[lid].names
        return next((names[lang] for lang in self.network.languages if lang in names), names["en"])
