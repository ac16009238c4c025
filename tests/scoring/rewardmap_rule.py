"""RewardMap's released reward (`verl/utils/reward_score/reason_map.py`), restated to test against.

Read from fscdc/RewardMap and written anew; it keeps the released behaviour, defects included:

- Names: a station's key drops `Metro`, commas, `*`, newlines, apostrophes, `Station`, a final
  `站`, parentheticals and whitespace/hyphens, spells out `Univ`/`Tech` (blindly, so `University`
  itself grows: both sides alike) and reads `road` as `lu`, then lower-cases. Line names must be the
  metro data's keys exactly (two Beijing names aside).
- Route blocks: the response split on `--`; a section counts when it holds the three labels (for
  accuracy as written, for the detail reward in any case); route and departure are read up to the
  end of their line, the arrival is everything after the last `Arrival Stop:`.
- Accuracy (routes): the benchmark's rule. Detail questions: the final answer (the last box, else
  the text after "the answer is" and like phrases), lower-cased, with LaTeX text commands, spaces
  and `$` removed, compared with yes/no, a letter A–D or an integer. The math normaliser's fraction
  and square-root rewrites are left out: they turn no yes/no, letter or integer into another.
- Detail reward (routes only): see `detail_points`; `off_by_one=False` charges only blocks beyond
  the rides needed, which is what mapcurate does.
- R = W · (10 · acc + 0.5 · min(detail, 10)), W by map level (1.0 / 1.2 / 1.5) + 0.5 for a route
  question that needs a transfer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAP_WEIGHT = {"easy": 1.0, "middle": 1.2, "hard": 1.5}
ANSWER_FLAGS = ("the final answer is", "the answer is", "the correct answer is", "the answer should be")


def station_key(name: str) -> str:
    for old, new in (("Metro", ""), ("metro", ""), (",", ""), ("*", ""), ("\n", ""), ("'", ""),
                     ("Univ.", "University"), ("Univ", "University"), ("Tech.", "Technology"),
                     ("Tech", "Technology"), ("road", "lu"), ("Road", "lu"), ("Station", ""), ("station", ""),
                     ("Asian Games Village", "yayuncun")):
        name = name.replace(old, new)
    if name.endswith("站"):
        name = name[:-1]
    name = re.sub(r"[(（][^)）]*[)）]", "", name)
    return re.sub(r"[\s\-]+", "", name).lower()


@dataclass(frozen=True)
class Block:
    route: str
    departure: str
    arrival: str


def read_blocks(response: str, any_case: bool) -> list[Block]:
    """The released reader's blocks (raw route name, keyed departure and arrival)."""
    blocks = []
    for section in response.split("--"):
        if not section.strip():
            continue
        probe = section.lower() if any_case else section
        labels = ("route name:", "departure stop:", "arrival stop:") if any_case else \
            ("Route Name:", "Departure Stop:", "Arrival Stop:")
        if not all(label in probe for label in labels):
            continue
        route = re.search(r"Route Name: (.*?)\n", section)
        departure = re.search(r"Departure Stop: (.*?)\n", section)
        blocks.append(Block(route.group(1).strip() if route else "Wrong",
                            station_key(departure.group(1)) if departure else "Wrong",
                            station_key(section.split("Arrival Stop:")[-1].strip())))
    return blocks


def line_key(route: str) -> str:
    return "Line 1" if "八通" in route else "Line 4" if "大兴" in route else route


def endpoints_right(blocks: list[Block], station1: str, station2: str) -> bool:
    return bool(blocks) and station_key(blocks[0].departure) == station_key(station1) and \
        station_key(blocks[-1].arrival) == station_key(station2)


def route_accurate(response: str, metro: dict[str, list[str]], station1: str, station2: str) -> bool:
    blocks = read_blocks(response, any_case=False)
    if not endpoints_right(blocks, station1, station2):
        return False
    for i, block in enumerate(blocks):
        line = line_key(block.route)
        if line not in metro:
            return False
        keys = [station_key(s) for s in metro[line]]
        if station_key(block.departure) not in keys or station_key(block.arrival) not in keys:
            return False
        if i + 1 < len(blocks) and station_key(block.arrival) != station_key(blocks[i + 1].departure):
            return False
    return True


def detail_points(response: str, metro: dict[str, list[str]], station1: str, station2: str, transfers: int,
                  off_by_one: bool = True) -> float:
    """The route detail reward before its cap of 10 (released: −5 from block index `transfers` on)."""
    blocks = read_blocks(response, any_case=True)
    if not endpoints_right(blocks, station1, station2):
        return 0.0
    first_charged = transfers if off_by_one else transfers + 1
    both = {station_key(station1), station_key(station2)}
    points = 2.0
    for i, block in enumerate(blocks):
        if i >= first_charged:
            points -= 5
        line = line_key(block.route)
        if line not in metro:
            continue
        keys = [station_key(s) for s in metro[line]]
        if transfers == 0:
            points += 4 if both <= set(keys) else 0
        else:
            points += 3
        on_line = station_key(block.departure) in keys and station_key(block.arrival) in keys
        if on_line and i + 1 < len(blocks) and station_key(block.arrival) == station_key(blocks[i + 1].departure) \
                and i + 1 <= transfers:
            points += 1
    return points


def final_answer(response: str) -> str:
    """The released reader's final answer of a yes/no or counting question."""
    text = response
    if "oxed{" not in text:
        for flag in ANSWER_FLAGS:
            for variant in (flag, flag.replace("the", "The")):
                found = variant in text
                text = text.split(variant)[-1].strip()
                if found:
                    text = text.split("\n")[0].split(". ")[0]
    elif text.count("oxed{") > 1:
        text = "\\boxed{" + text.split("oxed{")[-1]
    text = text.lower().replace("{}", "")
    boxed = re.findall(r"oxed{(.*)}", text, flags=re.S)
    text = boxed[-1] if boxed else text
    if "}" in text and ("{" not in text or text.find("}") < text.find("{")):
        text = text.split("}")[0]
    text = text.split("=")[-1].split("\\approx")[-1]
    for old in (" ", "\\,", "\n", "\\text", "\\mbox", "\\left", "\\right", "^{\\circ}", "^\\circ", "\\$", "$",
                "\\!"):
        text = text.replace(old, "")
    return text.rstrip(".").lstrip(":").strip()


def detail_accurate(kind: str, response: str, truth: int) -> bool:
    """TorF truth 1 / 0; Counting1 truth the option's index; Counting2/3 the number."""
    answer = final_answer(response)
    if kind.startswith("TorF"):
        return answer.lower() == ("yes" if truth == 1 else "no")
    if kind == "Counting1":
        return answer.lower() in "abcd" and len(answer) == 1 and "abcd".index(answer.lower()) == truth
    try:
        return int(answer) == truth
    except ValueError:
        return False


def weight(kind: str, difficulty_city: str, transfers: int | None) -> float:
    return MAP_WEIGHT[difficulty_city] + (0.5 if kind == "planning" and transfers else 0.0)


def route_reward(response: str, metro: dict[str, list[str]], station1: str, station2: str, transfers: int,
                 difficulty_city: str, off_by_one: bool = True) -> float:
    acc = route_accurate(response, metro, station1, station2)
    detail = min(detail_points(response, metro, station1, station2, transfers, off_by_one), 10.0)
    return weight("planning", difficulty_city, transfers) * (10 * acc + 0.5 * detail)


def detail_question_reward(kind: str, response: str, truth: int, difficulty_city: str) -> float:
    return weight(kind, difficulty_city, None) * 10 * detail_accurate(kind, response, truth)
