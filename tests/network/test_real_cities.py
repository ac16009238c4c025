"""All 30 ReasonMap cities from the real data root (skipped without MAPCURATE_DATA)."""

import json

import pytest
from jsonschema import Draft202012Validator

from curation.cities import city_slugs, load_city
from curation.network.build import build_network, write_outputs
from curation.resources import load_schema

REAL = [s for s in city_slugs() if s != "demo"]
BRANCHED = {
    "hangzhou": ["line-3"], "dalian": ["line-3"], "rome": ["line-b"], "dubai": ["red-line"],
    "singapore": ["circle-line"], "shanghai": ["line-5", "line-10", "line-11"], "hefei": ["line-4"],
    "kunming": ["line-1"],
}


@pytest.fixture(scope="module")
def built(data_root):
    return {slug: build_network(load_city(slug), data_root) for slug in REAL}


def findings(result, code):
    return [f for f in result.report.findings if f.code == code]


def test_all_cities_build_without_errors(built):
    assert len(built) == 30
    for slug, result in built.items():
        assert result.ok, (slug, result.report.errors)


def test_loops(built):
    loops = {(slug, lid) for slug, r in built.items() for lid, line in r.network.lines.items() if line.loop}
    assert {("beijing", "line-2"), ("beijing", "line-10"), ("shanghai", "line-4")} <= loops
    shanghai4 = built["shanghai"].network.lines["line-4"].variants[0]
    assert len(shanghai4) == len(set(shanghai4)) == 26


def test_branched_lines_are_variants_sharing_the_fork(built):
    for slug, line_ids in BRANCHED.items():
        for lid in line_ids:
            first, second = built[slug].network.lines[lid].variants
            shared = [s for s in first if s in second]
            assert len(shared) >= 2, (slug, lid)
            # both rides share one contiguous run (trunk up to the fork) at the same end, and differ at the other
            if first[0] == second[0]:
                assert first[: len(shared)] == second[: len(shared)] == shared and first[-1] != second[-1]
            else:
                assert first[-len(shared) :] == second[-len(shared) :] == shared and first[0] != second[0]
    hangzhou6 = [f for f in findings(built["hangzhou"], "branch-not-modelled")]
    assert [f.severity for f in hangzhou6] == ["info"] and hangzhou6[0].fixed_by
    assert not [f for r in built.values() for f in findings(r, "branch-not-modelled") if f.severity != "info"]


def test_shanghai_branch_services_share_the_right_arm(built):
    line10 = built["shanghai"].network.lines["line-10"].variants
    assert [(v[0], v[-1]) for v in line10] == [("hong-qiao-huo-che", "ji-long-lu"), ("hang-zhong-lu", "ji-long-lu")]
    line11 = built["shanghai"].network.lines["line-11"].variants
    assert [(v[0], v[-1]) for v in line11] == [("jia-ding-bei", "di-shi-ni"), ("hua-qiao", "di-shi-ni")]


def test_branch_ave_is_a_station(built):
    green = built["washington"].network.lines["green-line"]
    assert green.variants[0][0] == "branch-ave" and len(green.variants) == 1


def test_quality_report_flags_the_known_defects(built):
    flagged = {(f.code, f.station) for r in built.values() for f in r.report.findings}
    assert ("suffix-misspelt", "UAE Exchange Staton") in flagged
    assert ("suffix-doubled", "Union Station Station") in flagged
    dup = findings(built["new_york"], "duplicate-on-line")
    assert {("R", "36 St Station"), ("B", "7 Av Station")} <= {(f.line, f.station) for f in dup}
    marks = {f.code for f in built["new_york"].report.findings if f.code.startswith("transfer-")}
    assert marks == {"transfer-unmarked", "transfer-mark-single-line"}
    washington = {f.station: f.severity for f in findings(built["washington"], "transfer-unmarked")}
    # stops where lines share the track are reported as info, junctions as warnings
    assert washington["Archives Station"] == washington["Capitol South Station"] == "info"


def test_new_york_same_named_stations_are_kept_apart(built):
    net = built["new_york"].network
    eighty_sixth = sorted(s for s in net.stations if s.startswith("86-st"))
    assert len(eighty_sixth) == 6
    assert net.stations["36-st-queens"].lines == ["line-m", "line-r"]
    assert net.stations["36-st-brooklyn"].lines == ["line-d", "line-n", "line-r"]


def test_graph_json_validates_and_is_byte_identical_across_runs(built, data_root, tmp_path):
    validator = Draft202012Validator(load_schema("network"))
    quality = Draft202012Validator(load_schema("quality"))
    for slug, result in built.items():
        write_outputs(result, tmp_path / "a" / slug)
        write_outputs(build_network(load_city(slug), data_root), tmp_path / "b" / slug)
        first = (tmp_path / "a" / slug / "graph.json").read_bytes()
        assert first == (tmp_path / "b" / slug / "graph.json").read_bytes(), slug
        quality_a, quality_b = (tmp_path / run / slug / "quality.json" for run in ("a", "b"))
        assert quality_a.read_bytes() == quality_b.read_bytes()
        validator.validate(json.loads(first))
        quality.validate(json.loads(quality_a.read_bytes()))


def test_ids_are_unique_and_every_line_station_exists(built):
    for result in built.values():
        net = result.network
        doc = net.to_dict()
        ids = [s["id"] for s in doc["stations"]]
        assert len(ids) == len(set(ids))
        assert {s for line in net.lines.values() for s in line.station_ids} == set(ids)
