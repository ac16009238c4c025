"""The ReasonMap importer on small station lists written here (both branch encodings, loops, splits)."""

from curation.network.model import Network
from tests.conftest import build, embedded_manifest


def test_demo_city_models_loop_branch_and_transfers():
    result = build("demo")
    assert result.ok
    net = result.network
    blue, green = net.lines["blue-line"], net.lines["green-line"]
    assert blue.loop and blue.variants == [["central", "market", "riverside", "stadium", "university", "old-town"]]
    assert green.variants == [
        ["westfield", "park-lane", "market", "fork-junction", "eastport", "seaview"],
        ["westfield", "park-lane", "market", "fork-junction", "hillcrest", "summit"],
    ]
    assert net.stations["central"].lines == ["blue-line", "red-line"]
    assert {s.id for s in net.transfer_stations} == {"central", "market", "stadium", "university", "harbor"}
    assert net.stations["central"].source_names == ["Central Station (Transfer Station)"]


def test_branch_right_after_the_fork(scratch_cities):
    stations = {"Line 5": ["Aa站", "Bb站（支线起始站）", "Cc站", "Dd站", "Ee站", "Ff站"]}
    scratch_cities("fork", embedded_manifest(
        '[lines."Line 5"]\nbranch = { fork = "Bb站", second_tail = "Ee站" }\n', "zh"), stations)
    line = build("fork").network.lines["line-5"]
    assert line.variants == [["aa", "bb", "cc", "dd"], ["aa", "bb", "ee", "ff"]]
    assert line.names == {"en": "Line 5", "zh": "5号线"}


def test_shared_arm_other_than_the_prefix(scratch_cities):
    """Shanghai Line 10's shape: services run P–A and B–A, so both ride the first tail."""
    stations = {"L": ["P1", "P2", "F", "A1", "A2", "B1", "B2"]}
    scratch_cities("shared", embedded_manifest(
        '[lines."L"]\nbranch = { fork = "F", second_tail = "B1", shared = "first_tail" }\n'), stations)
    line = build("shared").network.lines["line-l"]
    assert line.variants == [["p1", "p2", "f", "a1", "a2"], ["b2", "b1", "f", "a1", "a2"]]


def test_branch_marker_without_override_is_a_warning_naming_the_fix(scratch_cities):
    scratch_cities("nofork", embedded_manifest(),
                   {"Line B": ["A Station", "B Station (Branch-starting Station)", "C Station", "D Station"]})
    result = build("nofork")
    [finding] = [f for f in result.report.findings if f.code == "branch-not-modelled"]
    assert finding.severity == "warning" and "second_tail" in finding.suggestion
    assert result.network.lines["line-b"].variants == [["a", "b", "c", "d"]]


def test_open_loop_override_and_closed_list(scratch_cities):
    stations = {"Ring": ["A", "B", "C", "D"], "Circle": ["P", "Q", "R", "P"]}
    scratch_cities("loops", embedded_manifest('[lines."Ring"]\nloop = true\n'), stations)
    net = build("loops").network
    assert net.lines["ring"].loop and net.lines["ring"].variants == [["a", "b", "c", "d"]]
    assert net.lines["circle"].loop and net.lines["circle"].variants == [["p", "q", "r"]]
    assert ("d", "a") in net.lines["ring"].edges()


def test_same_name_on_two_lines_is_one_station_unless_split(scratch_cities):
    stations = {"1": ["North", "Main St", "South"], "2": ["East", "Main St", "West"],
                "3": ["Up", "Main St", "Down", "Main St", "Far"]}
    split = ('[[station_splits]]\nname = "Main St"\ngroups = { uptown = { label = "Uptown", on = ["1", "3:1"] },'
             ' downtown = { label = "Downtown", on = ["2", "3:2"] } }\n')
    scratch_cities("split", embedded_manifest(split), stations)
    result = build("split")
    assert result.ok, result.report.errors
    net = result.network
    assert net.lines["line-3"].variants == [["up", "main-st-uptown", "down", "main-st-downtown", "far"]]
    assert net.stations["main-st-uptown"].lines == ["line-1", "line-3"]
    assert net.stations["main-st-downtown"].disambiguation == "Downtown"
    dup = [f for f in result.report.findings if f.code == "duplicate-on-line"]
    assert dup and dup[0].fixed_by == 'station_splits."Main St"'


