"""curation.images: the pixel bound, pinned sha256, integrity checks, normalised RGB, tiles."""

from __future__ import annotations

import hashlib
import io
import itertools
import struct
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageFile, PngImagePlugin

from curation.cities import load_city
from curation.errors import ImageError, MapcurateError, SourceError
from curation.images import (
    DEFAULT_MAX_IMAGE_PIXELS,
    MAX_PIXELS_ENV,
    PinnedImage,
    decode_image,
    decode_pixels,
    inspect_image,
    load_image,
    map_source,
    normalise,
    pillow_bound,
    pixel_bound,
    read_image,
    tiles,
)
from tests.conftest import embedded_manifest

PIL_DEFAULT = 1024 * 1024 * 1024 // 4 // 3  # Pillow's documented default MAX_IMAGE_PIXELS


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid 1-bit grey PNG of `width` × `height` zero pixels, ~100 KB for 30,000²; written by hand, never decoded."""
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + packed bits
    squeeze = zlib.compressobj(6)
    rows_per_block = 1000
    blocks = [squeeze.compress(row * min(rows_per_block, height - y)) for y in range(0, height, rows_per_block)]
    idat = b"".join(blocks) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def png_bytes(image: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **params)
    return buffer.getvalue()


def noisy_rgb(width: int = 300, height: int = 200) -> Image.Image:
    """Incompressible pixels, so a PNG of it has a big IDAT to damage."""
    values = np.random.default_rng(0).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    return Image.fromarray(values, "RGB")


def over_white(channel: int, alpha: int) -> int:
    return round((channel * alpha + 255 * (255 - alpha)) / 255)


def palette(mode_alpha: bytes | None = None) -> Image.Image:
    """A 3 × 1 palette image: red, green, blue; with `mode_alpha`, per-entry alpha (tRNS)."""
    image = Image.new("P", (3, 1))
    image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255])
    image.putdata([0, 1, 2])
    if mode_alpha is not None:
        image.info["transparency"] = mode_alpha
    return image


def one_bit() -> Image.Image:
    image = Image.new("1", (3, 1))
    image.putdata([0, 255, 0])
    return image


def grey(mode: str, values: list[int]) -> Image.Image:
    image = Image.new(mode, (len(values), 1))
    image.putdata(values)
    return image


def colours(mode: str, values: list[tuple[int, ...]]) -> Image.Image:
    image = Image.new(mode, (len(values), 1))
    image.putdata(values)
    return image


# (name, the image as saved to PNG, the RGB pixels expected after load_image, left to right)
GOOD_PNGS = [
    ("1", one_bit(), [(0, 0, 0), (255, 255, 255), (0, 0, 0)]),
    ("L", grey("L", [0, 77, 255]), [(0, 0, 0), (77, 77, 77), (255, 255, 255)]),
    ("P", palette(), [(255, 0, 0), (0, 255, 0), (0, 0, 255)]),
    ("P+tRNS (PNG's PA)", palette(bytes([255, 128, 0])),
     [(255, 0, 0), (over_white(0, 128), 255, over_white(0, 128)), (255, 255, 255)]),
    ("LA", colours("LA", [(0, 255), (100, 128), (40, 0)]),
     [(0, 0, 0), (over_white(100, 128),) * 3, (255, 255, 255)]),
    ("RGB", colours("RGB", [(1, 2, 3), (250, 128, 7), (0, 0, 0)]), [(1, 2, 3), (250, 128, 7), (0, 0, 0)]),
    ("RGBA", colours("RGBA", [(10, 200, 30, 255), (10, 200, 30, 128), (10, 200, 30, 0)]),
     [(10, 200, 30), (over_white(10, 128), over_white(200, 128), over_white(30, 128)), (255, 255, 255)]),
    ("I;16", grey("I;16", [0, 257 * 77, 65535, 1000]), [(0, 0, 0), (77, 77, 77), (255, 255, 255), (4, 4, 4)]),
]


@pytest.mark.parametrize(("name", "image", "expected"), GOOD_PNGS, ids=[case[0] for case in GOOD_PNGS])
def test_good_pngs_normalise_to_rgb(tmp_path, name, image, expected):
    path = tmp_path / "map.png"
    path.write_bytes(png_bytes(image))
    info = inspect_image(path)
    assert (info.width, info.height, info.format) == (image.width, 1, "PNG")
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and info.n_bytes == path.stat().st_size
    loaded = load_image(path)
    assert loaded.mode == "RGB" and loaded.size == image.size
    got = [loaded.getpixel((x, 0)) for x in range(image.width)]
    assert all(abs(g - e) <= 1 for pixel, want in zip(got, expected, strict=True) for g, e in zip(pixel, want,
                                                                                                   strict=True)), got


@pytest.mark.parametrize(("image", "expected"), [
    (colours("PA", [(0, 255), (0, 0)]), [(255, 0, 0), (255, 255, 255)]),
    (grey("I", [0, 257 * 10, 65535, 70000, -5]), [(0, 0, 0), (10, 10, 10), (255, 255, 255), (255, 255, 255),
                                                  (0, 0, 0)]),
    (colours("CMYK", [(0, 0, 0, 0), (255, 0, 0, 0), (0, 0, 0, 255)]), [(255, 255, 255), (0, 255, 255), (0, 0, 0)]),
    (colours("La", [(0, 0), (90, 255)]), [(255, 255, 255), (90, 90, 90)]),
], ids=["PA", "I", "CMYK", "La"])
def test_modes_png_cannot_hold_normalise_too(image, expected):
    if image.mode == "PA":
        image.putpalette([255, 0, 0])
    rgb = normalise(image)
    assert rgb.mode == "RGB"
    assert [rgb.getpixel((x, 0)) for x in range(image.width)] == expected


def test_cmyk_tiff_is_decoded_fully_and_normalised(tmp_path):
    path = tmp_path / "map.tif"
    colours("CMYK", [(255, 0, 0, 0), (0, 0, 0, 0)]).save(path, format="TIFF")
    assert inspect_image(path).mode == "CMYK"
    assert np.asarray(load_image(path)).reshape(-1, 3).tolist() == [[0, 255, 255], [255, 255, 255]]


def test_an_rgb_colour_key_is_composited_over_white(tmp_path):
    path = tmp_path / "map.png"
    path.write_bytes(png_bytes(colours("RGB", [(9, 9, 9), (1, 2, 3)]), transparency=(9, 9, 9)))
    assert np.asarray(load_image(path)).reshape(-1, 3).tolist() == [[255, 255, 255], [1, 2, 3]]


def _sixteen_bit_rgb() -> bytes:
    values = np.random.default_rng(1).integers(0, 65536, size=(20, 30), dtype=np.uint32)
    rows = b"".join(b"\0" + struct.pack(">90H", *np.repeat(row, 3)) for row in values)  # grey-ish, 16 bits
    header = struct.pack(">IIBBBBB", 30, 20, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


PIXEL_CASES = [*((name, png_bytes(image)) for name, image, _ in GOOD_PNGS),
               ("RGB colour key", png_bytes(colours("RGB", [(9, 9, 9), (1, 2, 3)]), transparency=(9, 9, 9))),
               ("noisy RGB", png_bytes(noisy_rgb())), ("noisy P", png_bytes(noisy_rgb().quantize(200))),
               ("16-bit RGB", _sixteen_bit_rgb())]
BY_OPENCV = {"P", "RGB", "noisy RGB", "noisy P", "16-bit RGB"}


@pytest.mark.parametrize(("name", "data"), PIXEL_CASES, ids=[case[0] for case in PIXEL_CASES])
def test_decoded_pixels_are_the_images_whichever_decoder(tmp_path, monkeypatch, name, data):
    real, calls = cv2.imread, []

    def counting(*args: object) -> object:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(cv2, "imread", counting)
    pixels = decode_pixels(data, tmp_path / "map.png")
    expected = np.asarray(decode_image(data, tmp_path / "map.png"))
    assert pixels.dtype == np.uint8 and pixels.shape == expected.shape and np.array_equal(pixels, expected)
    assert bool(calls) == (name in BY_OPENCV)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _flipped_in_idat(data: bytes) -> bytes:
    start = data.index(b"IDAT") + 4
    damaged = bytearray(data)
    damaged[start + 500] ^= 0x10  # inside the chunk's data, well before its CRC
    return bytes(damaged)


def _truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    noisy_rgb().save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()[: buffer.tell() // 2]


def _resealed(data: bytes) -> bytes:
    """`_flipped_in_idat` with the chunk's CRC recomputed: it passes `verify`, only the zlib stream is broken."""
    damaged = bytearray(_flipped_in_idat(data))
    start = damaged.index(b"IDAT")
    length = struct.unpack(">I", damaged[start - 4:start])[0]
    damaged[start + 4 + length:start + 8 + length] = struct.pack(">I", zlib.crc32(damaged[start:start + 4 + length]))
    return bytes(damaged)


