"""RewardMap-style reward: R = W · (R_format + R_correctness + α · R_detail).

- W: the question's `reward_weight` (map weight 1.0 / 1.2 / 1.5, + 0.5 for a route question that
  needs a transfer); `RewardConfig.weighted = False` makes W = 1.
- R_format ∈ [0, 1]: 1 for a well-formed final answer (a boxed detail answer; route blocks with
  every field the question asks for), 0.5 for a readable but ill-formed one, 0 for none.
- R_correctness ∈ {0, 1}: the answer is right (routes: the benchmark's accuracy rule, or with
  `require_optimal` also optimal).
- R_detail ∈ [0, 10], route questions only (reference §5, without the published off-by-one):
  +2 if both endpoints are right; per block +4 for a line serving both endpoints when no
  transfer is needed, else +3 for a real line; +1 when both stops are on that line and the
  block hands over to the next one (the last block has no next one, so it only needs its stops
  on its line); −5 per block beyond the rides needed; then clamped to [0, 10].
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.scoring.lexicon import CompiledLexicon
from curation.scoring.route_score import Ride

DETAIL_ENDPOINTS, DETAIL_DIRECT_LINE, DETAIL_REAL_LINE, DETAIL_STOPS = 2, 4, 3, 1
DETAIL_EXTRA_BLOCK, DETAIL_CAP = -5, 10


@dataclass(frozen=True)
class RewardConfig:
    """Reward knobs; the defaults follow RewardMap."""

    alpha: float = 0.5
    format_weight: float = 1.0
    correctness_weight: float = 1.0
    weighted: bool = True
    require_optimal: bool = False


def detail_reward(lexicon: CompiledLexicon, rides: list[Ride], origin: int, destination: int,
                  needed: int) -> float:
    """R_detail of a route answer (see the module docstring)."""
    if not rides:
        return 0.0
    total = DETAIL_ENDPOINTS if rides[0].departure == origin and rides[-1].arrival == destination else 0
    for i, ride in enumerate(rides):
        if ride.line is None:
            continue
        members = lexicon.line_members[ride.line]
        direct = needed == 1 and origin in members and destination in members
        total += DETAIL_DIRECT_LINE if direct else DETAIL_REAL_LINE
        hands_over = i + 1 == len(rides) or ride.arrival == rides[i + 1].departure
        if ride.departure in members and ride.arrival in members and hands_over:
            total += DETAIL_STOPS
    total += DETAIL_EXTRA_BLOCK * max(0, len(rides) - needed)
    return float(min(max(total, 0), DETAIL_CAP))


def combine(config: RewardConfig, weight: float, format_score: float, correct: bool, detail: float) -> float:
    """R = W · (w_f·R_format + w_c·R_correctness + α·R_detail)."""
    w = weight if config.weighted else 1.0
    terms = config.format_weight * format_score + config.correctness_weight * float(correct) + config.alpha * detail
    return w * terms
