"""Optional extras: an installed module is returned, a missing one is one line naming the extra."""

import json
import sys

import pytest
import typer
from typer.testing import CliRunner

from curation.cli.common import one_line_errors
from curation.errors import MapcurateError
from curation.extras import MissingExtraError, require

MISSING = "mapcurate_no_such_module_for_tests"


def test_an_installed_module_is_returned():
    assert require("json", "annotate", "annotate push") is json
    assert require("json.decoder", "annotate", "annotate push") is sys.modules["json.decoder"]


def test_a_missing_module_names_the_extra_to_install():
    with pytest.raises(MissingExtraError) as caught:
        require(MISSING, "annotate", "annotate push")
    error = caught.value
    assert str(error) == "annotate push needs the 'annotate' extra: pip install 'mapcurate[annotate]'"
    assert isinstance(error, MapcurateError) and isinstance(error, ImportError)
    assert error.name == MISSING and error.extra == "annotate"
    assert isinstance(error.__cause__, ModuleNotFoundError)


def test_a_missing_submodule_of_a_missing_package_is_the_same_error():
    with pytest.raises(MissingExtraError, match=r"^prelabel needs the 'vision' extra"):
        require(f"{MISSING}.detect", "vision", "prelabel")


def test_a_module_that_fails_for_another_reason_is_not_hidden(tmp_path, monkeypatch):
    (tmp_path / "mapcurate_broken_for_tests.py").write_text("raise ImportError('libfoo.so: cannot open')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError, match="libfoo") as caught:
        require("mapcurate_broken_for_tests", "vision", "prelabel")
    assert not isinstance(caught.value, MissingExtraError)


def test_the_cli_reports_a_missing_extra_in_one_line_with_exit_2():
    app = typer.Typer()

    @app.command()
    @one_line_errors
    def push() -> None:
        require(MISSING, "annotate", "annotate push")

    result = CliRunner().invoke(app, [])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == ["error: annotate push needs the 'annotate' extra: pip install 'mapcurate[annotate]'"]
