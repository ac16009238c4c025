"""The scale a map is read at: measured from its labels, windows spread over it, rescaling bounded."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from curation.errors import MapcurateError
from curation.vision.scale import BAND, TARGET, reading_scale, rescale, sample_windows

from .conftest import Synthetic


def test_blank_windows_are_not_sampled() -> None:
    blank = np.full((3000, 3000, 3), 255, np.uint8)
    assert sample_windows(blank) == []
    blank[1400:1600, 1400:1600] = 0  # ink in the centre cell only
    crops = sample_windows(blank)
    assert len(crops) == 1 and crops[0].size == (1024, 1024)
    with pytest.raises(MapcurateError, match="grid must be at least 1"):
        sample_windows(blank, grid=0)


def test_rescale_copies_at_one_and_is_bounded() -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    assert np.array_equal(np.asarray(rescale(pixels, 1.0)), pixels)
    assert rescale(pixels, 0.5).size == (200, 150)
    with pytest.raises(MapcurateError, match="scale must be in"):
        rescale(pixels, 0.05)


def test_legible_labels_are_read_as_they_are_and_large_ones_scaled_down(small_synthetic: Synthetic) -> None:
    pytest.importorskip("rapidocr")
    native = reading_scale(sample_windows(np.asarray(small_synthetic.image.convert("RGB"))))
    assert native.scale == 1.0 and native.text_height is not None and BAND[0] <= native.text_height <= BAND[1]
    big = small_synthetic.image.resize((small_synthetic.image.width * 3, small_synthetic.image.height * 3))
    measured = reading_scale(sample_windows(np.asarray(big.convert("RGB"))))
    assert measured.text_height is not None and measured.text_height > BAND[1]
    assert measured.scale == pytest.approx(TARGET / measured.text_height, rel=1e-3) and measured.scale < 0.7
    assert reading_scale([]).scale == 1.0


@pytest.mark.parametrize("scale", [0.3368, 0.5926, 1.7])
def test_rescaling_band_by_band_matches_one_pass(synthetic: Synthetic, scale: float,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("curation.vision.scale.BAND_ROWS", rows_per_band := 128)
    image = synthetic.image.convert("RGB")
    assert image.height * scale > 4 * rows_per_band  # several bands
    size = (round(image.width * scale), round(image.height * scale))
    whole = np.asarray(image.resize(size, Image.Resampling.LANCZOS)).astype(int)
    pixels = np.asarray(image)
    banded = np.asarray(rescale(pixels, scale)).astype(int)
    assert banded.shape == whole.shape
    difference = np.abs(banded - whole)  # only float rounding of the shifted boxes may differ, by one level
    assert difference.max() <= 1 and (difference > 0).mean() < 1e-3
    assert np.array_equal(np.asarray(rescale(pixels, scale)), np.asarray(rescale(pixels, scale)))
