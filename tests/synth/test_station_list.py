"""A canonical network written as a ReasonMap station list imports back to the same network."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.cities import City, city_slugs, load_city
from curation.errors import MapcurateError
from curation.network.build import build_network
from curation.network.complexes import apply_complexes
from curation.network.model import Line, Network
from curation.network.reasonmap import import_reasonmap
from curation.resources import project_cities_dir
from curation.synth.station_list import station_list


def comparable(network: Network) -> dict:
    """The network's document without provenance, rides in a canonical direction, source spellings dropped."""
    data = network.to_dict()
    data.pop("sources")
    for line in data["lines"]:
        line.pop("source_name", None)
        line["variants"] = sorted(sorted(v) if line["loop"] else min(v, v[::-1]) for v in line["variants"])
    for station in data["stations"]:
        station.pop("source_names")
    return data


def reimported(network: Network, language: str) -> tuple[Network, list[str]]:
    listed = station_list(network, language)
    city = City(slug=network.city, folder=Path("/nowhere"), country=network.country, names=network.city_names,
                languages=network.languages, station_language=language, sources={}, aliases=listed.aliases,
                station_splits=listed.station_splits, lines=listed.line_overrides, complexes=listed.complexes)
    back, findings = import_reasonmap(city, listed.lines)
    findings += apply_complexes(city, back)
    return back, [f.code for f in findings if f.severity != "info"]


def test_the_demo_network_survives_the_round_trip():
    city = load_city("demo", project_cities_dir())
    network = build_network(city, city.folder).network
    back, findings = reimported(network, "en")
    assert findings == []
    assert comparable(back) == comparable(network)
    listed = station_list(network, "en")
    assert listed.lines["Blue Line"][0].endswith(" (Transfer Station)")  # role markers as the source writes them
    assert listed.line_overrides["Blue Line"]["loop"] is True
    assert listed.line_overrides["Green Line"]["branch"] == {"fork": "Fork Junction Station",
                                                            "second_tail": "Hillcrest Station"}


@pytest.mark.parametrize("slug", [s for s in city_slugs() if s != "demo"])
def test_every_real_network_survives_the_round_trip(data_root, slug):
    city = load_city(slug)
    network = build_network(city, data_root).network
    back, _ = reimported(network, city.station_language)
    expected, got = comparable(network), comparable(back)
    if slug == "new_york":  # aliases keyed by a name several stations share cannot be given per station
        for doc in (expected, got):
            for station in doc["stations"]:
                if "disambiguation" in station:
                    station["aliases"] = []
    assert got == expected


def test_lines_a_station_list_cannot_hold_are_refused():
    network = Network(city="x", country="x", city_names={"en": "X"}, languages=["en"], stations={}, lines={
        "t": Line(id="t", names={"en": "T"}, variants=[["a", "b", "c"], ["d", "e"]])})
    with pytest.raises(MapcurateError, match="share no terminus"):
        station_list(network, "en")
