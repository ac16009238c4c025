"""City-disjoint splits: every question of a city lands in the same split.

The default test cities are the ReasonMap benchmark's eleven; `test_cities` names others, or
`test_fraction` draws that share of the cities (rounded, at least one) with a seeded shuffle.
A map mapcurate drew of a real city's network (`derived_from`, renamed or not) goes where that city
goes, so one network never sits in both splits under two names.
"""

from __future__ import annotations

import random

from curation.errors import MapcurateError

DEFAULT_TEST_CITIES = ("los_angeles", "miami", "toronto", "singapore", "auckland", "rome", "lisboa", "beijing",
                       "hangzhou", "budapest", "geneva")


def assign_splits(cities: list[str], *, test_cities: list[str] | None = None, test_fraction: float | None = None,
                  seed: int = 0, derived_from: dict[str, str] | None = None) -> dict[str, str]:
    """City → `train` or `test`, for the cities present in the questions (drawn copies with their source)."""
    present = sorted(set(cities))
    network = {city: (derived_from or {}).get(city) or city for city in present}
    groups = sorted(set(network.values()))
    if test_cities is not None and test_fraction is not None:
        raise MapcurateError("give --test-cities or --test-fraction, not both")
    if test_fraction is not None:
        if not 0 < test_fraction < 1:
            raise MapcurateError(f"--test-fraction must be between 0 and 1, but got {test_fraction}")
        shuffled = groups[:]
        random.Random(seed).shuffle(shuffled)
        test = set(shuffled[:max(1, round(test_fraction * len(groups)))])
        if len(test) == len(groups) and len(groups) > 1:
            raise MapcurateError(f"--test-fraction {test_fraction:g} leaves no city for train ({len(present)} cities)")
    else:
        named = set(DEFAULT_TEST_CITIES if test_cities is None else test_cities)
        unknown = sorted(named - set(present)) if test_cities is not None else []
        if unknown:
            raise MapcurateError(f"--test-cities names cities without questions: {', '.join(unknown)}")
        test = {network[city] for city in present if city in named} | (named & set(groups))
    return {city: "test" if network[city] in test else "train" for city in present}
