"""The ReasonMap benchmark's acceptance rule and map score, restated (our code, its behaviour).

Read from fscdc/ReasonMap `main.py` and `tools.py` (evaluation of short and long route answers);
every quirk that decides a score is kept, since the point is to predict what that evaluator says:

- an answer is split into sections at every `--`; a section counts only if it contains the three
  labels `Route Name:`, `Departure Stop:`, `Arrival Stop:` literally (no markdown, English only);
- the line name is what follows `Route Name: ` up to a newline (a newline must follow); the
  departure likewise; the short arrival is everything after `Arrival Stop:` in the section, the
  long arrival what follows `Arrival Stop: ` up to a newline;
- names compare after `clean`: `Metro`/`metro`, commas, `*` and newlines dropped, parentheticals
  (half- or full-width) dropped, white space and `-` dropped, lower-cased; line names are looked up
  as exact keys of the metro data, after `八通` → `Line 1` and `大兴` → `Line 4`;
- accepted: the first departure is station 1 and the last arrival station 2; every line is a key of
  the metro data, both stops of each block are in its list, each arrival is the next departure;
- map score, best over the reference plans (the `routes` mapping): +1 for both endpoints, then for
  each block paired with the plan's section in turn: +2 for the line name, +1 departure, +1 arrival;
  capped at 10, +10 if accepted. For China the reference line name becomes `Line <first number>`,
  or without a number loses its parentheticals and `地铁`; elsewhere the evaluator derives the
  reference's name from the answer's own name (`Line ` + its first two letters or digits, mostly),
  so the line name almost never earns its 2 points outside China. The reference's stops get `站`
  (China) / ` Station` appended unless they end so; in the short form, and in the long form outside
  China, the reference arrival is built from the departure's field (`站`/`Station` appended when the
  departure lacks it, else the departure itself);
- long answers add, per block, 4 for the exact via-stop count (else 4 − 4·error/count, not below 0),
  capped at 10 — or for a via-stop list (read only when it contains `站`, split at `,` and not
  trimmed): +1 per listed stop among the reference's (capped at 10) and the IoU of the two sets over
  blocks whose line name matched, scored (10·IoU + listed)/2; the total is capped at 20, +20 if
  accepted. Which long form was asked is read from the question (`Number of Via Stops:` in it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MARKERS = ("（换乘站）", "（支线起始站）", " (Transfer Station)", " (Branch-starting Station)")
_PAREN = re.compile(r"[\(\（][^\)\）]*[\)\）]")
_SPACE_DASH = re.compile(r"[\s\-]+")


def clean(text: str) -> str:
    for drop in ("Metro", "metro", ",", "*", "\n"):
        text = text.replace(drop, "")
    return _SPACE_DASH.sub("", _PAREN.sub("", text)).lower()


def metro_data(station_list: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """A station list as the evaluator prepares it: the four role markers removed, nothing else."""
    out = {}
    for line, stations in station_list.items():
        names = []
        for name in stations:
            for marker in MARKERS:
                name = name.replace(marker, "")
            names.append(name)
        out[line] = names
    return out


@dataclass
class Block:
    route: str
    departure: str
    arrival: str
    via_count: str | None = None
    via_list: str | None = None


def _after(label: str, section: str) -> str | None:
    found = re.search(re.escape(label) + r" (.*?)\n", section)
    return found.group(1) if found else None


def parse(answer: str, long_question: str | None = None) -> list[Block]:
    """The blocks the evaluator reads; `long_question` given: parse as a long answer to it."""
    blocks = []
    for section in answer.split("--"):
        if not section.strip():
            continue
        if "Route Name:" not in section or "Departure Stop:" not in section or "Arrival Stop:" not in section:
            continue
        route = _after("Route Name:", section)
        departure = _after("Departure Stop:", section)
        block = Block(route=route.strip() if route is not None else "Wrong",
                      departure=clean(departure) if departure is not None else "Wrong", arrival="")
        if long_question is None:
            block.arrival = clean(section.split("Arrival Stop:")[-1].strip())
        else:
            arrival = _after("Arrival Stop:", section)
            block.arrival = clean(arrival) if arrival is not None else "Wrong"
            if "Number of Via Stops:" in long_question:
                block.via_count = section.split("Number of Via Stops: ")[-1].strip()
            else:
                block.via_list = section.split("Via Stops: ")[-1].strip()
        blocks.append(block)
    return blocks


def accepted(blocks: list[Block], metro: Mapping[str, Sequence[str]], station_1: str, station_2: str) -> bool:
    if not blocks or not _endpoints(blocks, station_1, station_2):
        return False
    for i, block in enumerate(blocks):
        route = block.route
        if "八通" in route:
            route = "Line 1"
        if "大兴" in route:
            route = "Line 4"
        if route not in metro:
            return False
        stations = [clean(s) for s in metro[route]]
        if clean(block.departure) not in stations or clean(block.arrival) not in stations:
            return False
        if i < len(blocks) - 1 and clean(block.arrival) != clean(blocks[i + 1].departure):
            return False
    return True


def _endpoints(blocks: list[Block], station_1: str, station_2: str) -> bool:
    return clean(blocks[0].departure) == clean(station_1) and clean(blocks[-1].arrival) == clean(station_2)


def _china_route(name: str) -> str:
    number = re.search(r"(\d+)", name)
    if number:
        return f"Line {int(number.group(1))}"
    return re.sub(r"\(.*?\)", "", name).replace("地铁", "")


_DERIVED = {("auckland", "West"): "Western Line", ("auckland", "Sth"): "Southern Line",
            ("auckland", "East"): "Eastern Line", ("dubai", "MRed2"): "Red Line", ("dubai", "MGrn"): "Green Line",
            ("dubai", "MRed1"): "Red Line", ("kl", "MRT Putrajaya Line"): "Line 12", ("kl", "Ampang Line"): "Line 3",
            ("kl", "LRT Kelana Jaya Line"): "Line 5", ("kl", "KTM Tanjung Malim - Pelabuhan Klang"): "Line 2",
            ("kl", "LRT Sri Petaling Line"): "Line 4", ("kl", "MRT Kajang Line"): "Line 9",
            ("kl", "KTM Batu Caves - Pulau Sebang/Tampin"): "Line 1"}


def derived_route(answer_route: str, city: str) -> str:
    """Outside China: the name the evaluator derives, from the *answer's* line name, to compare it with."""
    for pattern in (r"Metro\s+([A-Z0-9]{1,2})[-\s]?Line", r"Metro\s+([A-Z0-9]{1,2})", r"Linea\s+([A-Z0-9]{1,2})",
                    r"([A-Z0-9]{1,2})"):
        found = re.search(pattern, answer_route, re.IGNORECASE)
        if found:
            code = found.group(1)
            return "Line " + ("B" if code == "B1" and city == "rome" else code)
    if (city, answer_route) in _DERIVED:
        return _DERIVED[(city, answer_route)]
    for pattern in (r"M(\d+)", r"([A-Z0-9]{1,2})\s+Line", r"([A-Z0-9]{1,2})\s+Train"):
        found = re.search(pattern, answer_route, re.IGNORECASE)
        if found:
            return "Line " + found.group(1)
    return answer_route


