"""Station complexes (`[[complexes]]`): resolved against the network, reported when wrong, written to graph.json."""

import json

import pytest

from curation.cities import load_city
from curation.errors import SourceError
from curation.network.build import build_network, load_network, write_outputs
from curation.network.model import Complex
from tests.conftest import build, embedded_manifest

STATIONS = {
    "1": ["North St", "Times Sq", "Main St", "South St"],
    "A": ["West End", "Port Authority", "Main St", "East End"],
    "B": ["Uptown", "Main St", "Downtown"],
}
SPLIT = '[[station_splits]]\nname = "Main St"\ngroups = { west = { label = "West", on = ["1", "A"] }, ' \
        'east = { label = "East", on = ["B"] } }\n'


def complexes_manifest(*groups: list[str]) -> str:
    return embedded_manifest(SPLIT + "".join(
        "[[complexes]]\nstations = [" + ", ".join(json.dumps(n) for n in group) + "]\n" for group in groups))


def codes(result):
    return sorted((f.code, f.station) for f in result.report.errors)


def test_complexes_are_resolved_and_written(scratch_cities, tmp_path):
    scratch_cities("walks", complexes_manifest(["Times Sq", "Port Authority"], ["Main St (West)", "Main St (East)"]),
                   STATIONS)
    result = build("walks")
    assert result.ok, result.report.errors
    assert result.network.complexes == [Complex(["port-authority", "times-sq"]),
                                        Complex(["main-st-east", "main-st-west"])]
    assert result.network.walk_partners()["times-sq"] == ("port-authority",)
    write_outputs(result, tmp_path)
    document = json.loads((tmp_path / "graph.json").read_text())
    assert document["complexes"] == [{"stations": ["main-st-east", "main-st-west"]},
                                     {"stations": ["port-authority", "times-sq"]}]
    assert load_network(tmp_path / "graph.json").walk_partners() == result.network.walk_partners()


def test_unknown_ambiguous_and_repeated_members_are_errors(scratch_cities):
    scratch_cities("bad", complexes_manifest(
        ["Times Sq", "Port Authority"], ["Port Authorty", "North St"], ["Main St", "North St"],
        ["Times Sq", "South St"], ["Uptown", "uptown"]), STATIONS)
    result = build("bad")
    assert not result.ok
    assert codes(result) == [("complex-invalid", "Main St"), ("complex-invalid", "Times Sq"),
                             ("complex-invalid", "uptown"), ("override-unknown-station", "Port Authorty")]
    assert "2 stations" in next(f.message for f in result.report.errors if f.station == "Main St")


def test_manifest_schema_needs_two_members(scratch_cities):
    scratch_cities("one", complexes_manifest(["Times Sq"]), STATIONS)
    with pytest.raises(Exception, match="complexes"):
        load_city("one")


def test_a_city_without_complexes_writes_none(tmp_path):
    result = build("demo")
    assert result.network.complexes == [] and "complexes" not in result.network.to_dict()


def test_a_graph_naming_an_unknown_member_is_refused(tmp_path):
    document = build("demo").network.to_dict()
    document["complexes"] = [{"stations": ["central", "nowhere"]}]
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SourceError, match="complexes name unknown stations"):
        load_network(path)


def test_new_york_complexes(data_root):
    result = build_network(load_city("new_york"), data_root)
    assert result.ok, result.report.errors
    groups = {tuple(c.stations) for c in result.network.complexes}
    assert len(groups) == 15
    assert {("42-st-port-authority-bus-terminal", "times-sq-42-st"), ("42-st-bryant-pk", "5-av"),
            ("borough-hall", "court-st"), ("south-ferry", "whitehall-st-south-ferry"),
            ("bleecker-st", "broadway-lafayette-st"), ("14-st-seventh-av", "14-st-sixth-av", "6-av")} <= groups
    members = [sid for group in groups for sid in group]
    assert len(members) == len(set(members))


def test_complexes_apply_to_a_network_built_from_an_annotation():
    from curation.network.annotations import import_annotation
    from curation.network.complexes import apply_complexes
    from tests.network.test_annotations import at, city, doc, mark, trace

    a, b, c, d = mark("a", 50, 50, "Alpha"), mark("b", 150, 50, "Bravo"), mark("c", 50, 150, "Charlie"), \
        mark("d", 150, 150, "Delta")
    testville = city(complexes=[{"stations": ["Bravo", "Charlie"]}, {"stations": ["Delta", "Echo"]}])
    network, _ = import_annotation(testville, doc([a, b, c, d], [trace("t1", "Red", at(a, b)),
                                                                 trace("t2", "Blue", at(c, d))]))
    findings = apply_complexes(testville, network)
    assert [(f.code, f.station) for f in findings] == [("override-unknown-station", "Echo")]
    assert network.complexes == [Complex(["bravo", "charlie"])]
