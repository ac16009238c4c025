"""City-disjoint splits keep a drawn copy of a real network in the split of the city it was drawn from."""

from __future__ import annotations

import pytest

from curation.errors import MapcurateError
from curation.exports.splits import assign_splits


def test_default_test_cities_and_their_drawn_copies_go_to_test():
    cities = ["hangzhou", "dalian", "velmora", "kellstow"]
    splits = assign_splits(cities, derived_from={"velmora": "hangzhou"})
    assert splits == {"hangzhou": "test", "velmora": "test", "dalian": "train", "kellstow": "train"}
    # the renamed copy follows its source even when the source itself is not exported
    assert assign_splits(["velmora", "dalian"], derived_from={"velmora": "hangzhou"})["velmora"] == "test"


def test_naming_a_copy_moves_its_source_too():
    splits = assign_splits(["new_york", "halham", "oslo"], test_cities=["halham"], derived_from={"halham": "new_york"})
    assert splits == {"new_york": "test", "halham": "test", "oslo": "train"}


@pytest.mark.parametrize("seed", range(5))
def test_a_test_fraction_draws_whole_networks(seed):
    cities = ["a", "b", "c", "d", "a2", "b2"]
    splits = assign_splits(cities, test_fraction=0.5, seed=seed, derived_from={"a2": "a", "b2": "b"})
    assert splits["a"] == splits["a2"] and splits["b"] == splits["b2"]
    assert set(splits.values()) == {"train", "test"}


def test_a_fraction_that_leaves_no_training_network_is_refused():
    with pytest.raises(MapcurateError, match="leaves no city for train"):
        assign_splits(["a", "a2", "b"], test_fraction=0.9, derived_from={"a2": "a"})
