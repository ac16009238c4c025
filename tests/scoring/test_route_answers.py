"""Route answers as models write them, each with its expected score worked out by hand.

Demoville (map middle: 4 lines, 5 interchanges; W = 1.2, + 0.5 with a transfer). Airport → Northgate
is one ride on the Red Line past 4 stops: map score 1 + 4 = 5 (+10 accurate) = 15; long count + 4 →
29; long list + (4 + 10)/2 → 32; detail 2 + 4 = 6 (a one-ride route has no hand-over); reward
1.2 · (1 + 10 + 0.5 · 6) = 16.8. Airport → Docks is Red to Harbor then the Harbour Line: map
1 + 4 + 4 = 9 → 19, detail 2 + (3 + 1) + 3 = 9, reward 1.7 · (1 + 10 + 4.5) = 26.35.
"""

from __future__ import annotations

import pytest

from curation.scoring.reward import RewardConfig
from curation.scoring.scorer import score
from tests.conftest import build, embedded_manifest
from tests.scoring.helpers import Truths

GOLD_SHORT = (1, 1.0, 15, 6, 16.8)
GOLD_TRANSFER = (1, 1.0, 19, 9, 26.35)
RED = "Route Name: Red Line\nDeparture Stop: Airport Station\nArrival Stop: Northgate Station"
TRANSFER = ("Route Name: Red Line\nDeparture Stop: Airport Station\nArrival Stop: Harbor Station\n--\n"
            "Route Name: Harbour Line\nDeparture Stop: Harbor Station\nArrival Stop: Docks Station")

