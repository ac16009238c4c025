"""Structural validation on networks assembled by hand, one defect at a time."""

from curation.network.model import Line, Network, Station
from curation.network.validate import validate_network


def network(lines: dict[str, list[list[str]]], marked: set[str] = frozenset()) -> Network:
    stations: dict[str, Station] = {}
    for line_id, variants in lines.items():
        for sid in dict.fromkeys(s for v in variants for s in v):
            station = stations.setdefault(sid, Station(id=sid, names={"en": sid}, marked_transfer=sid in marked))
            station.lines.append(line_id)
    return Network(city="t", country="t", city_names={"en": "T"}, languages=["en"], stations=stations,
                   lines={k: Line(id=k, names={"en": k}, variants=v) for k, v in lines.items()})


def codes(net: Network) -> dict[str, str]:
    return {f.code: f.severity for f in validate_network(net)}


def test_clean_network_has_no_findings():
    assert codes(network({"l1": [["a", "b", "c"]], "l2": [["b", "d"]]}, marked={"b"})) == {}


def test_each_structural_defect_is_an_error():
    assert codes(network({"l1": [["a"]]}))["line-empty"] == "error"
    assert codes(network({"l1": [["a", "b", "a", "c"]]}))["station-repeated"] == "error"
    assert codes(network({"l1": [["a", "b"], ["c", "d"]]}))["line-disconnected"] == "error"


def test_unknown_and_unserved_stations_are_errors():
    net = network({"l1": [["a", "b"]]})
    net.stations["ghost"] = Station(id="ghost", names={"en": "ghost"})
    net.lines["l1"].variants[0].append("nowhere")
    found = codes(net)
    assert found["station-unserved"] == "error" and found["unknown-station"] == "error"


def test_transfer_marks_and_disconnection_are_warnings():
    found = codes(network({"l1": [["a", "b"]], "l2": [["b", "c"]], "l3": [["x", "y"]]}, marked={"x"}))
    assert found == {"transfer-unmarked": "warning", "transfer-mark-single-line": "warning",
                     "network-disconnected": "warning"}


def test_unmarked_stops_on_shared_track_are_only_info():
    found = codes(network({"l1": [["a", "b", "c", "d"]], "l2": [["x", "b", "c", "y"]]}, marked={"b"}))
    assert found == {"transfer-unmarked": "info"}  # c: l1 and l2 run together b–c
