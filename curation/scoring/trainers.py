"""Reward entry points that RL trainers call as they are, working from the ground truth in the row.

verl — point `custom_reward_function.path` at this file and `name` at `compute_score`:
    compute_score(data_source, solution_str, ground_truth, extra_info=None, **reward_kwargs)
returns `{"score": R, "format": …, "accuracy": …, "detail": …, "map_score": …}` (floats only;
verl logs the extra keys).

EasyR1 — a batch reward function (`reward_type: batch`, `name` `compute_score_batch`):
    compute_score_batch(reward_inputs, **reward_kwargs)
takes dicts with `response` and `ground_truth` and returns one `{overall, format, accuracy}` per
response.

The score is RewardMap's released reward, R = W · (10 · correct + 0.5 · detail) with the detail
reward at most 10 and W 1.0 – 2.0, plus W · format (0 – 1): 11 W for a right detail answer, 14 W – 16 W
for a right route, 16 W for a right point, box or lines answer, whose detail reward is 10 × how close it
comes (a point beyond the marker, a box short of IoU 0.5 and a partial set of lines still earn some;
see `curation.scoring.reward`). `reward_kwargs` override `RewardConfig` (alpha,
format_weight, correctness_weight, weighted, require_optimal). The ground truth is the dict
`curation.scoring.ground_truth.ground_truth` builds from a question record and its city's lexicon,
or its JSON text (`ground_truth.dumps`).
"""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache
from typing import Any

from curation.scoring.ground_truth import GroundTruth
from curation.scoring.reward import RewardConfig
from curation.scoring.scorer import score

_CONFIG_FIELDS = {f.name for f in fields(RewardConfig)}


@lru_cache(maxsize=64)
def _config(items: tuple[tuple[str, Any], ...]) -> RewardConfig:
    unknown = sorted(k for k, _ in items if k not in _CONFIG_FIELDS)
    if unknown:
        raise TypeError(f"unknown reward option(s) {', '.join(unknown)}; known: {', '.join(sorted(_CONFIG_FIELDS))}")
    return RewardConfig(**dict(items))


def compute_score(data_source: str | None, solution_str: str, ground_truth: GroundTruth | dict[str, Any] | str,
                  extra_info: dict[str, Any] | None = None, **reward_kwargs: Any) -> dict[str, float]:
    """verl-style reward of one response (see the module docstring)."""
    result = score(ground_truth, solution_str, _config(tuple(sorted(reward_kwargs.items()))))
    map_max = result["map_score_max"]
    return {
        "score": float(result["reward"]),
        "format": float(result["format"]),
        "accuracy": float(result["correct"]),
        "detail": float(result["detail_reward"]),
        "map_score": float(result["map_score"] / map_max) if map_max else 0.0,
    }


def compute_score_batch(reward_inputs: list[dict[str, Any]], **reward_kwargs: Any) -> list[dict[str, float]]:
    """EasyR1-style batch reward: `{overall, format, accuracy}` per response."""
    config = _config(tuple(sorted(reward_kwargs.items())))
    scores = []
    for item in reward_inputs:
        result = score(item["ground_truth"], item.get("response", ""), config)
        scores.append({"overall": float(result["reward"]), "format": float(result["format"]),
                       "accuracy": float(result["correct"])})
    return scores
