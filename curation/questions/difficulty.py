"""Difficulty labels and weights, from documented rules (see `schemas/question.schema.json`).

Question difficulty: transfers on the optimal route — 0 easy, 1 medium, 2 or more hard.
Map difficulty, from the canonical network's transfer stations (stations served by two or more
lines) and lines: easy with at most EASY_MAX_TRANSFER_STATIONS transfer stations; hard with at
least HARD_MIN_TRANSFER_STATIONS and at least HARD_MIN_LINES lines; middle otherwise. On the 30
ReasonMap cities this splits 10 / 10 / 10 (the gaps are 6 → 7 and 24 → 28 transfer stations).
"""

from __future__ import annotations

from curation.network.model import Network

QUESTION_LEVELS = ("easy", "medium", "hard")
MAP_LEVELS = ("easy", "middle", "hard")

EASY_MAX_TRANSFER_STATIONS = 6
HARD_MIN_TRANSFER_STATIONS = 25
HARD_MIN_LINES = 5

# RewardMap's reward weight W: by map level, plus a bonus for route questions that need a transfer.
REWARD_MAP_WEIGHT = (1.0, 1.2, 1.5)
REWARD_TRANSFER_BONUS = 0.5


def question_level(transfers: int) -> int:
    """0 easy, 1 medium, 2 hard."""
    return min(transfers, 2)


def map_level(network: Network) -> int:
    """0 easy, 1 middle, 2 hard."""
    transfer_stations, lines = len(network.transfer_stations), len(network.lines)
    if transfer_stations <= EASY_MAX_TRANSFER_STATIONS:
        return 0
    if transfer_stations >= HARD_MIN_TRANSFER_STATIONS and lines >= HARD_MIN_LINES:
        return 2
    return 1


def scoring_weight(question: int | None, map_: int) -> float:
    """ReasonMap's weight 1 + 0.5·q + 0.5·m; detail questions (no q) weigh by the map alone."""
    return 1.0 + 0.5 * (question or 0) + 0.5 * map_


def reward_weight(map_: int, transfers: int | None) -> float:
    """RewardMap's W: map weight, + 0.5 for a route question that needs a transfer."""
    return REWARD_MAP_WEIGHT[map_] + (REWARD_TRANSFER_BONUS if transfers else 0.0)
