"""The canonical network model: stations, lines with riding-order variants, loops, transfers."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import networkx as nx

FORMAT_VERSION = 1


@dataclass
class Station:
    """One physical station; a station served by several lines is one `Station`."""

    id: str
    names: dict[str, str]
    aliases: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    source_names: list[str] = field(default_factory=list)
    marked_transfer: bool = False
    disambiguation: str | None = None
    pos: tuple[float, float] | None = None
    marker: tuple[float, float, float, float] | None = None
    """The box [x0, y0, x1, y1] of the drawn station symbol, in the pixels `pos` is in (when the source gives one)."""
    label: tuple[float, float, float, float] | None = None
    """The box around every printed label of the station, in the same pixels (when the source gives one)."""

    @property
    def display_name(self) -> str:
        """The first name, with the disambiguation that tells apart stations of the same name; else the id."""
        name = next(iter(self.names.values()), self.id)
        return f"{name} ({self.disambiguation})" if self.disambiguation else name

    @property
    def is_transfer(self) -> bool:
        """Served by two or more lines of this network."""
        return len(self.lines) >= 2

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "names": dict(sorted(self.names.items())),
            "aliases": sorted(set(self.aliases)),
            "is_transfer": self.is_transfer,
            "marked_transfer": self.marked_transfer,
            "lines": sorted(self.lines),
            "source_names": sorted(set(self.source_names)),
        }
        if self.disambiguation is not None:
            data["disambiguation"] = self.disambiguation
        if self.pos is not None:
            data["pos"] = [float(self.pos[0]), float(self.pos[1])]
        for key, box in (("marker", self.marker), ("label", self.label)):
            if box is not None:
                data[key] = [float(v) for v in box]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Station:
        pos = data.get("pos")
        return cls(
            id=data["id"],
            names=dict(data["names"]),
            aliases=list(data.get("aliases", [])),
            lines=list(data.get("lines", [])),
            source_names=list(data.get("source_names", [])),
            marked_transfer=bool(data.get("marked_transfer", False)),
            disambiguation=data.get("disambiguation"),
            pos=(float(pos[0]), float(pos[1])) if pos is not None else None,
            marker=_box(data.get("marker")),
            label=_box(data.get("label")),
        )


@dataclass
class Line:
    """A line: one variant per branch, each a full ride in riding order; `loop` closes the ride."""

    id: str
    names: dict[str, str]
    variants: list[list[str]]
    aliases: list[str] = field(default_factory=list)
    color: str | None = None
    loop: bool = False
    source_name: str | None = None
    note: str | None = None
    geometry: list[list[tuple[float, float]]] = field(default_factory=list)
    """The traced polylines in full-image pixels of `Network.image` (annotation sources only)."""

    @property
    def station_ids(self) -> list[str]:
        """Every station of the line, once each, in first-seen riding order."""
        return list(dict.fromkeys(s for variant in self.variants for s in variant))

    @property
    def is_branched(self) -> bool:
        return len(self.variants) > 1

    def edges(self) -> list[tuple[str, str]]:
        """Consecutive station pairs ridden by this line, each once (loop seams included)."""
        seen: dict[frozenset[str], tuple[str, str]] = {}
        for variant in self.variants:
            pairs = list(pairwise(variant))
            if self.loop and len(variant) > 2:
                pairs.append((variant[-1], variant[0]))
            for a, b in pairs:
                seen.setdefault(frozenset((a, b)), (a, b))
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "names": dict(sorted(self.names.items())),
            "aliases": sorted(set(self.aliases)),
            "color": self.color,
            "loop": self.loop,
            "variants": [list(v) for v in self.variants],
        }
        if self.source_name is not None:
            data["source_name"] = self.source_name
        if self.note is not None:
            data["note"] = self.note
        if self.geometry:
            data["geometry"] = [[[float(x), float(y)] for x, y in polyline] for polyline in self.geometry]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Line:
        return cls(
            id=data["id"],
            names=dict(data["names"]),
            variants=[list(v) for v in data["variants"]],
            aliases=list(data.get("aliases", [])),
            color=data.get("color"),
            loop=bool(data.get("loop", False)),
            source_name=data.get("source_name"),
            note=data.get("note"),
            geometry=[[(float(x), float(y)) for x, y in polyline] for polyline in data.get("geometry", [])],
        )


@dataclass
class Complex:
    """Stations the map joins by a walkway (a station complex): riding to one and on from another is a transfer."""

    stations: list[str]
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"stations": sorted(self.stations)}
        if self.note is not None:
            data["note"] = self.note
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Complex:
        return cls(stations=list(data["stations"]), note=data.get("note"))


@dataclass
class Network:
    """A city's canonical network."""

    city: str
    country: str
    city_names: dict[str, str]
    languages: list[str]
    stations: dict[str, Station]
    lines: dict[str, Line]
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    image: dict[str, Any] | None = None
    """The map image that station `pos` and line `geometry` are pixels of: {file_name, sha256, width, height}."""
    complexes: list[Complex] = field(default_factory=list)
    """Walkway links: each complex joins every pair of its member stations."""

    def walk_partners(self) -> dict[str, tuple[str, ...]]:
        """Station id → the other members of its complex (stations in no complex are absent), sorted."""
        partners: dict[str, set[str]] = {}
        for group in self.complexes:
            for sid in group.stations:
                partners.setdefault(sid, set()).update(s for s in group.stations if s != sid)
        return {sid: tuple(sorted(others)) for sid, others in sorted(partners.items())}

    def to_dict(self) -> dict[str, Any]:
        """The `graph.json` document (see `schemas/network.schema.json`), in a stable order."""
        data: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "city": self.city,
            "country": self.country,
            "city_names": dict(sorted(self.city_names.items())),
            "languages": list(self.languages),
            "sources": self.sources,
            "stations": [self.stations[k].to_dict() for k in sorted(self.stations)],
            "lines": [self.lines[k].to_dict() for k in sorted(self.lines, key=_line_order)],
        }
        if self.image is not None:
            data["image"] = dict(sorted(self.image.items()))
        if self.complexes:
            data["complexes"] = sorted((c.to_dict() for c in self.complexes), key=lambda c: c["stations"])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Network:
        stations = [Station.from_dict(s) for s in data["stations"]]
        lines = [Line.from_dict(line) for line in data["lines"]]
        return cls(
            city=data["city"],
            country=data["country"],
            city_names=dict(data.get("city_names", {})),
            languages=list(data.get("languages", [])),
            stations={s.id: s for s in stations},
            lines={line.id: line for line in lines},
            sources=dict(data.get("sources", {})),
            image=dict(data["image"]) if data.get("image") is not None else None,
            complexes=[Complex.from_dict(c) for c in data.get("complexes", [])],
        )

    def to_networkx(self) -> nx.MultiGraph[str]:
        """Undirected multigraph: one edge per consecutive station pair per line, keyed by line id."""
        graph: nx.MultiGraph[str] = nx.MultiGraph(city=self.city)
        for station in sorted(self.stations.values(), key=lambda s: s.id):
            graph.add_node(station.id, names=station.names, lines=sorted(station.lines))
        for line_id in sorted(self.lines, key=_line_order):
            for a, b in self.lines[line_id].edges():
                graph.add_edge(a, b, key=line_id, line=line_id)
        return graph

    @property
    def transfer_stations(self) -> list[Station]:
        return [s for s in self.stations.values() if s.is_transfer]


def _box(values: Any) -> tuple[float, float, float, float] | None:
    return None if values is None else (float(values[0]), float(values[1]), float(values[2]), float(values[3]))


def _line_order(line_id: str) -> tuple[Any, ...]:
    """Natural order: `line-2` before `line-10`."""
    parts = line_id.split("-")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)
