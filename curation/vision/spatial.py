"""Greedy suppression over a spatial index: duplicates (a text read in two tiles, one marker found twice) kept once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import shapely

from curation.annotations.model import Box


def keep_first(extents: Sequence[Box], clash: Callable[[int, int], bool]) -> list[int]:
    """The indices kept of items given best first: each is kept unless it `clash`es with a kept item before it.

    Only items whose `extents` meet are compared (an STRtree, not every pair), so two items that clash must have
    meeting extents."""
    tree = shapely.STRtree([shapely.box(*extent) for extent in extents])
    kept = np.zeros(len(extents), dtype=bool)
    for i, extent in enumerate(extents):
        kept[i] = not any(clash(i, j) for j in tree.query(shapely.box(*extent)).tolist() if kept[j])
    return [int(i) for i in np.flatnonzero(kept)]