def _suffixed(name: str, suffix: str, joiner: str) -> str:
    return name if name.endswith(suffix) else name + joiner + suffix if joiner else name + suffix


@dataclass
class MapScore:
    score: float
    accepted: bool
    route_points: int = 0
    stop_points: int = 0
    via_points: float = 0.0


def map_score(blocks: list[Block], routes: Mapping[str, Sequence[Mapping[str, Any]]], *, country: str, city: str,
              metro: Mapping[str, Sequence[str]], station_1: str, station_2: str,
              long_question: str | None = None) -> MapScore:
    """The best map score over the reference plans (short: max 20; long: max 40)."""
    ok = accepted(blocks, metro, station_1, station_2)
    if not blocks:
        return MapScore(0, ok)
    best: MapScore | None = None
    for plan in routes.values():
        score: float = 0
        route_points = stop_points = 0
        via_points = 0.0
        if _endpoints(blocks, station_1, station_2):
            score += 1
            count_score = 0.0
            listed = 0
            union: set[str] = set()
            common: set[str] = set()
            for block, section in zip(blocks, plan, strict=False):
                china = country == "china"
                app_route = _china_route(section["route_name"]) if china else derived_route(block.route, city)
                suffix, joiner = ("站", "") if china else ("Station", " ")
                app_departure = _suffixed(section["departure_stop"], suffix, joiner)
                if china and long_question is not None:
                    app_arrival = _suffixed(section["arrival_stop"], suffix, joiner)
                elif section["departure_stop"].endswith(suffix):
                    app_arrival = section["departure_stop"]
                else:
                    app_arrival = section["arrival_stop"] + joiner + suffix
                if clean(app_route) == clean(block.route):
                    route_points += 2
                if clean(app_departure) == clean(block.departure):
                    stop_points += 1
                if clean(app_arrival) == clean(block.arrival):
                    stop_points += 1
                if long_question is None:
                    continue
                if block.via_count is not None:
                    number = re.search(r"\d+", block.via_count)
                    error = abs(int(number.group() if number else 0) - int(section["num_via_stops"]))
                    reference = int(section["num_via_stops"])
                    count_score += 4 if error == 0 else 0 if reference == 0 else max(0, 4 - error / reference * 4)
                else:
                    given = (block.via_list or "").split(",") if "站" in (block.via_list or "") else []
                    app_via = [_suffixed(s, "站", "") for s in section["via_stops"]] if china else []
                    listed += sum(1 for s in given if s in app_via)
                    if clean(block.route) == clean(app_route):
                        union |= set(app_via) | set(given)
                        common |= set(app_via) & set(given)
            score += route_points + stop_points
            if long_question is not None:
                iou = len(common) / len(union) if union else 0
                via_points = (iou * 10 + min(10, listed)) / 2 + min(10, count_score)
                score += via_points
        score = min(20 if long_question is not None else 10, score)
        if ok:
            score += 20 if long_question is not None else 10
        candidate = MapScore(score, ok, route_points, stop_points, via_points)
        if best is None or candidate.score >= best.score:
            best = candidate
    return best or MapScore(0, ok)


