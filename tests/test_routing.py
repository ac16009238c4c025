"""The router on small networks written here, and against the independent router."""

import random

import pytest

from curation.cities import load_city
from curation.network.build import build_network
from curation.network.model import Complex, Line, Network, Station
from curation.routing import Router
from tests.conftest import build
from tests.independent_router import IndependentRouter


def network(lines: dict[str, list[list[str]]], loops: frozenset[str] = frozenset()) -> Network:
    stations: dict[str, Station] = {}
    for line_id, variants in lines.items():
        for sid in dict.fromkeys(s for v in variants for s in v):
            stations.setdefault(sid, Station(id=sid, names={"en": sid})).lines.append(line_id)
    return Network(city="t", country="t", city_names={"en": "T"}, languages=["en"], stations=stations,
                   lines={k: Line(id=k, names={"en": k}, variants=v, loop=k in loops) for k, v in lines.items()})


def keys(routes):
    return {tuple((leg.line, leg.start, leg.end, leg.via) for leg in r.legs) for r in routes}


def test_one_line_both_directions():
    router = Router(network({"l1": [["a", "b", "c", "d"]]}))
    [route] = router.routes("d", "b")
    assert (route.transfers, route.stops) == (0, 2)
    leg = route.legs[0]
    assert (leg.start, leg.end, leg.via, leg.direction, leg.towards) == ("d", "b", ("c",), "backward", "a")


def test_loop_takes_the_shorter_way_across_the_seam():
    router = Router(network({"ring": [["a", "b", "c", "d", "e", "f"]]}, loops=frozenset({"ring"})))
    [route] = router.routes("f", "b")
    assert route.legs[0].via == ("a",) and route.legs[0].towards == "a"
    both = router.routes("a", "d")  # opposite sides: both ways are optimal
    assert keys(both) == {(("ring", "a", "d", ("b", "c")),), (("ring", "a", "d", ("f", "e")),)}


def test_branch_to_branch_changes_at_the_fork():
    y = network({"l": [["t1", "t2", "f", "a1", "a2"], ["t1", "t2", "f", "b1", "b2"]]})
    [route] = Router(y).routes("a2", "b1")
    assert [(leg.line, leg.start, leg.end) for leg in route.legs] == [("l", "a2", "f"), ("l", "f", "b1")]
    assert route.transfers == 1
    [trunk] = Router(y).routes("t1", "f")
    assert len(trunk.legs) == 1, "a trunk ride served by both variants is one route"


def test_every_transfer_point_on_shared_track_is_an_alternative():
    shared = network({"x": [["x1", "s1", "s2", "s3", "x2"]], "y": [["y1", "s1", "s2", "s3", "y2"]]})
    routes = Router(shared).routes("x1", "y2")
    assert len(routes) == 3 and {r.stops for r in routes} == {4} and all(r.transfers == 1 for r in routes)


def test_policy_stops_first_prefers_a_shorter_ride_with_more_transfers():
    net = network({"slow": [["a", "p", "q", "r", "s", "b"]], "h1": [["a", "m"]], "h2": [["m", "b"]]})
    assert Router(net).routes("a", "b")[0].transfers == 0
    quick = Router(net, policy="stops").routes("a", "b")[0]
    assert (quick.transfers, quick.stops) == (1, 2)
    with pytest.raises(ValueError, match="policy"):
        Router(net, policy="fastest")  # type: ignore[arg-type]


def test_unreachable_and_same_station():
    router = Router(network({"a": [["p", "q"]], "b": [["r", "s"]]}))
    assert router.routes("p", "s") == []
    with pytest.raises(ValueError):
        router.routes("p", "p")


def test_all_pairs_of_the_demo_match_the_independent_router():
    net = build("demo").network
    router, independent = Router(net), IndependentRouter(net)
    for start in sorted(net.stations):
        by_end = router.routes_from(start)
        for end in sorted(net.stations):
            if end == start:
                continue
            transfers, stops, expected = independent.optimal(start, end)
            assert keys(by_end[end]) == expected, (start, end)
            assert {(r.transfers, r.stops) for r in by_end[end]} == {(transfers, stops)}
            assert keys(router.routes(start, end)) == expected


def test_fewest_legs_agrees_with_routes():
    net = build("demo").network
    router = Router(net)
    for start in sorted(net.stations):
        legs = router.fewest_legs(start)
        for end, routes in router.routes_from(start).items():
            assert legs[end] == routes[0].transfers + 1


