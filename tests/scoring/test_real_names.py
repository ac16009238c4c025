"""Names as riders write them on real maps: New York's plain `86 St`, Hangzhou in both languages."""

from __future__ import annotations

import pytest

from curation.cities import load_city
from curation.network.build import build_network
from curation.scoring.scorer import score
from tests.scoring.helpers import Truths


@pytest.fixture(scope="module")
def new_york(data_root) -> Truths:
    return Truths(build_network(load_city("new_york"), data_root).network)


@pytest.fixture(scope="module")
def hangzhou(data_root) -> Truths:
    return Truths(build_network(load_city("hangzhou"), data_root).network)


@pytest.mark.parametrize(("response", "correct"), [
    ("Route Name: 4\nDeparture Stop: 86 St Station (Lexington Av)\nArrival Stop: 42 St-Grand Central Station", 1),
    ("Route Name: 4\nDeparture Stop: 86 St\nArrival Stop: Grand Central-42 St", 1),
    ("Route Name: the 5 train\nDeparture Stop: 86 Street Station\nArrival Stop: Grand Central-42 Street", 1),
    ("Route Name: 5\nDeparture Stop: 86 St\nArrival Stop: Grand Central", 0),
    ("Route Name: 6 Line\nDeparture Stop: 86 St Station\nArrival Stop: 42 St - Grand Central", 1),
    ("Route Name: 4 train\nDeparture Stop: 86th Street\nArrival Stop: Grand Central–42nd Street", 1),
    ("Route Name: 4/5/6\nDeparture Stop: 86 St\nArrival Stop: 42 St-Grand Central", 1),
])
def test_plain_new_york_names_resolve_on_the_line_named(new_york, response, correct):
    result = score(new_york.route("86-st-lexington", "42-st-grand-central"), response)
    assert result["correct"] == correct, result
    if not correct:
        assert result["unresolved"], "an unresolvable name is reported, never snapped to a station"


def test_plain_name_on_another_line_is_that_lines_station(new_york):
    """`86 St` on the Q is the Second Avenue station: resolved, and the ride is not on the Q."""
    result = score(new_york.route("86-st-lexington", "42-st-grand-central"),
                   "Route Name: Q\nDeparture Stop: 86 St Station\nArrival Stop: 42 St-Grand Central Station")
    assert (result["correct"], result["lines_ok"], result["stops_on_lines_ok"]) == (0, True, False)
    assert result["unresolved"] is None


@pytest.mark.parametrize("lines", ["Q/R", "1/2/3/4/5/6/7/A/B/C/D/E/F/G/J/L/M/N/Q/R/W/Z"])
def test_listing_lines_that_do_not_all_serve_the_ride_is_not_a_line(new_york, lines):
    """Listing every line must not find the right one (a reward hack under RL)."""
    result = score(new_york.route("86-st-lexington", "42-st-grand-central"),
                   f"Route Name: {lines}\nDeparture Stop: 86 St Station (Lexington Av)\n"
                   "Arrival Stop: 42 St-Grand Central Station")
    assert (result["correct"], result["lines_ok"]) == (0, False)
    assert f"route (ambiguous): {lines}" in result["unresolved"]


def test_ambiguous_name_without_a_line_is_reported(new_york):
    result = score(new_york.route("86-st-lexington", "42-st-grand-central"),
                   "Route Name: Purple\nDeparture Stop: 86 St Station\nArrival Stop: 42 St-Grand Central Station")
    assert "station (ambiguous): 86 St Station" in result["unresolved"]


@pytest.mark.parametrize("response", [
    "路线名称：1号线\n出发站：西湖文化广场站\n到达站：龙翔桥站",
    "Route Name: Line 1\nDeparture Stop: 西湖文化广场\nArrival Stop: 龙翔桥",
    "Route Name: Hangzhou Metro Line 1\nDeparture Stop: Xihu Wenhua Guangchang\nArrival Stop: Longxiangqiao Station",
    "**Route Name**: 1号线 (towards 湘湖)\n**Departure Stop**: 西湖文化广场站\n**Arrival Stop**: 龙翔桥站",
    "Route Name: Line 1\nDeparture Stop: Xihu Wenhua Guangchang Zhan\nArrival Stop: Longxiangqiao",
])
def test_hangzhou_in_chinese_english_and_pinyin(hangzhou, response):
    result = score(hangzhou.route("xi-hu-wen-hua-guang-chang", "long-xiang-qiao", "long_count"),
                   response + "\nNumber of Via Stops: 2")
    assert (result["correct"], result["via_ok"], result["map_score"]) == (1, True, 29), result
