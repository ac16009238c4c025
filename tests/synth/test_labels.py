"""Label placement as pure geometry: free places are found when they exist, overlaps are counted when not."""

from __future__ import annotations

import random
import time

import pytest

from curation.synth.labels import DIRECTIONS, LabelSpec, candidate_boxes, place_labels


def _marker(x: float, y: float, r: float = 6.0) -> tuple[float, float, float, float]:
    return x - r, y - r, x + r, y + r


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _touches_segment(box, p, q, half_width) -> bool:
    """A box grown by half_width meets an axis-parallel segment p–q."""
    x0, y0, x1, y1 = box[0] - half_width, box[1] - half_width, box[2] + half_width, box[3] + half_width
    sx0, sx1 = sorted((p[0], q[0]))
    sy0, sy1 = sorted((p[1], q[1]))
    return sx0 <= x1 and x0 <= sx1 and sy0 <= y1 and y0 <= sy1


def test_candidates_surround_the_marker_at_the_gap():
    spec = LabelSpec("a", _marker(100, 100), (40, 10))
    boxes = {name: box for name, box, _ in candidate_boxes(spec, gap=3)}
    assert set(boxes) == set(DIRECTIONS) | {d + "+" for d in DIRECTIONS}
    assert boxes["E"] == (109, 95, 149, 105)  # right of the marker, vertically centred
    assert boxes["W"] == (51, 95, 91, 105)
    assert boxes["N"][3] == 91 and boxes["S"][1] == 109
    for name, box in boxes.items():
        assert not _overlap(box, spec.anchor), name
    costs = {name: cost for name, _, cost in candidate_boxes(spec, gap=3)}
    assert min(costs, key=costs.get) == "E" and sorted(costs, key=costs.get)[1] == "W"


def test_labels_with_room_overlap_nothing_and_sit_east():
    specs = [LabelSpec(f"s{i}", _marker(200 * i, 300 * (i % 2)), (80, 14)) for i in range(12)]
    placement = place_labels(specs, [s.anchor for s in specs], [], 3, gap=3)
    assert placement.stats() == {"labels": 12, "label_overlaps": 0, "label_line_overlaps": 0, "labels_unplaced": 0}
    assert [p.direction for p in placement.labels] == ["E"] * 12
    assert [p.key for p in placement.labels] == [s.key for s in specs]


def test_a_label_leaves_its_line_when_it_can():
    # stations on a horizontal line: east and west lie on the stroke, so labels go above or below
    stroke = [(0.0, 100.0), (600.0, 100.0)]
    specs = [LabelSpec(f"s{i}", _marker(50 + 100 * i, 100), (70, 14)) for i in range(6)]
    placement = place_labels(specs, [s.anchor for s in specs], [stroke], 3, gap=3, clearance=4)
    assert placement.stats()["label_line_overlaps"] == 0 and placement.stats()["label_overlaps"] == 0
    for label in placement.labels:
        assert label.direction.rstrip("+") not in ("E", "W")
        assert not _touches_segment(label.box, *stroke, 3)
    for a in placement.labels:
        for b in placement.labels:
            assert a is b or not _overlap(a.box, b.box)


def test_a_dense_cluster_counts_its_overlaps_instead_of_hiding_them():
    specs = [LabelSpec(f"s{i}", _marker(100 + 3 * i, 100 + 2 * i, 2), (120, 20)) for i in range(25)]
    placement = place_labels(specs, [s.anchor for s in specs], [], 1, gap=2)
    stats = placement.stats()
    overlapping = {a.key for a in placement.labels for b in placement.labels
                   if a is not b and _overlap(a.box, b.box)}
    over_markers = {p.key for p in placement.labels if any(_overlap(p.box, s.anchor) for s in specs)}
    assert overlapping  # 25 long labels cannot fit around 25 nearly coincident markers
    assert stats["label_overlaps"] == len(overlapping | over_markers)
    assert stats["labels_unplaced"] == stats["label_overlaps"]
    for p in placement.labels:
        assert p.overlaps_labels == sum(1 for q in placement.labels if q is not p and _overlap(p.box, q.box))


def test_bounds_keep_every_label_inside():
    bounds = (0.0, 0.0, 300.0, 200.0)
    specs = [LabelSpec("left", _marker(5, 100), (90, 14)), LabelSpec("right", _marker(295, 100), (90, 14)),
             LabelSpec("top", _marker(150, 3), (90, 14)), LabelSpec("bottom", _marker(150, 197), (90, 14))]
    placement = place_labels(specs, [s.anchor for s in specs], [], 3, gap=3, bounds=bounds)
    for p in placement.labels:
        assert bounds[0] <= p.box[0] and p.box[2] <= bounds[2] and bounds[1] <= p.box[1] and p.box[3] <= bounds[3]
    assert placement.stats()["label_overlaps"] == 0


def test_annealing_improves_on_a_bad_greedy_start_and_is_seeded():
    rng = random.Random(1)
    specs = [LabelSpec(f"s{i:03d}", _marker(rng.uniform(0, 900), rng.uniform(0, 900)), (rng.uniform(40, 110), 14))
             for i in range(250)]
    markers = [s.anchor for s in specs]
    strokes = [[(0.0, y), (900.0, y)] for y in range(50, 900, 150)]
    greedy = place_labels(specs, markers, strokes, 3, gap=3, seed=0, max_moves=0)
    annealed = place_labels(specs, markers, strokes, 3, gap=3, seed=0)
    again = place_labels(specs, markers, strokes, 3, gap=3, seed=0)
    assert annealed == again
    assert annealed.stats()["labels_unplaced"] < greedy.stats()["labels_unplaced"]


@pytest.mark.parametrize("n", [400])
def test_four_hundred_labels_place_in_bounded_moves(n):
    side = 20
    # rows of stations on horizontal lines: every label must leave its line, and there is just room above/below
    specs = [LabelSpec(f"s{i:03d}", _marker(160 * (i % side), 48 * (i // side)), (70 + (i * 37) % 60, 14))
             for i in range(n)]
    strokes = [[(0.0, 48.0 * r), (160.0 * (side - 1), 48.0 * r)] for r in range(n // side)]
    start = time.perf_counter()
    placement = place_labels(specs, [s.anchor for s in specs], strokes, 3, gap=3, clearance=4)
    seconds = time.perf_counter() - start
    print(f"{n} labels placed in {seconds:.2f} s: {placement.stats()}")
    assert len(placement.labels) == n
    assert placement.stats()["labels_unplaced"] == 0


def test_a_label_nearer_another_marker_is_ambiguous():
    from curation.synth.labels import ambiguous_labels

    own, other = (0.0, 0.0, 10.0, 10.0), (40.0, 0.0, 50.0, 10.0)
    beside_own = ((12.0, 0.0, 30.0, 10.0), own)  # 2 px from its marker, 10 from the other
    beside_other = ((22.0, 0.0, 38.0, 10.0), own)  # 12 px from its marker, 2 from the other
    assert ambiguous_labels([beside_own], [own, other]) == 0
    assert ambiguous_labels([beside_other], [own, other]) == 1
    assert ambiguous_labels([beside_other], [own]) == 0