def walking(lines: dict[str, list[list[str]]], *groups: list[str]) -> Network:
    net = network(lines)
    net.complexes = [Complex(sorted(group)) for group in groups]
    return net


def test_a_walk_between_complex_members_is_a_transfer():
    net = walking({"x": [["a", "b", "c"]], "y": [["d", "e", "f"]], "z": [["c", "q", "r", "s", "e"]]}, ["c", "d"])
    [route] = Router(net).routes("a", "f")
    assert keys([route]) == {(("x", "a", "c", ("b",)), ("y", "d", "f", ("e",)))}
    assert (route.transfers, route.stops, route.walks) == (1, 4, (("c", "d"),))
    [riding] = Router(net, walks=False).routes("a", "f")
    assert (riding.transfers, riding.stops, riding.walks) == (2, 7, ())
    assert Router(net).fewest_legs("a")["f"] == 2 and Router(net, walks=False).fewest_legs("a")["f"] == 3


def test_a_route_neither_starts_nor_ends_with_a_walk():
    net = walking({"x": [["a", "b", "c"]], "y": [["d", "e", "f"]], "z": [["c", "q", "e"]]}, ["c", "d"])
    router = Router(net)
    assert keys(router.routes("c", "d")) == {(("z", "c", "e", ("q",)), ("y", "e", "d", ()))}
    assert keys(router.routes("d", "b")) == {(("y", "d", "e", ()), ("z", "e", "c", ("q",)), ("x", "c", "b", ()))}
    assert router.fewest_legs("c")["d"] == 2


def test_a_walk_ties_with_a_transfer_in_one_station():
    net = walking({"x": [["a", "b", "c", "g"]], "y": [["d", "e", "f"]], "w": [["b", "h", "i", "f"]]}, ["c", "d"])
    routes = Router(net).routes("a", "f")
    assert {r.walks for r in routes} == {(), (("c", "d"),)} and {(r.transfers, r.stops) for r in routes} == {(1, 4)}


def random_walking_network(seed: int) -> Network:
    rng = random.Random(seed)
    pool = [f"s{i}" for i in range(14)]
    lines = {f"l{n}": [rng.sample(pool, rng.randint(3, 6))] for n in range(4)}
    served = sorted({s for variants in lines.values() for v in variants for s in v})
    members = rng.sample(served, min(len(served), 5))
    return walking(lines, members[:2], members[2:5])


@pytest.mark.parametrize("seed", range(12))
def test_random_networks_with_walks_match_the_independent_router(seed):
    net = random_walking_network(seed)
    router, independent = Router(net), IndependentRouter(net)
    for start in sorted(net.stations):
        by_end, legs = router.routes_from(start), router.fewest_legs(start)
        for end in sorted(net.stations):
            if end == start:
                continue
            reachable = end in by_end
            assert reachable == (end in legs), (seed, start, end)
            if not reachable:
                continue
            transfers, stops, expected = independent.optimal(start, end)
            assert keys(by_end[end]) == expected == keys(router.routes(start, end)), (seed, start, end)
            assert {(r.transfers, r.stops) for r in by_end[end]} == {(transfers, stops)}
            assert legs[end] == transfers + 1


def test_new_york_routes_with_walks_match_the_independent_router(data_root):
    net = build_network(load_city("new_york"), data_root).network
    router, independent = Router(net), IndependentRouter(net)
    rng = random.Random(3)
    members = sorted(net.walk_partners())
    pairs = [(a, b) for a, b in zip(rng.sample(members, 12), rng.sample(sorted(net.stations), 12), strict=True)
             if a != b]
    walked = 0
    for a, b in pairs:
        transfers, stops, expected = independent.optimal(a, b)
        routes = router.routes(a, b)
        assert keys(routes) == expected and {(r.transfers, r.stops) for r in routes} == {(transfers, stops)}, (a, b)
        walked += any(r.walks for r in routes)
    assert walked, "the sample reaches some station best through a walk"
    walk = ("times-sq-42-st", "42-st-port-authority-bus-terminal")  # the 7 meets the C and E only by the walkway
    routes = router.routes("vernon-blvd-jackson-av", "23-st-eighth-av")
    assert {(r.transfers, r.stops, r.walks) for r in routes} == {(1, 5, (walk,))}
    [riding] = Router(net, walks=False).routes("vernon-blvd-jackson-av", "23-st-eighth-av")
    assert (riding.transfers, riding.stops) == (2, 9)
