"""Map difficulty from interchanges (stations where lines meet), on small networks with shared track."""

from collections import Counter

import pytest

from curation.cities import city_slugs, load_city
from curation.network.build import build_network
from curation.network.model import Line, Network, Station
from curation.questions.context import CityContext
from curation.questions.difficulty import BENCHMARK_MAP_LABELS, MAP_LEVELS, interchange_stations, map_level


def network(lines: dict[str, list[list[str]]], loops: frozenset[str] = frozenset(),
            marked: frozenset[str] = frozenset()) -> Network:
    serving: dict[str, set[str]] = {}
    for lid, variants in lines.items():
        for variant in variants:
            for sid in variant:
                serving.setdefault(sid, set()).add(lid)
    stations = {sid: Station(sid, {"en": sid}, lines=sorted(ls), marked_transfer=sid in marked)
                for sid, ls in serving.items()}
    return Network("t", "test", {"en": "T"}, ["en"], stations,
                   {lid: Line(lid, {"en": lid}, variants, loop=lid in loops) for lid, variants in lines.items()})


def meets(net: Network) -> set[str]:
    return {s.id for s in interchange_stations(net)}


def test_shared_track_is_not_where_lines_meet():
    # A and B run together a-b-c, then part at c: only the fork counts, not the shared stops.
    net = network({"A": [["a", "b", "c", "d"]], "B": [["a", "b", "c", "e"]]})
    assert {s.id for s in net.transfer_stations} == {"a", "b", "c"}
    assert meets(net) == {"c"}


def test_crossing_joining_and_ending_against_each_other():
    cross = network({"A": [["w", "s", "x"]], "B": [["y", "s", "z"]]})
    end_to_end = network({"A": [["w", "s"]], "B": [["s", "z"]]})  # one line ends where the other starts
    ends_on_track = network({"A": [["w", "s"]], "B": [["y", "s", "z"]]})  # A ends at B's stop from elsewhere
    assert meets(cross) == meets(end_to_end) == meets(ends_on_track) == {"s"}


def test_a_line_ending_on_the_shared_track_is_not_a_meeting():
    # B short-turns at c on A's track: its neighbours there are a subset of A's.
    net = network({"A": [["a", "b", "c", "d"]], "B": [["a", "b", "c"]]})
    assert meets(net) == set()


def test_three_lines_two_sharing_one_crossing():
    net = network({"A": [["a", "s", "b"]], "B": [["a", "s", "b"]], "C": [["x", "s", "y"]], "D": [["a", "b2"]]})
    assert meets(net) == {"s", "a"}  # a: A and B arrive from s, D leaves towards b2


def test_source_marks_do_not_count_and_loops_use_their_seam():
    shared = network({"A": [["a", "b", "c"]], "B": [["a", "b", "c"]]}, marked=frozenset("abc"))
    assert meets(shared) == set()
    # the loop's seam c-a makes a reach {b, c} on L; the spur line reaches a from z
    looped = network({"L": [["a", "b", "c"]], "S": [["z", "a"]]}, loops=frozenset({"L"}))
    assert meets(looped) == {"a"}


def test_branches_of_one_line_are_one_neighbour_set():
    # A forks at f into two variants; B rides the trunk and one arm: the lines do not meet at f.
    net = network({"A": [["t", "f", "x"], ["t", "f", "y"]], "B": [["t", "f", "x"]]})
    assert meets(net) == set()


def test_levels_follow_lines_and_interchanges():
    # two lines sharing a long trunk (Miami-like): every stop is served by both, one interchange
    trunk = [f"s{i}" for i in range(15)]
    miami = network({"G": [[*trunk, "g"]], "O": [[*trunk, "o"]]})
    assert len(miami.transfer_stations) == 15 and len(interchange_stations(miami)) == 1
    assert map_level(miami) == 0
    assert CityContext(miami).transfer_station_count == 1
    # six lines crossing a seventh at twelve stations: hard; five lines: middle
    hub = [f"h{i}" for i in range(12)]
    spokes = {f"L{i}": [[f"p{i}", hub[2 * i], f"m{i}", hub[2 * i + 1], f"q{i}"]] for i in range(6)}
    hard = network({"H": [hub], **spokes})
    assert len(interchange_stations(hard)) == 12 and map_level(hard) == 2
    del spokes["L5"]
    middle = network({"H": [hub], **spokes})
    assert map_level(middle) == 1


@pytest.fixture(scope="module")
def real_networks(data_root):
    return {slug: build_network(load_city(slug), data_root).network for slug in city_slugs() if slug != "demo"}


def previous_level(net: Network) -> int:
    """The rule before interchanges: every station of two or more lines counted (easy ≤ 6, hard ≥ 25 and ≥ 5 lines)."""
    multi = len(net.transfer_stations)
    return 0 if multi <= 6 else 2 if multi >= 25 and len(net.lines) >= 5 else 1


def test_agreement_with_the_benchmark_labels(real_networks):
    ours = {slug: MAP_LEVELS[map_level(net)] for slug, net in real_networks.items()}
    before = {slug: MAP_LEVELS[previous_level(net)] for slug, net in real_networks.items()}
    agree = sum(ours[c] == label for c, label in BENCHMARK_MAP_LABELS.items())
    agree_before = sum(before[c] == label for c, label in BENCHMARK_MAP_LABELS.items())
    assert agree_before == 4 and agree >= 10 and agree > agree_before
    assert ours["miami"] == "easy" and ours["geneva"] == "middle"  # no longer raised by shared track
    assert Counter(ours.values()) == {"easy": 10, "middle": 10, "hard": 10}
