"""RewardMap's reward, as released: R = W · (w_c · R_correctness + α · R_detail) + W · w_f · R_format.

Defaults reproduce the released `reason_map.py` (w_c = 10, α = 0.5, R_detail ≤ 10, W as below), with
its off-by-one fixed and a small format term added:

- W: the question's `reward_weight` (map weight 1.0 / 1.2 / 1.5, + 0.5 for a route question that
  needs a transfer); `RewardConfig.weighted = False` makes W = 1.
- R_correctness ∈ {0, 1}: the answer is right (routes: the benchmark's accuracy rule, or with
  `require_optimal` also optimal); worth `correctness_weight` = 10 points.
- R_detail of a route question: 0 unless the first
  departure and the last arrival are the question's stations; then +2, and per block: on a question
  needing one ride, +4 if the block's line serves both stations (else nothing); on a question
  needing a transfer, +3 for a real line; +1 for each hand-over the route needs (a block that is not
  the last and not beyond the transfers needed, whose stops are on its line and whose arrival is the
  next block's departure); −5 for each block beyond the rides needed. Capped at DETAIL_CAP = 10,
  not clamped below (extra blocks can make it negative, as released). The gold route earns 6 (one
  ride), 9 (one transfer) or 10.
- R_detail of a perception question whose answer is a point, a box or a set of lines (not in the
  released reward, which has none): DETAIL_CAP × its dense score in [0, 1] (`pixel_score`,
  `lines_answer`) — 10 on the station's marker, exp(−(d − r) / 2r) · 10 at distance d beyond a
  marker of radius r (6.1 one radius off its edge); min(1, IoU / 0.5) · 10 for a box; 10 × the
  Jaccard index for lines. Every other detail question: 0, as released.
- The off-by-one: the released code charges −5 from the block whose index equals the transfer count,
  that is, the last block of a right-sized route too (a right one-ride answer scores 2 + 4 − 5 = 1).
  Here only blocks beyond the rides needed are charged, so R_detail is the released one + 5 (up to
  the cap) whenever the endpoints are right and the answer has at least as many blocks as rides
  needed, and equal to it otherwise.
- R_format ∈ [0, 1] (not in the released reward): 1 for a well-formed final answer (a boxed detail
  answer; route blocks with every field the question asks for), 0.5 for a readable but ill-formed
  one, 0 for none; weighted by `format_weight` = 1, at most a tenth of correctness.

A gold answer earns W · (1 + 10 + 0.5 · R_detail) = 11 W on a detail question, 16 W on a point, box or
lines question and 14 W – 16 W on a route question; a wrong one at most W · (1 + 5) (a point just off
the marker, a box just short of IoU 0.5): under the defaults no wrong answer earns more than two
fifths of its question's gold reward.
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.scoring.lexicon import CompiledLexicon
from curation.scoring.route_score import Ride

DETAIL_ENDPOINTS, DETAIL_DIRECT_LINE, DETAIL_REAL_LINE, DETAIL_HANDOVER = 2, 4, 3, 1
DETAIL_EXTRA_BLOCK, DETAIL_CAP = -5, 10


@dataclass(frozen=True)
class RewardConfig:
    """Reward knobs; the defaults reproduce RewardMap's released reward (plus the format term)."""

    alpha: float = 0.5
    format_weight: float = 1.0
    correctness_weight: float = 10.0
    weighted: bool = True
    require_optimal: bool = False


def detail_reward(lexicon: CompiledLexicon, rides: list[Ride], origin: int, destination: int,
                  needed: int) -> float:
    """R_detail of a route answer (see the module docstring); `needed` is the number of rides."""
    if not rides or rides[0].departure != origin or rides[-1].arrival != destination:
        return 0.0
    total = DETAIL_ENDPOINTS
    for i, ride in enumerate(rides):
        if i >= needed:
            total += DETAIL_EXTRA_BLOCK
        if ride.line is None:
            continue
        members = lexicon.line_members[ride.line]
        if needed == 1:
            total += DETAIL_DIRECT_LINE if origin in members and destination in members else 0
        else:
            total += DETAIL_REAL_LINE
        if (i + 1 < min(len(rides), needed) and ride.departure in members and ride.arrival in members
                and lexicon.hands_over(ride.arrival, rides[i + 1].departure)):  # a complex's walk counts
            total += DETAIL_HANDOVER
    return float(min(total, DETAIL_CAP))


def dense_detail_reward(dense: float) -> float:
    """R_detail of a point, box or lines answer: DETAIL_CAP × its dense score in [0, 1]."""
    return DETAIL_CAP * dense


def combine(config: RewardConfig, weight: float, format_score: float, correct: bool, detail: float) -> float:
    """R = W · (w_f·R_format + w_c·R_correctness + α·R_detail)."""
    w = weight if config.weighted else 1.0
    terms = config.format_weight * format_score + config.correctness_weight * float(correct) + config.alpha * detail
    return w * terms
