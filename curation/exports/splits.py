"""City-disjoint splits: every question of a city lands in the same split.

The default test cities are the ReasonMap benchmark's eleven; `test_cities` names others, or
`test_fraction` draws that share of the cities (rounded, at least one) with a seeded shuffle.
"""

from __future__ import annotations

import random

from curation.errors import MapcurateError

DEFAULT_TEST_CITIES = ("los_angeles", "miami", "toronto", "singapore", "auckland", "rome", "lisboa", "beijing",
                       "hangzhou", "budapest", "geneva")


def assign_splits(cities: list[str], *, test_cities: list[str] | None = None, test_fraction: float | None = None,
                  seed: int = 0) -> dict[str, str]:
    """City → `train` or `test`, for the cities present in the questions."""
    present = sorted(set(cities))
    if test_cities is not None and test_fraction is not None:
        raise MapcurateError("give --test-cities or --test-fraction, not both")
    if test_fraction is not None:
        if not 0 < test_fraction < 1:
            raise MapcurateError(f"--test-fraction must be between 0 and 1, but got {test_fraction}")
        shuffled = present[:]
        random.Random(seed).shuffle(shuffled)
        test = set(shuffled[:max(1, round(test_fraction * len(present)))])
    else:
        test = set(DEFAULT_TEST_CITIES if test_cities is None else test_cities)
        unknown = sorted(test - set(present)) if test_cities is not None else []
        if unknown:
            raise MapcurateError(f"--test-cities names cities without questions: {', '.join(unknown)}")
    if test_fraction is not None and len(test) == len(present) and len(present) > 1:
        raise MapcurateError(f"--test-fraction {test_fraction:g} leaves no city for train ({len(present)} cities)")
    return {city: "test" if city in test else "train" for city in present}
