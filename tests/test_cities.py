import pytest

from curation.cities import check_slug, city_slugs, load_city
from curation.errors import ManifestError, SourceError, UnknownCityError
from tests.conftest import embedded_manifest

REASONMAP_CITIES = 30


def test_every_project_manifest_loads_and_names_its_sources():
    slugs = city_slugs()
    assert "demo" in slugs and len(slugs) == REASONMAP_CITIES + 1
    for slug in slugs:
        city = load_city(slug)
        assert city.names["en"]
        if not city.synthetic:
            stations = city.sources["stations"]
            assert stations.path == f"stations/{city.country}/{slug}.json"
            assert stations.sha256 and stations.url.startswith("https://") and stations.license == "MIT"
            assert city.sources["map"].path == f"maps/{city.country}/{slug}.png"


@pytest.mark.parametrize("bad", ["../../etc", "new-york", "", "a/b", ".", "hang zhou"])
def test_slugs_with_paths_or_capitals_are_rejected(bad):
    with pytest.raises(UnknownCityError, match="slug"):
        check_slug(bad)


def test_unknown_city_lists_the_known_ones_and_suggests_one():
    with pytest.raises(UnknownCityError, match=r"unknown city 'atlantis'.*hangzhou"):
        load_city("atlantis")
    with pytest.raises(UnknownCityError, match="did you mean 'hangzhou'"):
        load_city("hangzou")
    assert load_city("Hangzhou").slug == "hangzhou"


def test_malformed_toml_names_the_file(scratch_cities):
    folder = scratch_cities("broken", "country = [unclosed\n")
    with pytest.raises(ManifestError, match="not valid TOML") as err:
        load_city("broken")
    assert err.value.path == folder / "city.toml"


def test_schema_violation_says_where(scratch_cities):
    scratch_cities("badcolor", embedded_manifest('[lines."L"]\ncolor = "red"\n'), {"L": ["A", "B"]})
    with pytest.raises(ManifestError, match=r"lines\.L\.color: 'red' is not valid: expected a colour as #RRGGBB"):
        load_city("badcolor")


def test_missing_source_says_how_to_get_it(tmp_path):
    city = load_city("hangzhou")
    with pytest.raises(SourceError, match="fetch-sources --city hangzhou") as err:
        city.source_path("stations", tmp_path)
    assert err.value.path == tmp_path / "stations/china/hangzhou.json"


@pytest.mark.parametrize("path", ["../etc/passwd", "stations/../../x.json", "/etc/passwd"])
def test_source_paths_cannot_leave_the_data_root(scratch_cities, path):
    manifest = embedded_manifest().replace(
        'embedded = "stations.json"',
        f'path = "{path}"\nurl = "https://example.org/x"\nlicense = "MIT"\nupstream = "x"')
    scratch_cities("escape", manifest)
    with pytest.raises(ManifestError, match=r"sources\.stations"):
        load_city("escape")
