"""Namesakes: "103 St" on a map given to the one of New York's three 103 St stations whose line runs beside it."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from curation.network.model import Line, Network, Station
from curation.vision.colours import MapColour, hex_to_lab
from curation.vision.match import NameMatcher
from curation.vision.namesakes import Lines, tell_apart
from curation.vision.ocr import TextBox

RED, BLUE = "#E81B40", "#1E7DC2"


def network(colours: dict[str, str]) -> Network:
    """Three "103 St" stations (on lines 1, 6 and C), each with a neighbour, and a unique "Wall St" on 4 and 5."""
    rides = {"1": ["103-st-broadway", "110-st-broadway"], "6": ["103-st-lexington", "110-st-lexington"],
             "C": ["103-st-cpw", "110-st-cpw"], "4": ["wall-st", "bowling-green"], "5": ["wall-st", "fulton-st"]}
    stations: dict[str, Station] = {}
    for line, ride in rides.items():
        for station_id in ride:
            name = " ".join(part.capitalize() for part in station_id.split("-")[:2])
            stations.setdefault(station_id, Station(station_id, {"en": f"{name} Station"})).lines.append(line)
    lines = {line: Line(line, {"en": line}, [ride], color=colours.get(line)) for line, ride in rides.items()}
    return Network("t", "t", {"en": "T"}, ["en"], stations, lines)


def text(string: str, x0: float, y0: float, width: float = 70.0, height: float = 28.0) -> TextBox:
    return TextBox(string, 0.99, ((x0, y0), (x0 + width, y0), (x0 + width, y0 + height), (x0, y0 + height)))


def drawn(lines: dict[int, str]) -> Image.Image:
    """Vertical lines 14 px wide at the given x, in the given colours, on white."""
    image = Image.new("RGB", (600, 300), "white")
    draw = ImageDraw.Draw(image)
    for x, colour in lines.items():
        draw.rectangle((x - 7, 0, x + 7, 299), fill=colour)
    return image


def resolve(net: Network, image: Image.Image, texts: list[TextBox]) -> list[str | None]:
    matcher = NameMatcher.of_network(net)
    lines = Lines.of_network(net, {line_id: MapColour(hex_to_lab(line.color), 0.1)
                                   for line_id, line in net.lines.items() if line.color})
    out = tell_apart([(t, matcher.match(t.text)) for t in texts], matcher, lines, image)
    return [found.station_id if found else None for _, found in out]


def test_the_line_colour_beside_a_label_picks_its_station() -> None:
    net = network({"1": RED, "C": BLUE, "6": "#129A62"})
    image = drawn({100: RED, 300: BLUE})
    assert NameMatcher.of_network(net).match("103 St") is None  # a tie: three stations
    assert resolve(net, image, [text("103 St", 115, 100), text("103 St", 215, 100)]) == [
        "103-st-broadway", "103-st-cpw"]


def test_a_label_between_lines_of_its_namesakes_stays_unmatched() -> None:
    net = network({"1": RED, "C": BLUE})
    assert resolve(net, drawn({100: RED, 200: BLUE}), [text("103 St", 115, 100, width=70)]) == [None]  # 8 px, 8 px
    shared = network({"1": RED, "C": RED})  # lines that share a colour cannot tell their stations apart
    assert resolve(shared, drawn({100: RED}), [text("103 St", 115, 100)]) == [None]


def test_bullets_beside_the_label_name_its_lines() -> None:
    net = network({})  # no colours: bullets alone decide
    blank = drawn({})
    assert resolve(net, blank, [text("103 St", 100, 100), text("6", 175, 102, width=20)])[0] == "103-st-lexington"
    assert resolve(net, blank, [text("103 St 6", 100, 100)]) == ["103-st-lexington"]  # read into the label
    # below the start of a diagonal's label (New York's Brooklyn: "Kings Hwy" over its N bullet)
    assert resolve(net, blank, [text("103 St", 100, 100), text("C", 80, 135, width=20)])[0] == "103-st-cpw"
    # a bullet nearer another label is that label's; one beyond `REACH` heights is nobody's
    near_other = resolve(net, blank, [text("103 St", 100, 100), text("C", 230, 100, width=20), text("Bay", 255, 100)])
    far = resolve(net, blank, [text("103 St", 100, 100), text("C", 100, 230, width=20)])
    assert near_other[0] is None and far == [None, None]


def test_bullets_read_into_a_unique_name_are_dropped() -> None:
    net = network({})
    assert resolve(net, drawn({}), [text("Wall St 4 5", 100, 100), text("4 5 Wall St", 100, 200)]) == [
        "wall-st", "wall-st"]


def test_bullets_run_into_a_name_are_dropped_and_name_its_lines() -> None:
    """New York's OCR runs bullets into labels: "30 AvWN", "174 St2⑤", "ACBD145 St"."""
    net = network({})
    texts = [text("Wall St45", 100, 100), text("103 St6", 100, 150), text("C103 St", 100, 200),
             text("103 St⑥", 100, 250), text("103 Stx", 300, 100)]
    assert resolve(net, drawn({}), texts) == ["wall-st", "103-st-lexington", "103-st-cpw", "103-st-lexington", None]


@pytest.mark.parametrize(("token", "digits", "lines"), [
    ("6", False, {"6"}), ("C", False, {"C"}), ("C4", True, {"C", "4"}), ("C4", False, None), ("45", True, {"4", "5"}),
    ("45", False, None), ("St", True, None), ("103", True, None), ("", True, None)])
def test_what_reads_as_bullets(token: str, digits: bool, lines: set[str] | None) -> None:
    named = Lines.of_network(network({}), {}).named_by(token, digits=digits)
    assert named == (frozenset(lines) if lines is not None else None)


def test_the_namesake_with_more_of_its_colours_beside_the_label_is_chosen() -> None:
    """Brooklyn's three Kings Hwy: on the orange B and yellow Q, on the orange F, and on the yellow N."""
    orange, yellow = "#F0841F", "#FDD403"
    rides = {"B": ["kings-hwy-brighton", "avenue-m"], "Q": ["kings-hwy-brighton", "avenue-u"],
             "F": ["kings-hwy-culver", "avenue-p"], "N": ["kings-hwy-sea-beach", "bay-pkwy"]}
    stations: dict[str, Station] = {}
    for line, ride in rides.items():
        for station_id in ride:
            name = "Kings Hwy" if station_id.startswith("kings") else station_id.replace("-", " ").title()
            stations.setdefault(station_id, Station(station_id, {"en": name})).lines.append(line)
    colours = {"B": orange, "F": orange, "Q": yellow, "N": yellow}
    lines = {line: Line(line, {"en": line}, [ride], color=colours[line]) for line, ride in rides.items()}
    net = Network("t", "t", {"en": "T"}, ["en"], stations, lines)
    both = drawn({115: orange, 130: yellow})  # the B and Q side by side, both within a label height
    assert resolve(net, both, [text("Kings Hwy", 145, 100)]) == ["kings-hwy-brighton"]
    assert resolve(net, drawn({130: yellow}), [text("Kings Hwy", 145, 100)]) == [None]  # the Q or the N
    apart = drawn({138: orange, 60: yellow})  # the F beside the label, the N's yellow 2.8 heights away
    assert resolve(net, apart, [text("Kings Hwy", 145, 100)]) == [None]  # the F or the B: not the B for its yellow
