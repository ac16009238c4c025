"""`mapcurate render`: draw a procedural network or any canonical network and write it as a city.

Both paths end the same way: a network and its octilinear `Layout` are drawn by the renderer, which
returns the PNG and its exact annotation, and `curation.synth.city.write_city` writes manifest,
station list, map and annotation under the output folder.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from curation.annotations.model import Annotation
from curation.cities import City, check_slug
from curation.names import slugify
from curation.network.annotations import import_annotation
from curation.network.crosscheck import ride_key
from curation.network.model import Network
from curation.synth.city import GENERATOR, CityIdentity, WrittenCity, check_target, write_city
from curation.synth.geometry import Layout
from curation.synth.layout import layout_network
from curation.synth.names import city_name, rename_network
from curation.synth.procedural import NetworkSpec, generate_network
from curation.synth.render import RenderError, RenderOptions, render_map

SYNTHETIC_LICENSE = "CC0-1.0"


@dataclass(frozen=True)
class RenderResult:
    """A rendered city: where its files are, its network, what kind of map it is and the drawing's figures."""

    written: WrittenCity
    network: Network
    kind: str
    stats: dict[str, Any]


def render_synthetic(out: Path, seed: int, spec: NetworkSpec, options: RenderOptions | None = None,
                     slug: str | None = None) -> RenderResult:
    """Generate a network from `seed` and `spec`, draw it and write it as a city under `out`."""
    names = _city_names(seed, spec.language)
    slug = check_slug(slug) if slug is not None else slugify(names["en"]).replace("-", "_")
    languages = ["zh", "en"] if spec.language == "zh" else ["en"]
    identity = CityIdentity(slug=slug, names=names, country="synthetic", languages=languages,
                            station_language=spec.language, license=SYNTHETIC_LICENSE)
    check_target(out, identity, {"kind": "synthetic", "seed": seed})
    network, layout = generate_network(seed, spec, city=slug)
    network = replace(network, city_names=dict(names), languages=list(languages), country="synthetic")
    return _draw(out, identity, network, layout, options, {"kind": "synthetic", "seed": seed,
                                                           "parameters": {"network": _plain(asdict(spec))}})


def render_city(city: City, network: Network, out: Path, *, rename: bool = False, seed: int = 0,
                options: RenderOptions | None = None) -> RenderResult:
    """Lay out and draw a real city's canonical network (no coordinates needed), renamed if asked."""
    kind = "renamed" if rename else "synthetic" if city.synthetic else "rerendered"
    if rename:
        network, _ = rename_network(network, seed)
        names = _city_names(seed, city.station_language)
        slug = slugify(names["en"]).replace("-", "_")
        identity = CityIdentity(slug=slug, names=names, country="synthetic", languages=list(city.languages),
                                station_language=city.station_language, license=_license(city))
    else:
        identity = CityIdentity(slug=city.slug, names=dict(city.names), country=city.country,
                                languages=list(city.languages), station_language=city.station_language,
                                license=_license(city), upstream=city.sources["stations"].upstream
                                if "stations" in city.sources else None)
    check_target(out, identity, {"kind": kind, "seed": seed, "derived_from": city.slug})
    network = replace(network, city=identity.slug, city_names=dict(identity.names))
    return _draw(out, identity, network, layout_network(network, seed),
                 options, {"kind": kind, "seed": seed, "derived_from": city.slug})


def _draw(out: Path, identity: CityIdentity, network: Network, layout: Layout, options: RenderOptions | None,
          rendered: dict[str, Any]) -> RenderResult:
    options = options or RenderOptions()
    languages = tuple(lang for lang in (identity.station_language, "en") if any(
        lang in s.names for s in network.stations.values()))
    options = RenderOptions(**{**asdict(options), "languages": tuple(dict.fromkeys(languages))})
    drawn = render_map(network, layout, f"{identity.slug}.png", options)
    _check_round_trip(identity, network, drawn.annotation)
    rendered = {**rendered, "generator": GENERATOR, "stats": _plain(drawn.stats)}
    rendered.setdefault("parameters", {})["render"] = _plain(asdict(options))
    written = write_city(out, identity, network, drawn.png, drawn.annotation, rendered)
    return RenderResult(written=written, network=network, kind=rendered["kind"], stats=dict(drawn.stats))


def _check_round_trip(identity: CityIdentity, network: Network, annotation: Annotation) -> None:
    """The drawing must read back as the network drawn: at too small a size markers and lines merge."""
    city = City(slug=identity.slug, folder=Path(identity.slug), country=identity.country, names=identity.names,
                languages=identity.languages, station_language=identity.station_language, sources={})
    back, findings = import_annotation(city, annotation)
    drawn = {lid: sorted(ride_key(v, line.loop) for v in line.variants) for lid, line in network.lines.items()}
    read = {lid: sorted(ride_key(v, line.loop) for v in line.variants) for lid, line in back.lines.items()}
    if read != drawn or any(f.severity == "error" for f in findings):
        wrong = sorted(lid for lid in drawn if read.get(lid) != drawn[lid])
        raise RenderError(f"at this size the drawing does not show the network: {len(wrong)} lines read back with "
                          f"other stops ({', '.join(wrong[:3])}); use a larger --megapixels or --scale")


def _city_names(seed: int, language: str) -> dict[str, str]:
    return city_name(random.Random(f"city-name:{seed}"), language)


def _license(city: City) -> str:
    source = city.sources.get("stations") or next(iter(city.sources.values()))
    return source.license or "unknown"


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """TOML-ready values: tuples as lists, None dropped."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items() if v is not None}
