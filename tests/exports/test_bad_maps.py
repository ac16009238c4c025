"""`mapcurate export` refuses a map that misses its pin, is truncated or is a decompression bomb: exit 2, one line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from curation.cli import app
from tests.exports.test_export import export, files_of
from tests.test_images import bomb_png

WRONG_PIN = "ab" * 32


def pin(cities, slug: str, sha256: str) -> None:
    manifest = cities / slug / "city.toml"
    text = manifest.read_text(encoding="utf-8")
    assert '[sources.map]\nembedded = "map.png"\n' in text
    manifest.write_text(text.replace('[sources.map]\nembedded = "map.png"\n',
                                     f'[sources.map]\nembedded = "map.png"\nsha256 = "{sha256}"\n'), encoding="utf-8")


def break_map(cities, how: str) -> str:
    """Damage alpha's map; returns the text the one-line error must hold."""
    path = cities / "alpha" / "map.png"
    if how == "pin mismatch":
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        pin(cities, "alpha", WRONG_PIN)
        return f"{path}: sha256 is {actual}, not the {WRONG_PIN} pinned in {cities / 'alpha' / 'city.toml'}"
    if how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return f"{path}: truncated or corrupt PNG image"
    path.write_bytes(bomb_png())
    return (f"{path}: 900,000,000 pixels (30000 × 30000), more than the 300,000,000 allowed; "
            "raise MAPCURATE_MAX_IMAGE_PIXELS if you trust this file")


CASES = ["pin mismatch", "truncated", "bomb"]


@pytest.mark.parametrize("how", CASES)
def test_a_bad_map_fails_the_export_and_writes_nothing(runner, make_cities, asked, tmp_path, how, monkeypatch):
    monkeypatch.delenv("MAPCURATE_MAX_IMAGE_PIXELS", raising=False)
    message = break_map(make_cities, how)
    out = tmp_path / "never" / "export"
    result = export(runner, asked, out, "--allow-missing-images")
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() and not out.parent.exists()


@pytest.mark.parametrize("how", CASES)
def test_a_bad_map_leaves_the_earlier_export(runner, make_cities, asked, tmp_path, how):
    out = tmp_path / "export"
    assert export(runner, asked, out, "--allow-missing-images").exit_code == 0
    before = files_of(out)
    message = break_map(make_cities, how)
    result = export(runner, asked, out, "--allow-missing-images", "--max-pixels", "10000")
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert files_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["export", "graphs", "cities"])


def test_a_matching_pin_exports_and_is_recorded(runner, make_cities, asked, tmp_path):
    sha256 = hashlib.sha256((make_cities / "alpha" / "map.png").read_bytes()).hexdigest()
    pin(make_cities, "alpha", sha256)
    out = tmp_path / "export"
    result = export(runner, asked, out, "--allow-missing-images")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sources"]["alpha"]["map"]["sha256"] == sha256
    alpha = next(m for m in manifest["maps"] if m["city"] == "alpha")
    assert alpha["sha256"] == sha256 and alpha["map_id"] == f"alpha-{sha256[:8]}"


def test_a_bomb_within_a_raised_bound_is_still_checked(runner, make_cities, asked, tmp_path, monkeypatch):
    """Raising the bound lets the file's header through; its bytes are then checked like any map's."""
    path = make_cities / "alpha" / "map.png"
    data = bomb_png()
    path.write_bytes(data[:-12])  # no IEND: a damaged file
    monkeypatch.setenv("MAPCURATE_MAX_IMAGE_PIXELS", "900000000")
    result = runner.invoke(app, ["export", "--questions", str(asked), "--graphs", str(asked),
                                 "--out", str(tmp_path / "x"), "--allow-missing-images"])
    assert result.exit_code == 2 and f"{path}: truncated or corrupt PNG image" in result.stderr, result.stderr
    assert not (tmp_path / "x").exists()


def test_no_module_changes_pillows_global_bound():
    """Importing the CLI and the exports leaves Pillow's own default, the one `pil_default` describes."""
    code = ("import curation.cli, curation.exports.export, curation.images\n"
            "from PIL import Image\n"
            "from curation.exports.manifest import PIL_DEFAULT_MAX_PIXELS, pil_default\n"
            "print(Image.MAX_IMAGE_PIXELS == PIL_DEFAULT_MAX_PIXELS, pil_default(14032, 19843))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "error"]
