"""Read texts matched to station lists: keys, readings, fuzzy scores, ties and the threshold."""

from __future__ import annotations

import pytest

from curation.errors import MapcurateError
from curation.vision.match import NameMatcher, key, reading

STATIONS = {
    "ziyun": ["紫云站", "Ziyun"],
    "brewery-lane": ["Brewery Lane"],
    "deak-ferenc-ter": ["Deák Ferenc tér"],
    "foundry-square": ["Foundry Square"],
    "central": ["Central Station"],
    "park-east": ["Park East"],
    "park-west": ["Park West"],
}


@pytest.mark.parametrize(("text", "expected_key", "expected_reading"), [
    ("Brewery Lane", "breweryiane", "breweryiane"),  # l written i: OCR reads l and I alike
    ("BREWERY LANE", "breweryiane", "breweryiane"),
    ("Park PI", "parkpi", "parkpi"),
    ("ZIYUN STATION", "ziyun", "ziyun"),
    ("紫云站", "紫云", "ziyun"),
    ("Győr tér", "győrtér", "gyorter"),
    ("桐木岭（省委党校）站", "桐木岭", "tongmuiing"),
    ("站", "站", "zhan"),  # a bare suffix is the whole name
])
def test_keys_and_readings(text: str, expected_key: str, expected_reading: str) -> None:
    assert (key(text), reading(text)) == (expected_key, expected_reading)


@pytest.mark.parametrize(("text", "station", "score"), [
    ("ZIYUN STATION", "ziyun", 100.0),  # the romanised label of a Chinese map
    ("紫云", "ziyun", 100.0),
    ("BreweryLane", "brewery-lane", 100.0),  # OCR lost the space
    ("Deak Ferenc ter", "deak-ferenc-ter", 95.0),  # OCR lost the accents
    ("Brewerv Lane", "brewery-lane", None),  # one wrong letter: fuzzy
    ("Foundry Square Q", "foundry-square", None),  # a marker read as a letter
    ("Central", "central", 100.0),
    ("G22 Brewery Lane", "brewery-lane", 100.0),  # a station code before the name
    ("Park East KJ10", "park-east", 100.0),  # and after it
])
def test_texts_find_their_station(text: str, station: str, score: float | None) -> None:
    found = NameMatcher(STATIONS).match(text)
    assert found is not None and found.station_id == station
    assert found.score == score if score is not None else 85 <= found.score < 100


@pytest.mark.parametrize("text", ["Nothing here", "Park", "", "  ", "O", "G22", "KJ10 Park"])
def test_no_match_below_the_threshold_or_on_a_tie(text: str) -> None:
    assert NameMatcher(STATIONS).match(text) is None


def test_the_threshold_is_the_line() -> None:
    score = NameMatcher(STATIONS).scores("Brewerv Lane")["brewery-lane"][0]
    assert NameMatcher(STATIONS, threshold=score).match("Brewerv Lane") is not None
    assert NameMatcher(STATIONS, threshold=score + 0.001).match("Brewerv Lane") is None


def test_a_bad_threshold_is_refused() -> None:
    with pytest.raises(MapcurateError, match=r"threshold must be in \[0, 100\], but got 120"):
        NameMatcher(STATIONS, threshold=120)