def ceiling(plan: Sequence[Mapping[str, Any]], *, country: str, stops: Sequence[str],
            long_question: str | None = None) -> float:
    """The most the evaluator awards an accepted answer that spells every name as the benchmark does,
    against `plan`: the nominal maximum less what it never gives — the line name outside China, a
    stop whose name (parentheticals aside) lacks `站` / ` Station` (the reference gets the suffix
    appended), via-stop lists outside China, the IoU of empty sets, listed via stops beyond 10.

    `stops`: every section's departure and arrival as the answer writes them.
    """
    china = country == "china"
    suffix = "站" if china else "Station"
    score: float = 1 + sum(2 for _ in plan if china)
    # A stop spelt `…站站` is written once without its last `站` (the short form needs that), which the
    # long form's arrival then misses.
    score += sum(1 for i, name in enumerate(stops) if _PAREN.sub("", name).strip().endswith(suffix)
                 and not (china and long_question is not None and i % 2 and name.endswith("站站")))
    if long_question is not None:
        if "Number of Via Stops:" in long_question:
            score += min(10, 4 * len(plan))
        elif china:
            given = [v for section in plan for v in section["via_stops"]]
            app = {_suffixed(v, "站", "") for v in given}
            union = app | set(given)
            iou = len(app & set(given)) / len(union) if union else 0
            score += (10 * iou + min(10, sum(1 for v in given if v in app))) / 2
    return min(20 if long_question is not None else 10, score) + (20 if long_question is not None else 10)