# (case, origin, destination, form, response, (correct, format, map score, detail reward, reward), other fields)
CASES = [
    ("gold", "airport", "northgate", "short", RED, GOLD_SHORT, {"optimal_stops": True, "direction_ok": True}),
    ("markdown bold and bullets", "airport", "northgate", "short",
     "**Route Name:** Red Line\n- **Departure Stop:** Airport Station\n- **Arrival Stop:** Northgate Station",
     GOLD_SHORT, {}),
    ("heading and code fence", "airport", "northgate", "short", f"### Answer\n```\n{RED}\n```", GOLD_SHORT, {}),
    ("one line", "airport", "northgate", "short",
     "Route Name: Red Line, Departure Stop: Airport Station, Arrival Stop: Northgate Station.", GOLD_SHORT, {}),
    ("one line without separators", "airport", "northgate", "short",
     "Route Name: L1 Departure Stop: Airport Arrival Stop: Northgate", GOLD_SHORT, {}),
    ("aliases, case and no suffix", "airport", "northgate", "short",
     "route name: line 1\ndeparture stop: AIRPORT\narrival stop: northgate station", GOLD_SHORT, {}),
    ("direction after the line", "airport", "northgate", "short",
     "Route Name: Red Line (towards Northgate)\nDeparture Stop: Airport Station\nArrival Stop: Northgate Station",
     GOLD_SHORT, {}),
    ("Chinese field labels", "airport", "northgate", "short",
     "路线名称：Red Line\n出发站：Airport Station\n到达站：Northgate Station", GOLD_SHORT, {}),
    ("prose around the answer", "airport", "northgate", "short",
     f"Sure! Looking at the map, the red line runs north.\n\n{RED}\n\nThis trip passes 4 stations.", GOLD_SHORT, {}),
    ("reasoning block with a wrong draft", "airport", "northgate", "short",
     "<think>Route Name: Blue Line\nDeparture Stop: Airport Station\nArrival Stop: Market Station</think>\n" + RED,
     GOLD_SHORT, {}),
    ("final answer after a wrong draft", "airport", "northgate", "short",
     "Draft:\nRoute Name: Blue Line\nDeparture Stop: Airport\nArrival Stop: Market\n\nFinal answer:\n" + RED,
     GOLD_SHORT, {}),
    ("answer tag", "airport", "northgate", "short", f"I checked the map.<answer>\n{RED}\n</answer>", GOLD_SHORT, {}),
    ("boxed with LaTeX text", "airport", "northgate", "short",
     r"\boxed{\text{Route Name: Red Line} \\ \text{Departure Stop: Airport Station} \\ "
     r"\text{Arrival Stop: Northgate Station}}", GOLD_SHORT, {}),
    ("typo within the fuzzy threshold", "airport", "northgate", "short",
     "Route Name: Red Line\nDeparture Stop: Airport Station\nArrival Stop: Northgte Station", GOLD_SHORT, {}),
    ("wrong line", "airport", "northgate", "short",
     "Route Name: Blue Line\nDeparture Stop: Airport Station\nArrival Stop: Northgate Station",
     (0, 1.0, 3, 2, 2.4), {"lines_ok": True, "stops_on_lines_ok": False}),
    ("line that does not exist", "airport", "northgate", "short",
     "Route Name: Purple Line\nDeparture Stop: Airport Station\nArrival Stop: Northgate Station",
     (0, 1.0, 3, 2, 2.4), {"lines_ok": False, "unresolved": ["route (unknown): Purple Line"]}),
    ("wrong direction", "airport", "northgate", "short",
     "Route Name: Red Line\nDeparture Stop: Northgate Station\nArrival Stop: Airport Station",
     (0, 1.0, 2, 0, 1.2), {"endpoints_ok": False}),
    ("name too far from any station", "airport", "northgate", "short",
     "Route Name: Red Line\nDeparture Stop: Airport Station\nArrival Stop: North Gate Plaza",
     (0, 1.0, 3, 0, 1.2), {"unresolved": ["station (unknown): North Gate Plaza"]}),
    ("extra leg on the same line", "airport", "northgate", "short",
     "Route Name: Red Line\nDeparture Stop: Airport Station\nArrival Stop: Central Station\n--\n"
     "Route Name: Red Line\nDeparture Stop: Central Station\nArrival Stop: Northgate Station",
     (1, 1.0, 14, 5, 16.2), {"optimal_transfers": False, "rides": 2}),
    ("nothing readable", "airport", "northgate", "short", "I am not sure, sorry.", (0, 0.0, 0, 0, 0.0),
     {"blocks": 0}),
    ("reasoning never closed", "airport", "northgate", "short", "<think>Route Name: Red Line\nDeparture Stop: Air",
     (0, 0.0, 0, 0, 0.0), {}),
    ("a block without its arrival", "airport", "northgate", "short",
     "Route Name: Red Line\nDeparture Stop: Airport Station", (0, 0.5, 3, 0, 0.6), {}),
    ("gold with a transfer", "airport", "docks", "short", TRANSFER, GOLD_TRANSFER, {"rides": 2, "stops": 2}),
    ("numbered blocks", "airport", "docks", "short",
     "1. Route Name: Red Line\n   Departure Stop: Airport Station\n   Arrival Stop: Harbor Station\n"
     "2. Route Name: Harbour Line\n   Departure Stop: Harbor Station\n   Arrival Stop: Docks Station",
     GOLD_TRANSFER, {}),
    ("step labels and blank-line separator", "airport", "docks", "short",
     "Step 1: Route Name: Red Line\nDeparture Stop: Airport\nArrival Stop: Harbor\n\n"
     "Step 2: Route Name: Line 4\nDeparture Stop: Harbor\nArrival Stop: Docks", GOLD_TRANSFER, {}),
    ("markdown table", "airport", "docks", "short",
     "| Route Name | Departure Stop | Arrival Stop |\n|---|---|---|\n| Red Line | Airport | Harbor |\n"
     "| **Harbour Line** | Harbor Station | Docks Station |\n\nTwo rides.", GOLD_TRANSFER, {}),
    ("missing leg", "airport", "docks", "short",
     "Route Name: Red Line\nDeparture Stop: Airport Station\nArrival Stop: Docks Station",
     (0, 1.0, 4, 5, 5.95), {"stops_on_lines_ok": False}),
    ("hand-over mismatch", "airport", "docks", "short",
     "Route Name: Red Line\nDeparture Stop: Airport Station\nArrival Stop: Harbor Station\n--\n"
     "Route Name: Harbour Line\nDeparture Stop: Central Station\nArrival Stop: Docks Station",
     (0, 1.0, 8, 8, 8.5), {"handovers_ok": False}),
    ("valid but not optimal", "airport", "docks", "short",
     "Route Name: Red Line\nDeparture Stop: Airport Station\nArrival Stop: Central Station\n--\n"
     "Route Name: Blue Line\nDeparture Stop: Central Station\nArrival Stop: Stadium Station\n--\n"
     "Route Name: Harbour Line\nDeparture Stop: Stadium Station\nArrival Stop: Docks Station",
     (1, 1.0, 14, 7, 24.65), {"optimal_transfers": False, "optimal_stops": False, "rides": 3}),
    ("loop ridden either way", "riverside", "old-town", "short",
     "Route Name: Blue Line\nDeparture Stop: Riverside Station\nArrival Stop: Old Town Station",
     GOLD_SHORT, {"optimal_stops": True}),
    ("one block across the fork of a Y line", "seaview", "summit", "short",
     "Route Name: Green Line\nDeparture Stop: Seaview Station\nArrival Stop: Summit Station",
     (1, 1.0, 14, 5, 22.95), {"rides": 2, "stops": 4, "optimal_stops": True}),
    ("gold via count", "airport", "northgate", "long_count", RED + "\nNumber of Via Stops: 4",
     (1, 1.0, 29, 6, 16.8), {"via_ok": True}),
    ("via count off by one", "airport", "northgate", "long_count", RED + "\nNumber of Via Stops: 3",
     (1, 1.0, 28, 6, 16.8), {"via_ok": False}),
    ("via count written as words", "airport", "northgate", "long_count",
     RED + "\nNumber of Via Stops: 4 stops (Harbor, Central, Museum, University)", (1, 1.0, 29, 6, 16.8),
     {"via_ok": True}),
    ("via count missing", "airport", "northgate", "long_count", RED, (1, 0.5, 25, 6, 16.2), {"via_ok": False}),
    ("table with a via column of counts", "airport", "northgate", "long_count",
     "| Step | Line | From | To | Via |\n|---|---|---|---|---|\n| 1 | Line 1 | Airport | Northgate | 4 |",
     (1, 1.0, 29, 6, 16.8), {"via_ok": True}),
    ("via count as a word, then a route total", "airport", "northgate", "long_count",
     RED + "\nNumber of Via Stops: four\n\nTotal via stops: 4", (1, 1.0, 29, 6, 16.8), {"via_ok": True, "blocks": 1}),
    ("gold via list", "airport", "northgate", "long_list",
     RED + "\nVia Stops: Harbor Station, Central Station, Museum Station, University Station",
     (1, 1.0, 32, 6, 16.8), {"via_ok": True, "direction_ok": True}),
    ("via list as bullets", "airport", "northgate", "long_list",
     RED + "\nVia Stops:\n- Harbor\n- Central\n- Museum\n- University", (1, 1.0, 32, 6, 16.8), {"via_ok": True}),
    ("via list with a wrong stop", "airport", "northgate", "long_list",
     RED + "\nVia Stops: Harbor, Central, Museum, Stadium", (1, 1.0, 29.5, 6, 16.8), {"via_ok": False}),
    ("via list in reverse order", "airport", "northgate", "long_list",
     RED + "\nVia Stops: University, Museum, Central, Harbor", (1, 1.0, 32, 6, 16.8),
     {"via_ok": False, "direction_ok": False}),
    ("loop via list of the other way round", "riverside", "old-town", "long_list",
     "Route Name: Blue Line\nDeparture Stop: Riverside\nArrival Stop: Old Town\nVia Stops: Stadium, University",
     (1, 1.0, 31, 6, 16.8), {"via_ok": True, "direction_ok": True}),
]


