"""Question wording. Route questions follow ReasonMap; detail questions ReasonMap-Plus (one \\boxed{})."""

from __future__ import annotations

ROUTE_FORMAT = (
    "Answer with one route, one block per ride, blocks separated by a line containing only `--`. "
    "Each block reads:\nRoute Name: <line>\nDeparture Stop: <station>\nArrival Stop: <station>"
)
PLANNING = {
    "short": "According to the subway map, how do I get from {a} to {b}? " + ROUTE_FORMAT,
    "long_count": "According to the subway map, how do I get from {a} to {b}? " + ROUTE_FORMAT
    + "\nNumber of Via Stops: <stops ridden past between departure and arrival>",
    "long_list": "According to the subway map, how do I get from {a} to {b}? " + ROUTE_FORMAT
    + "\nVia Stops: <the stops ridden past between departure and arrival, comma-separated>",
}
BOXED = " Put your final answer in \\boxed{{}}."
COUNTING1 = ("According to the subway map, how many intermediate stops are there between {a} and {b} on {line}, "
             "not counting {a} and {b}? A) {A} B) {B} C) {C} D) {D}. Answer with the letter of the correct option."
             + BOXED)
COUNTING1_LOOP = COUNTING1.replace(", not counting", ", going the shorter way round the loop and not counting")
COUNTING2 = "According to the subway map, how many lines pass through {a}? Answer with a number." + BOXED
COUNTING3 = "According to the subway map, how many lines are there on this map in total? Answer with a number." + BOXED
TORF1 = "According to the subway map, are {a} and {b} on the same line? Answer yes or no." + BOXED
TORF2 = "According to the subway map, is {a} on {line}? Answer yes or no." + BOXED
TERMINUS = ("According to the subway map, you board {line} at {a} in the direction of {b}. At which terminal "
            "station does the train end its run? Answer with the station name." + BOXED)
NEXT_STOP = ("According to the subway map, on {line} travelling from {a} towards {b}, which station comes right "
             "after {a}? Answer with the station name." + BOXED)
MIN_TRANSFERS = ("According to the subway map, what is the minimum number of transfers needed to travel from {a} "
                 "to {b}? Answer with a number." + BOXED)
ADJACENT = ("According to the subway map, are {a} and {b} next to each other on a line, with no stop in between? "
            "Answer yes or no." + BOXED)
LINE_COLOR = "According to the subway map, which line is drawn in {color}? Answer with the line name." + BOXED


def boxed(value: object) -> str:
    return f"\\boxed{{{value}}}"

# Perception questions: answerable only by looking (`curation.questions.locate`, `identify`, `crop`).
COORDS_TEXT = {
    "pixels": "in pixels of this image (x to the right and y down from its top-left corner)",
    "norm1000": "on a 0-1000 scale of this image's width and height ((0, 0) is its top-left corner, "
                "(1000, 1000) its bottom-right)",
}
LOCATE_POINT = "Point to {a} on this map: give the centre of its station marker as (x, y) {coords}." + BOXED
LOCATE_BOX = ("Give the bounding box of the station marker of {a} on this map as [x1, y1, x2, y2] {coords}."
              + BOXED)
IDENTIFY_STATION = ("One station on this map is circled in {ring}. Which station is it? Answer with the station "
                    "name." + BOXED)
IDENTIFY_LINE = ("Two stations on this map are circled in {ring}. Which line runs between them? Answer with the "
                 "line name." + BOXED)
IDENTIFY_STOPS = ("Two stations on this map are circled in {ring}, on the same line. How many stops are there "
                  "between them on that line, not counting the two? Answer with a number." + BOXED)
CROP_LINES = ("This image is a part of a metro map, whose lines are drawn in these colours: {key}. Which lines pass "
              "through the station circled in {ring}? Answer with the name of every such line, separated by commas."
              + BOXED)
CROP_NEXT_STOP = ("This image is a part of a metro map, around {a}; its lines are drawn in these colours: {key}. On "
                  "{line}, travelling from {a} towards {b}, which station comes right after {a}? Answer with the "
                  "station name." + BOXED)
