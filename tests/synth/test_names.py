"""Generated names: unique, deterministic, in the right script; renaming real networks."""

from __future__ import annotations

import random
import re

import pytest

from curation.cities import load_city
from curation.errors import MapcurateError
from curation.names import match_key, slugify
from curation.network.build import build_network
from curation.network.validate import validate_network
from curation.synth.names import NameGenerator, city_name, line_id, numbered_line_names, rename_network
from curation.synth.procedural import NetworkSpec, generate_network

LATIN = re.compile(r"[A-Z][a-z]+( [A-Z][a-z]+){0,2}")
CHINESE = re.compile(r"[\u4e00-\u9fff]{2,4}")


@pytest.mark.parametrize(("language", "pattern"), [("en", LATIN), ("zh", CHINESE)])
def test_two_thousand_names_are_unique_as_text_and_slug(language: str, pattern: re.Pattern[str]) -> None:
    names = NameGenerator(random.Random(1), language).stations(2000)
    assert len({match_key(n) for n in names}) == 2000
    assert len({slugify(n) for n in names}) == 2000
    assert all(pattern.fullmatch(n) for n in names), [n for n in names if not pattern.fullmatch(n)][:5]
    if language == "en":
        lengths = {len(n.split()) for n in names}
        assert lengths == {1, 2, 3}
    else:
        assert {len(n) for n in names} >= {2, 3, 4}
        assert not any(n.endswith("站") or len(set(n)) < len(n) for n in names)


def test_generators_are_deterministic_per_seed() -> None:
    for language in ("en", "zh"):
        first = NameGenerator(random.Random(5), language).stations(50)
        assert first == NameGenerator(random.Random(5), language).stations(50)
        assert first != NameGenerator(random.Random(6), language).stations(50)
    assert city_name(random.Random(3), "zh") == city_name(random.Random(3), "zh")


def test_avoided_names_are_never_drawn() -> None:
    taken = NameGenerator(random.Random(2), "en").stations(300)
    fresh = NameGenerator(random.Random(2), "en", avoid=taken).stations(300)
    assert not {match_key(n) for n in fresh} & {match_key(n) for n in taken}


def test_unknown_language_is_refused() -> None:
    with pytest.raises(MapcurateError, match="`language` must be"):
        NameGenerator(random.Random(0), "fr")


def test_city_and_line_names() -> None:
    assert LATIN.fullmatch(city_name(random.Random(9))["en"])
    city = city_name(random.Random(9), "zh")
    assert CHINESE.fullmatch(city["zh"]) and city["en"] == slugify(city["zh"]).replace("-", "").title()
    assert numbered_line_names(3, ["zh", "en"]) == {"en": "Line 3", "zh": "3号线"}
    assert numbered_line_names(3, ["en"]) == {"en": "Line 3"}
    assert line_id({"en": "Red Line"}, []) == "red-line"
    assert line_id({"en": "Line 3"}, ["line-3"]) == "line-3-2"
    assert line_id({"en": "7"}, []) == "line-7"


def _check_renamed(original, renamed, mapping) -> None:
    old_station_names = {match_key(n) for s in original.stations.values() for n in s.names.values()}
    old_line_names = {match_key(n) for line in original.lines.values() for n in line.names.values()}
    new_station_names = [n for s in renamed.stations.values() for n in s.names.values()]
    new_line_names = [n for line in renamed.lines.values() for n in line.names.values()]
    assert not {match_key(n) for n in new_station_names} & (old_station_names | old_line_names)
    assert not {match_key(n) for n in new_line_names} & (old_station_names | old_line_names)
    assert len(set(new_station_names)) == len(new_station_names)
    assert sorted(mapping) == sorted([*original.stations, *original.lines])
    assert len(set(mapping.values())) == len(mapping)
    for sid, station in renamed.stations.items():
        assert sid == slugify(next(iter(station.names.values())))
    for old_id, line in original.lines.items():
        new = renamed.lines[mapping[old_id]]
        assert new.variants == [[mapping[s] for s in v] for v in line.variants]
        assert (new.loop, new.color) == (line.loop, line.color)
        assert set(new.names) == set(line.names)
    for old_id, station in original.stations.items():
        new = renamed.stations[mapping[old_id]]
        assert new.lines == sorted(mapping[lid] for lid in station.lines)
        assert new.marked_transfer == station.marked_transfer
    assert [f.code for f in validate_network(renamed) if f.severity == "error"] == []


@pytest.mark.parametrize("slug", ["hangzhou", "singapore", "new_york"])
def test_rename_real_network(data_root, slug: str) -> None:
    original = build_network(load_city(slug), data_root).network
    renamed, mapping = rename_network(original, seed=11)
    language = original.languages[0]
    assert all(set(s.names) == {language} for s in renamed.stations.values())
    pattern = CHINESE if language == "zh" else LATIN
    assert all(pattern.fullmatch(s.names[language]) for s in renamed.stations.values())
    _check_renamed(original, renamed, mapping)
    again, _ = rename_network(original, seed=11)
    assert again.to_dict() == renamed.to_dict()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_rename_procedural_network(language: str) -> None:
    original, _ = generate_network(4, NetworkSpec(lines=6, loops=1, branches=1, shared_track=1, language=language))
    renamed, mapping = rename_network(original, seed=2)
    _check_renamed(original, renamed, mapping)
