"""mapcurate's errors are also the matching builtins, and str() of each is its one-line message."""

from pathlib import Path

import pytest

from curation import errors
from curation.annotations.io import load_annotation
from curation.annotations.model import Annotation, ImageRef, Label, Provenance, StationMark
from curation.cities import load_city
from curation.errors import (
    ImageError,
    ManifestError,
    MapcurateError,
    NetworkValidationError,
    OutputError,
    SourceError,
    UnknownCityError,
    UnknownStationError,
)
from curation.network.build import check_output, parse_station_list
from curation.routing import Router
from tests.conftest import build

BUILTIN = {
    ManifestError: ValueError,
    SourceError: ValueError,
    ImageError: ValueError,
    NetworkValidationError: ValueError,
    UnknownCityError: KeyError,
    UnknownStationError: KeyError,
    OutputError: OSError,
}


@pytest.mark.parametrize("cls", sorted(BUILTIN, key=lambda c: c.__name__))
def test_each_error_is_its_builtin_and_prints_one_line(cls):
    exc = cls("something is wrong", Path("some/file.json"))
    assert isinstance(exc, MapcurateError) and isinstance(exc, BUILTIN[cls])
    assert str(exc) == "some/file.json: something is wrong"  # not KeyError's quotes nor OSError's [Errno …]
    assert str(cls("no file named")) == "no file named"
    assert exc.path == Path("some/file.json") and exc.message == "something is wrong"


def test_every_error_class_is_covered():
    classes = {c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, MapcurateError)}
    assert classes - set(BUILTIN) == {MapcurateError, errors.FetchError, errors.LabelStudioError}  # network failures


def test_an_unknown_station_is_a_key_error():
    router = Router(build("demo").network)
    for ask in (lambda: router.routes("airport", "nowhere"), lambda: router.routes("nowhere", "airport"),
                lambda: router.routes_from("nowhere")):
        try:
            ask()
        except KeyError as exc:
            assert isinstance(exc, UnknownStationError)
            assert str(exc) == "no station 'nowhere' in the demo network"
        else:
            pytest.fail("an unknown station id was not refused")
    assert router.routes("airport", "docks"), "known stations still route"


def test_an_unknown_station_of_an_annotation_is_a_key_error():
    annotation = Annotation(image=ImageRef("map.png", "0" * 64, 400, 300),
                            stations=(StationMark(id="a", pos=(10.0, 10.0), provenance=Provenance("manual"),
                                                  labels={"en": Label("A")}),))
    assert annotation.station("a").id == "a"
    with pytest.raises(KeyError) as caught:
        annotation.station("b")
    assert isinstance(caught.value, UnknownStationError)
    assert str(caught.value) == "no station 'b' in the annotation of map.png"


def test_an_unknown_city_is_a_key_error():
    with pytest.raises(KeyError) as caught:
        load_city("atlantis")
    assert isinstance(caught.value, UnknownCityError)
    assert "unknown city 'atlantis'" in str(caught.value) and not str(caught.value).startswith('"')


def test_a_malformed_manifest_is_a_value_error(scratch_cities):
    folder = scratch_cities("broken", "country = [unclosed\n")
    try:
        load_city("broken")
    except ValueError as exc:
        assert isinstance(exc, ManifestError)
        assert str(exc).startswith(f"{folder / 'city.toml'}: not valid TOML: ") and "\n" not in str(exc)
    else:
        pytest.fail("a malformed manifest was accepted")


@pytest.mark.parametrize("read", [
    lambda path: parse_station_list(path.read_bytes(), path),
    load_annotation,
], ids=["station list", "annotation"])
def test_a_non_utf8_source_names_its_file_once(tmp_path, read):
    """SourceError is a ValueError now: a parser's `except ValueError` must not wrap it a second time."""
    path = tmp_path / "source.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(ValueError) as caught:
        read(path)
    assert isinstance(caught.value, SourceError)
    assert str(caught.value) == f"{path}: not UTF-8 text: byte 0xff at offset 7 (invalid start byte)"


def test_an_unwritable_output_is_an_os_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OSError) as caught:
        check_output(blocker / "graphs")
    assert isinstance(caught.value, OutputError)
    assert str(caught.value) == f"{blocker}: is a file, but the output folder must be created here"
    assert caught.value.errno is None