@pytest.fixture(scope="module")
def demo() -> Truths:
    return Truths(build("demo").network)


@pytest.mark.parametrize(("case", "origin", "destination", "form", "response", "expected", "fields"), CASES,
                         ids=[c[0] for c in CASES])
def test_route_answer(demo, case, origin, destination, form, response, expected, fields):
    result = score(demo.route(origin, destination, form), response)
    correct, format_score, map_score, detail, reward = expected
    got = (result["correct"], result["format"], result["map_score"], result["detail_reward"], result["reward"])
    assert got == pytest.approx((correct, format_score, map_score, detail, reward)), result
    for name, value in fields.items():
        assert result[name] == value, (name, result)


def test_require_optimal_withholds_correctness(demo):
    truth = demo.route("airport", "docks")
    detour = CASES[[c[0] for c in CASES].index("valid but not optimal")][4]
    assert score(truth, detour)["reward_correctness"] == 1.0
    strict = score(truth, detour, RewardConfig(require_optimal=True))
    assert strict["reward_correctness"] == 0.0
    assert strict["reward"] == pytest.approx(1.7 * (1 + 0 + 0.5 * 7))


ZH_STATIONS = {
    "Line 1": ["湘湖站", "西湖站", "龙翔桥站（换乘站）", "凤起路站", "武林广场站（换乘站）"],
    "Line 2": ["古荡站", "龙翔桥站（换乘站）", "武林广场站（换乘站）", "中河北路站"],
    "机场线": ["武林广场站（换乘站）", "萧山机场站"],
}


@pytest.fixture
def zh(scratch_cities) -> Truths:
    scratch_cities("zhcity", embedded_manifest(language="zh").replace('languages = ["zh"]', 'languages = ["zh", "en"]'),
                   ZH_STATIONS)
    return Truths(build("zhcity").network)


@pytest.mark.parametrize("response", [
    "路线名称：1号线\n出发站：湘湖站\n到达站：凤起路站",
    "Route Name: Line 1\nDeparture Stop: 湘湖\nArrival Stop: 凤起路",
    "Route Name: 地铁1号线\nDeparture Stop: Xianghu Station\nArrival Stop: Fengqi Lu",
    "路线名称：１号线（往武林广场方向）\n出发站：湘湖站\n到达站：凤起路站。",
    "**路线名称：** L1\n**出发站：** 湘湖站\n**到达站：** 凤起路站",
    "Route Name: Line 1\nDeparture Stop: Xianghu Zhan\nArrival Stop: Fengqi Road",
])
def test_chinese_city_names_in_both_languages(zh, response):
    result = score(zh.route("xiang-hu", "feng-qi-lu"), response)
    assert (result["correct"], result["map_score"], result["detail_reward"]) == (1, 15, 6), result


def test_chinese_named_line_by_its_english_name(zh):
    truth = zh.route("xiang-hu", "xiao-shan-ji-chang")
    answer = ("Route Name: Line 1\nDeparture Stop: 湘湖站\nArrival Stop: 武林广场站\n--\n"
              "Route Name: Jichang Line\nDeparture Stop: 武林广场站\nArrival Stop: 萧山机场站")
    result = score(truth, answer)
    assert (result["correct"], result["map_score"], result["detail_reward"]) == (1, 19, 9), result
