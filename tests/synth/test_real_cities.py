"""Every real city's network re-drawn from its topology alone, then rebuilt from the drawing's annotation."""

from __future__ import annotations

import json

import pytest

from curation.cities import city_slugs, load_city
from curation.network.build import build_network
from curation.synth.make import render_city
from curation.synth.render import RenderOptions
from tests.synth.test_roundtrip import markers_on_pixels, rides

REAL = [s for s in city_slugs() if s != "demo"]
SMALL = RenderOptions(scale=0.5)


@pytest.mark.parametrize("slug", REAL)
def test_every_real_city_is_drawn_and_rebuilt_from_its_map(data_root, tmp_path, slug):
    city = load_city(slug)
    network = build_network(city, data_root).network
    result = render_city(city, network, tmp_path, options=SMALL)
    assert result.kind == "rerendered" and result.stats["marker_crossings"] == 0
    rebuilt = build_network(load_city(slug, tmp_path / "cities"), tmp_path / "data")
    assert rebuilt.ok, [f.message for f in rebuilt.report.errors]
    assert [f.code for f in rebuilt.report.findings if f.severity != "info"] == []
    assert rides(rebuilt.network) == rides(network)
    assert sorted(rebuilt.network.stations) == sorted(network.stations)
    markers_on_pixels(result.written.map, result.written.annotation)


@pytest.mark.parametrize("slug", ["hangzhou", "new_york", "lisboa"])
def test_renamed_maps_keep_the_topology_and_none_of_the_names(data_root, tmp_path, slug):
    city = load_city(slug)
    network = build_network(city, data_root).network
    old_names = {n for s in network.stations.values() for n in (*s.names.values(), *s.aliases)}
    old_names |= {n for line in network.lines.values() for n in line.names.values()}
    result = render_city(city, network, tmp_path, rename=True, seed=3, options=SMALL)
    assert result.kind == "renamed" and result.written.slug != slug
    annotation = json.loads(result.written.annotation.read_text(encoding="utf-8"))
    printed = {label["text"] for s in annotation["stations"] for label in s["labels"].values()}
    printed |= {n for line in annotation["lines"] for n in line["names"].values()}
    assert printed and not printed & old_names
    manifest = result.written.manifest.read_text(encoding="utf-8")
    assert 'kind = "renamed"' in manifest and f'derived_from = "{slug}"' in manifest
    rebuilt = build_network(load_city(result.written.slug, tmp_path / "cities"), tmp_path / "data")
    assert rebuilt.ok and [f.code for f in rebuilt.report.findings if f.severity != "info"] == []
    assert shape(rebuilt.network) == shape(network)


def shape(network) -> list[tuple]:
    """Each line's ride lengths and loop flag: what a renaming must keep."""
    return sorted((line.loop, *sorted(len(v) for v in line.variants)) for line in network.lines.values())
