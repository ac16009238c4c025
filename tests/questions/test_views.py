"""A view is checked on construction: it must be a view of its map that an export can render in bounded memory."""

import json

import pytest

from curation.questions.views import MAX_VIEW_PIXELS, Mark, View, window_around


def view(**changes) -> dict:
    data = {"map_size": [1000, 800], "window": [100, 100, 500, 400], "size": [400, 300],
            "marks": [{"center": [300.0, 250.0], "radius": 12.0, "color": "#FF00FF"}]}
    return {**data, **changes}


def test_a_valid_view_round_trips():
    parsed = View.from_dict(view())
    assert parsed.to_dict() == view() and View.from_dict(json.loads(parsed.to_json())) == parsed
    assert parsed.to_shown((300.0, 250.0)) == (200.0, 150.0) and parsed.scale == 1.0


@pytest.mark.parametrize(("changes", "says"), [
    ({"window": [0, 0, 1001, 800]}, "window must lie inside"),
    ({"window": [500, 100, 100, 400]}, "window must lie inside"),
    ({"size": [100000, 100000]}, "size must be at least 1 × 1 and at most 12845056 pixels"),
    ({"size": [20000000, 1]}, "size must be at least 1 × 1 and at most"),
    ({"size": [4000, 1]}, "size must keep the window's aspect"),
    ({"size": [400, 100]}, "size must keep the window's aspect"),
    ({"size": [0, 300]}, "size must be at least"),
    ({"marks": [{"center": [300.0, 250.0], "radius": 1e12}]}, "marks.0 must be centred on the map"),
    ({"marks": [{"center": [5000.0, 250.0], "radius": 3}]}, "marks.0 must be centred on the map"),
    ({"marks": [{"center": [300.0, 250.0], "radius": 0}]}, "marks.0 must be centred on the map"),
    ({"marks": [{"center": [300.0, 250.0], "radius": 4, "color": "red"}]}, "marks.0.color must be #RRGGBB"),
    ({"window": [100.5, 100, 500, 400]}, "window must be 4 whole numbers"),
    ({"size": [True, 300]}, "size must be 2 whole numbers"),
])
def test_what_is_no_view_of_its_map_is_refused_with_what_is_wrong(changes, says):
    with pytest.raises(ValueError, match=says):
        View.from_dict(view(**changes))


def test_views_made_for_questions_stay_within_the_pixel_budget():
    huge = View.of((14032, 19843))
    assert huge.size[0] * huge.size[1] <= MAX_VIEW_PIXELS and huge.size[0] < 14032
    marked = View.of((854, 656), marks=(Mark((10.0, 10.0), 5.0),))
    assert marked.size == (854, 656) and not marked.is_whole_map and View.of((854, 656)).is_whole_map
    assert window_around((5.0, 5.0), 100, (854, 656)) == (0, 0, 100, 100)
    assert window_around((850.0, 650.0), 100, (854, 656)) == (754, 556, 854, 656)
