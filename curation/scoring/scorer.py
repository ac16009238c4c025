"""Score one model response against one ground truth: total (any string in, a result out) and fast.

`score(truth, response)` returns a flat dict of JSON-safe values — every metric and reward
component, `None` where a metric does not apply. It never raises on the response; an answer it
cannot read is a result with `parse_error` set (which zeroes the format term).

Point answers also report `distance_radii` (distance to the gold point in marker radii, a radius being
at least the rounding of whole units: `pixel_score`), box answers
`iou` (0 when no box is read); both are `None` for every other kind. Lines answers report the names
that resolve to no line under `unresolved`, as route answers do.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from curation.scoring import coordinates_answer, detail_answer, ground_truth, lines_answer, pixel_score, route_score
from curation.scoring.extract import Answer, answer_candidates
from curation.scoring.ground_truth import (
    BoxTruth,
    DetailTruth,
    GroundTruth,
    LinesTruth,
    PointTruth,
    RouteTruth,
)
from curation.scoring.lexicon import CompiledLexicon, compile_lexicon
from curation.scoring.reward import DETAIL_CAP, RewardConfig, combine, dense_detail_reward, detail_reward
from curation.scoring.route_text import VIA_COUNT, VIA_LIST, RouteBlock, read_blocks

DEFAULT_CONFIG = RewardConfig()
_VIA_FIELD = {"planning_long_count": VIA_COUNT, "planning_long_list": VIA_LIST}
_EXPLICIT = {"boxed", "answer-tag"}
_WHOLE_BLOCK = {"route", "departure", "arrival"}
_REQUIRED = {field: {"route", "departure", "arrival"} | ({field} if field else set())
             for field in (None, VIA_COUNT, VIA_LIST)}
_SHORT_WHOLE_ANSWER = 40  # a detail answer outside any box or marker counts only when this short

ROUTE_METRICS = ("blocks", "endpoints_ok", "lines_ok", "stops_on_lines_ok", "handovers_ok", "direction_ok",
                 "rides", "stops", "optimal_transfers", "optimal_stops", "via_ok", "map_score", "map_score_max",
                 "unresolved")
_LABELS = ("id", "city", "family", "type", "template", "difficulty_question", "difficulty_map", "weight",
           "reward_weight")


PIXEL_METRICS = ("distance_radii", "iou")
_T = TypeVar("_T")


_BLANK: dict[str, Any] = {**dict.fromkeys(_LABELS), **dict.fromkeys(ROUTE_METRICS), **dict.fromkeys(PIXEL_METRICS),
                          "answer_source": "none", "parse_error": None, "predicted": None, "expected": None}


def clear_caches() -> None:
    """Forget prepared and parsed ground truths (benchmarks measure cold starts with it)."""
    _PREPARED.clear()
    ground_truth.clear_cache()


def score(truth: GroundTruth | dict[str, Any] | str | bytes, response: str,
          config: RewardConfig = DEFAULT_CONFIG) -> dict[str, Any]:
    """Every metric and reward component of `response` (see the module docstring)."""
    gt = ground_truth.parse(truth)
    if not isinstance(response, str):
        response = "" if response is None else str(response)
    result = dict(_BLANK)
    labels: Mapping[str, object] = gt
    for key in _LABELS:
        result[key] = labels.get(key)
    if gt["kind"] == "route":
        _score_route(gt, response, result)
    elif gt["kind"] == "point":
        _score_point(gt, response, result)
    elif gt["kind"] == "box":
        _score_box(gt, response, result)
    elif gt["kind"] == "lines":
        _score_lines(gt, response, result)
    else:
        _score_detail(gt, response, result)
    correct = bool(result["correct"])
    if config.require_optimal and gt["kind"] == "route":
        correct = correct and bool(result["optimal_stops"])
    result["reward_correctness"] = float(correct)
    weight = gt["reward_weight"]
    result["reward"] = combine(config, weight, result["format"], correct, result["detail_reward"])
    result["reward_max"] = combine(config, weight, 1.0, True, result["detail_reward_max"])
    return result


@dataclass(frozen=True)
class _RouteTruth:
    """What scoring a route answer needs from its ground truth, prepared once per ground truth."""

    truth: RouteTruth
    fingerprint: tuple[object, ...]
    lexicon: CompiledLexicon
    origin: int
    destination: int
    golds: list[list[route_score.GoldLeg]]
    via_field: str | None
    map_score_max: float
    detail_reward_max: float


_PREPARED: OrderedDict[int, _RouteTruth] = OrderedDict()
_PREPARED_MAX = 4096


def _fingerprint(gt: RouteTruth) -> tuple[object, ...]:
    """What the prepared form depends on, cheap to compare (a ground truth edited in place is re-prepared)."""
    routes = gt["routes"]
    return (gt["origin"], gt["destination"], gt["template"], gt["rides"], gt.get("lexicon_id"), id(routes),
            len(routes), routes[0] if routes else None)


def _route_truth(gt: RouteTruth) -> _RouteTruth:
    """Prepared once per ground-truth object (the entry keeps the object alive, so ids stay unique)."""
    prepared = _PREPARED.get(id(gt))
    if prepared is not None and prepared.truth is gt and prepared.fingerprint == _fingerprint(gt):
        return prepared
    lexicon = compile_lexicon(gt["lexicon"], gt.get("lexicon_id"))
    via_field = _VIA_FIELD.get(gt["template"])
    try:
        origin, destination = lexicon.station_index[gt["origin"]], lexicon.station_index[gt["destination"]]
        golds = route_score.resolved_gold(lexicon, gt["routes"])
    except KeyError as exc:
        raise ValueError(f"ground truth of question {gt.get('id')}: {exc} is not in its lexicon") from None
    prepared = _RouteTruth(
        truth=gt, fingerprint=_fingerprint(gt), lexicon=lexicon, origin=origin, destination=destination,
        golds=golds, via_field=via_field,
        map_score_max=max(route_score.map_score(route_score.gold_rides(g), g, True, True, via_field) for g in golds),
        detail_reward_max=detail_reward(lexicon, route_score.gold_rides(golds[0]), origin, destination, gt["rides"]),
    )
    if len(_PREPARED) >= _PREPARED_MAX:
        _PREPARED.popitem(last=False)
    _PREPARED[id(gt)] = prepared
    return prepared


def _score_route(gt: RouteTruth, response: str, result: dict[str, Any]) -> None:
    truth = _route_truth(gt)
    lexicon, via_field, origin, destination = truth.lexicon, truth.via_field, truth.origin, truth.destination
    result.update(detail_reward_max=truth.detail_reward_max, map_score_max=truth.map_score_max)
    blocks: list[RouteBlock] = []
    source = "none"
    for candidate in answer_candidates(response):  # the first with whole blocks, else the first with any
        found = read_blocks(candidate.text)
        if found and not blocks:
            blocks, source = found, candidate.source
        if found and all(set(b.order) >= _WHOLE_BLOCK for b in found):
            blocks, source = found, candidate.source
            break
    result["answer_source"] = source
    if not blocks:
        result.update(parse_error="no route blocks (Route Name / Departure Stop / Arrival Stop) found",
                      format=0.0, correct=0.0, detail_reward=0.0, blocks=0, map_score=0.0)
        return
    rides, unresolved = route_score.resolve_blocks(lexicon, blocks)
    checks = route_score.check(lexicon, rides, origin, destination, gt["rides"], gt["stops"], via_field)
    map_score = max(route_score.map_score(rides, g, checks.endpoints_ok, checks.accurate, via_field)
                    for g in truth.golds)
    required = _REQUIRED[via_field]
    complete = all(required <= set(block.order) for block in blocks)
    result.update(checks.to_dict())
    accurate = result.pop("accurate")
    result.update(
        blocks=len(blocks), unresolved=unresolved or None, map_score=map_score,
        format=1.0 if complete else 0.5, correct=float(accurate),
        parse_error=None if complete else "a block lacks a field the question asks for",
        detail_reward=detail_reward(lexicon, rides, origin, destination, gt["rides"]),
    )


def _first(response: str, read: Callable[[Answer], _T | None]) -> tuple[_T | None, Answer]:
    """The first answer candidate `read` can read, and what it read."""
    for candidate in answer_candidates(response):
        found = read(candidate)
        if found is not None:
            return found, candidate
    return None, Answer("", "none")


def _long_whole(candidate: Answer) -> bool:
    """A whole reply too long to be the answer itself (a detail answer outside any box or marker)."""
    return candidate.source == "whole" and len(candidate.text) > _SHORT_WHOLE_ANSWER


def _is_short(candidate: Answer) -> bool:
    """Whether a candidate is the answer itself: explicit, or a reply short enough to be nothing else."""
    return candidate.source in _EXPLICIT or len(candidate.text) <= _SHORT_WHOLE_ANSWER


def _record(result: dict[str, Any], used: Answer, kind: str, predicted: object) -> None:
    """The answer read (format 1 when explicit, 0.5 otherwise), or the parse error when none was."""
    result.update(answer_source=used.source, predicted=predicted)
    if predicted is None:
        result.update(format=0.0, correct=0.0, parse_error=f"no readable {kind.replace('_', '/')} answer found")
    else:
        result["format"] = 1.0 if used.source in _EXPLICIT else 0.5


def _score_detail(gt: DetailTruth, response: str, result: dict[str, Any]) -> None:
    given: Mapping[str, Any] = gt  # only the format is checked: a lexicon is used wherever one is given
    lexicon = compile_lexicon(given["lexicon"], given.get("lexicon_id")) if "lexicon" in given else None
    result.update(expected=gt["value"], detail_reward=0.0, detail_reward_max=0.0)

    def read(candidate: Answer) -> str | int | None:
        return None if _long_whole(candidate) else detail_answer.read(candidate.text, gt, lexicon)

    predicted, used = _first(response, read)
    _record(result, used, gt["kind"], predicted)
    if predicted is not None:
        result["correct"] = float(predicted == gt["value"])


def _score_point(gt: PointTruth, response: str, result: dict[str, Any]) -> None:
    """Distance to the gold point in marker radii; correct on the marker (see `pixel_score`)."""
    size, coords = (gt["size"][0], gt["size"][1]), gt["coords"]
    radius = max(gt["radius"], pixel_score.rounding(size, coords))
    result.update(expected=gt["point"], detail_reward=0.0, detail_reward_max=float(DETAIL_CAP))
    point, used = _first(response, lambda c: coordinates_answer.read_point(c.text, size, coords, _is_short(c)))
    _record(result, used, "point", None if point is None else list(point))
    if point is None:
        return
    d = math.dist(point, gt["point"])
    result.update(correct=float(d <= radius), distance_radii=d / radius,
                  detail_reward=dense_detail_reward(pixel_score.point_dense(d, radius)))


def _score_box(gt: BoxTruth, response: str, result: dict[str, Any]) -> None:
    """IoU with the gold box (0 when no box is read); correct from IOU_CORRECT (see `pixel_score`)."""
    size, coords = (gt["size"][0], gt["size"][1]), gt["coords"]
    result.update(expected=gt["box"], detail_reward=0.0, detail_reward_max=float(DETAIL_CAP), iou=0.0)
    box, used = _first(response, lambda c: coordinates_answer.read_box(c.text, size, coords, _is_short(c)))
    _record(result, used, "box", None if box is None else list(box))
    if box is None:
        return
    gold = gt["box"]
    overlap = pixel_score.iou(box, (gold[0], gold[1], gold[2], gold[3]))
    result.update(correct=float(overlap >= pixel_score.IOU_CORRECT), iou=overlap,
                  detail_reward=dense_detail_reward(pixel_score.box_dense(overlap)))


def _score_lines(gt: LinesTruth, response: str, result: dict[str, Any]) -> None:
    """The set of lines named against the gold set: correct iff equal, dense by Jaccard (see `lines_answer`)."""
    lexicon = compile_lexicon(gt["lexicon"], gt.get("lexicon_id"))
    result.update(expected=gt["value"], detail_reward=0.0, detail_reward_max=float(DETAIL_CAP))

    def read(candidate: Answer) -> lines_answer.LinesAnswer | None:
        return None if _long_whole(candidate) else lines_answer.read(candidate.text, lexicon)

    answer, used = _first(response, read)
    _record(result, used, "lines", None if answer is None else answer.lines)
    if answer is None:
        return
    result.update(correct=float(lines_answer.is_correct(answer, gt["value"])), unresolved=answer.unresolved or None,
                  detail_reward=dense_detail_reward(lines_answer.jaccard(answer, gt["value"])))