def decoded_pixels(path: Path) -> np.ndarray:
    return decode_pixels(path.read_bytes(), path)


GOOD = png_bytes(noisy_rgb())
BAD_FILES = [
    ("truncated", GOOD[: len(GOOD) // 2], "truncated or corrupt PNG image"),
    ("flipped IDAT byte", _flipped_in_idat(GOOD), "truncated or corrupt PNG image"),
    ("no IEND", GOOD[:-12], "truncated or corrupt PNG image"),  # decodes, but verify misses IEND
    ("zero bytes", b"", "empty file (0 bytes), not an image"),
    ("not an image", b"station,line\nA,1\n", "not an image: no format Pillow reads matches its 17 bytes"),
    ("truncated JPEG", _truncated_jpeg(), "truncated or corrupt JPEG image"),
    ("bomb", bomb_png(), "900,000,000 pixels (30000 × 30000), more than the 300,000,000 allowed; "
                         f"raise {MAX_PIXELS_ENV} if you trust this file"),
]


@pytest.mark.parametrize("read", [inspect_image, load_image, decoded_pixels])
@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_files_are_one_line_naming_the_file(tmp_path, read, name, data, message):
    path = tmp_path / "bad map.png"
    path.write_bytes(data)
    with pytest.raises(ImageError) as caught:
        read(path)
    text = str(caught.value)
    assert isinstance(caught.value, SourceError)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text, text
    assert Image.MAX_IMAGE_PIXELS == PIL_DEFAULT and ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize("read", [load_image, decoded_pixels])
def test_a_broken_stream_behind_valid_checksums_is_caught_by_decoding(tmp_path, read):
    path = _write(tmp_path / "map.png", _resealed(GOOD))
    inspect_image(path)  # the chunks are sound: only decoding finds it
    with pytest.raises(ImageError, match="truncated or corrupt PNG image") as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


def test_the_bomb_is_small_and_refused_before_decoding(tmp_path):
    data = bomb_png()
    assert 50_000 < len(data) < 200_000
    path = tmp_path / "bomb.png"
    path.write_bytes(data)
    info = inspect_image(path, max_image_pixels=900_000_000)  # verify walks the chunks: no 900-MB decode
    assert (info.width, info.height, info.mode) == (30_000, 30_000, "1")


def test_pin_mismatch_is_one_line_before_decoding(tmp_path):
    path = tmp_path / "map.png"
    path.write_bytes(GOOD)
    actual = hashlib.sha256(GOOD).hexdigest()
    wrong = "0" * 64
    for read in (inspect_image, load_image):
        with pytest.raises(ImageError) as caught:
            read(path, sha256=wrong, pinned_in=tmp_path / "city.toml")
        assert str(caught.value) == f"{path}: sha256 is {actual}, not the {wrong} pinned in {tmp_path / 'city.toml'}"
        read(path, sha256=actual)
    assert read_image(path, sha256=actual.upper())[1] == GOOD
    with pytest.raises(ImageError, match=r"not the 0{64} pinned$"):  # a pin that is not the file's: never decoded
        inspect_image(_write(tmp_path / "b.png", bomb_png()), sha256=wrong)


def test_truncation_is_caught_even_when_pillow_was_told_to_allow_it(tmp_path, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    cases = (("half", GOOD[: len(GOOD) // 2]), ("flipped", _flipped_in_idat(GOOD)), ("end", GOOD[:-12]),
             ("jpeg", _truncated_jpeg()))
    for name, data in cases:
        path = _write(tmp_path / f"{name}.img", data)
        for read in (inspect_image, load_image):
            with pytest.raises(ImageError, match=r"truncated or corrupt (PNG|JPEG) image"):
                read(path)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_a_decoded_size_other_than_the_header_is_refused(tmp_path, monkeypatch):
    path = _write(tmp_path / "map.png", GOOD)
    original = PngImagePlugin.PngImageFile.load

    def shrinking(self):
        result = original(self)
        self._size = (self.width - 1, self.height)
        return result

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", shrinking)
    with pytest.raises(ImageError, match=r"decodes to 299 × 200 pixels, not the 300 × 200 its header says"):
        load_image(path)


@pytest.fixture
def hundred(tmp_path):
    """A 100 × 100 PNG: 10,000 pixels."""
    return _write(tmp_path / "hundred.png", png_bytes(Image.new("RGB", (100, 100), "white")))


def test_the_parameter_bound_just_below_and_above(hundred):
    assert inspect_image(hundred, max_image_pixels=10_000).width == 100
    assert load_image(hundred, max_image_pixels=10_000).size == (100, 100)
    for read in (inspect_image, load_image):
        with pytest.raises(ImageError) as caught:
            read(hundred, max_image_pixels=9_999)
        assert str(caught.value) == (f"{hundred}: 10,000 pixels (100 × 100), more than the 9,999 allowed; "
                                     f"raise {MAX_PIXELS_ENV} if you trust this file")


def test_the_environment_bound_just_below_and_above(hundred, monkeypatch):
    monkeypatch.setenv(MAX_PIXELS_ENV, "10000")
    assert pixel_bound() == 10_000 and inspect_image(hundred).height == 100
    monkeypatch.setenv(MAX_PIXELS_ENV, "9999")
    with pytest.raises(ImageError, match="more than the 9,999 allowed"):
        load_image(hundred)
    assert inspect_image(hundred, max_image_pixels=10_000).width == 100  # the parameter wins
    monkeypatch.delenv(MAX_PIXELS_ENV)
    assert pixel_bound() == DEFAULT_MAX_IMAGE_PIXELS == 300_000_000


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5", "1e9"])
def test_a_bad_environment_bound_is_one_line_naming_the_variable(hundred, monkeypatch, value):
    monkeypatch.setenv(MAX_PIXELS_ENV, value)
    with pytest.raises(MapcurateError) as caught:
        inspect_image(hundred)
    assert str(caught.value) == f"{MAX_PIXELS_ENV} must be a positive integer (a number of pixels), but got {value!r}"


@pytest.mark.parametrize("value", [0, -1, True, 2.5])
def test_a_bad_parameter_bound_is_refused(hundred, value):
    with pytest.raises(MapcurateError, match="max_image_pixels must be a positive integer"):
        load_image(hundred, max_image_pixels=value)


def test_a_bound_in_force_holds_other_threads_off(hundred):
    with ThreadPoolExecutor(max_workers=1) as pool, pillow_bound(9_999):
        assert Image.MAX_IMAGE_PIXELS == 9_999
        other = pool.submit(inspect_image, hundred, max_image_pixels=10_000)
        time.sleep(0.3)
        assert not other.done()  # waiting for the lock, not reading under this thread's bound
        with pytest.raises(ImageError, match="more than the 9,998 allowed"):
            inspect_image(hundred, max_image_pixels=9_998)  # the same thread may nest (the lock is re-entrant)
        assert Image.MAX_IMAGE_PIXELS == 9_999
    assert other.result(timeout=10).width == 100
    assert Image.MAX_IMAGE_PIXELS == PIL_DEFAULT


def test_max_pixels_downsizes_keeping_the_aspect(tmp_path):
    path = _write(tmp_path / "map.png", GOOD)
    small = load_image(path, max_pixels=10_000)
    assert small.mode == "RGB" and small.width * small.height <= 10_000
    assert small.width * small.height > 9_000 and abs(small.width / small.height - 1.5) < 0.02
    assert load_image(path, max_pixels=60_000).size == (300, 200)


def test_map_source_carries_the_pin(scratch_cities):
    data = png_bytes(Image.new("RGB", (4, 4), "white"))
    pin = hashlib.sha256(data).hexdigest()
    folder = scratch_cities("pinned", embedded_manifest(f'[sources.map]\nembedded = "map.png"\nsha256 = "{pin}"\n'),
                            {"Line 1": ["A", "B"]})
    (folder / "map.png").write_bytes(data)
    pinned = map_source(load_city("pinned"), Path("/nonexistent"))
    assert pinned == PinnedImage(folder / "map.png", pin, folder / "city.toml")
    assert pinned.inspect().sha256 == pin and pinned.load().size == (4, 4)
    (folder / "map.png").write_bytes(data + b"\0")
    with pytest.raises(ImageError, match=rf"sha256 is [0-9a-f]{{64}}, not the {pin} pinned in .*city\.toml$"):
        pinned.inspect()
    assert map_source(load_city("demo"), Path("/nonexistent")) is None


def test_the_kuala_lumpur_map_opens_with_the_default_bound(data_root, monkeypatch):
    monkeypatch.delenv(MAX_PIXELS_ENV, raising=False)
    pinned = map_source(load_city("kl"), data_root)
    if pinned is None or not pinned.path.is_file():
        pytest.skip(f"no Kuala Lumpur map under {data_root}")
    info = pinned.inspect()
    assert (info.width, info.height, info.mode, info.format) == (14032, 19843, "RGB", "PNG")
    assert info.sha256 == pinned.sha256 and info.width * info.height > 2 * PIL_DEFAULT
    with pytest.raises(ImageError, match="278,436,976 pixels \\(14032 × 19843\\), more than the 278,436,975"):
        pinned.inspect(max_image_pixels=278_436_975)


TILINGS = [((37, 23), 10, 3), ((37, 23), (10, 8), 0), ((30, 20), 10, 0), ((30, 20), (10, 5), 4), ((7, 5), 10, 2),
           ((11, 11), 11, 10), ((64, 3), (16, 16), 5)]


@pytest.mark.parametrize(("shape", "size", "overlap"), TILINGS)
def test_tiles_cover_every_pixel_at_their_offsets(shape, size, overlap):
    width, height = shape
    tile_w, tile_h = (size, size) if isinstance(size, int) else size
    ys, xs = np.mgrid[0:height, 0:width]
    pixels = np.stack([xs, ys, (xs * 7 + ys * 13) % 256], axis=-1).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    covered = np.zeros((height, width), dtype=int)
    cut = list(tiles(image, size, overlap))
    offsets = [(x0, y0) for x0, y0, _ in cut]
    assert offsets == sorted(offsets, key=lambda o: (o[1], o[0])) and len(set(offsets)) == len(offsets)
    for x0, y0, tile in cut:
        assert tile.size == (min(tile_w, width), min(tile_h, height))
        assert np.array_equal(np.asarray(tile), pixels[y0:y0 + tile.height, x0:x0 + tile.width])
        covered[y0:y0 + tile.height, x0:x0 + tile.width] += 1
    assert covered.min() >= 1
    for axis, length, step in ((0, width, tile_w), (1, height, tile_h)):
        starts = sorted({o[axis] for o in offsets})
        expected = 1 if length <= step else -(-(length - step) // (step - overlap)) + 1
        assert len(starts) == expected and starts[0] == 0 and starts[-1] == max(length - step, 0)
        assert all(b - a <= step - overlap for a, b in itertools.pairwise(starts))
    assert len(cut) == len({o[0] for o in offsets}) * len({o[1] for o in offsets})


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), ((10, 0), 0), (10, 10), (10, -1), ((10, 4), 4)])
def test_bad_tilings_are_refused(size, overlap):
    with pytest.raises(MapcurateError, match="tile"):
        list(tiles(Image.new("RGB", (20, 20)), size, overlap))