def test_unsplit_repeat_is_an_error(scratch_cities):
    scratch_cities("repeat", embedded_manifest(), {"L": ["A", "B", "C", "B", "D"]})
    result = build("repeat")
    assert not result.ok
    assert {f.code for f in result.report.errors} == {"station-repeated"}


def test_overrides_naming_unknown_things_are_all_errors(scratch_cities):
    manifest = embedded_manifest(
        '[corrections]\n"Nowhere" = "Somewhere"\n[aliases]\n"Ghost" = ["G"]\n'
        '[lines."L9"]\nloop = true\n[lines."L"]\nbranch = { fork = "A", second_tail = "Zed" }\n'
        '[[station_splits]]\nname = "B"\n'
        'groups = { x = { label = "X", on = ["L"] }, y = { label = "Y", on = ["M"] } }\n')
    scratch_cities("unknown", manifest, {"L": ["A", "B", "C"]})
    errors = build("unknown").report.errors
    codes = sorted(f.code for f in errors)
    assert codes == ["override-unknown-line"] * 2 + ["override-unknown-station"] * 3, errors


def test_corrections_merge_and_keep_the_original_as_alias(scratch_cities):
    manifest = embedded_manifest('[corrections]\n"Union Station Station" = "Union Station"\n')
    scratch_cities("fix", manifest, {"A": ["Union Station Station", "X Station"], "B": ["Union Station", "Y Station"]})
    result = build("fix")
    union = result.network.stations["union"]
    assert union.lines == ["line-a", "line-b"] and "Union Station Station" in union.aliases
    doubled = [f for f in result.report.findings if f.code == "suffix-doubled"]
    assert doubled[0].fixed_by == 'corrections."Union Station Station"'


def test_graph_round_trips_through_its_dict():
    net = build("demo").network
    again = Network.from_dict(net.to_dict())
    assert again.to_dict() == net.to_dict()
    graph = net.to_networkx()
    assert graph.number_of_nodes() == len(net.stations)
    assert graph.has_edge("old-town", "central", key="blue-line")


def test_a_station_listed_twice_in_a_row_is_one_stop(scratch_cities):
    manifest = embedded_manifest(
        '[corrections]\n"Essex St" = "Delancey St/Essex St"\n"Delancey St" = "Delancey St/Essex St"\n')
    scratch_cities("complex", manifest, {"M": ["Marcy Av", "Essex St", "Delancey St", "Broadway"],
                                         "F": ["East Broadway", "Delancey St/Essex St", "2 Av"]})
    result = build("complex")
    assert result.ok, result.report.errors
    assert result.network.lines["line-m"].variants == [["marcy-av", "delancey-st-essex-st", "broadway"]]
    [dup] = [f for f in result.report.findings if f.code == "duplicate-on-line"]
    assert dup.fixed_by.startswith("automatic")


def test_distinct_pairs_must_name_two_listed_stations(scratch_cities):
    manifest = embedded_manifest('[distinct]\npairs = [["Ghost", "B"], ["A", "A"]]\n')
    scratch_cities("distinct", manifest, {"L": ["A", "B", "C"]})
    codes = sorted(f.code for f in build("distinct").report.errors)
    assert codes == ["override-invalid", "override-unknown-station"]


def test_suggested_corrections_point_from_the_rare_spelling_and_paste_as_toml(scratch_cities):
    stations = {"1": ["Rockefeller Ctr Station", "X Station"], "2": ["Rockefeller Ctr Station", "Y Station"],
                "3": ["Rockefeller Center Station", "Z Station"], "4": ["Cathedral Pkwy Station (110 St)", "Q Station"]}
    scratch_cities("hints", embedded_manifest(), stations)
    findings = {f.code: f for f in build("hints").report.findings}
    near = findings["near-duplicate-name"]
    assert near.station == "Rockefeller Center Station"
    assert 'add: "Rockefeller Center Station" = "Rockefeller Ctr Station"' in near.suggestion
    assert '"Cathedral Pkwy (110 St) Station"' in findings["suffix-missing"].suggestion
