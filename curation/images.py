"""The one place that opens map images: pixel bound, pinned sha256, integrity, one normalised mode, tiles.

Rules:

- **Pixel bound.** Pillow's decompression-bomb guard stays on, raised to `DEFAULT_MAX_IMAGE_PIXELS`
  (300,000,000: the 278-megapixel Kuala Lumpur map opens). `MAPCURATE_MAX_IMAGE_PIXELS` overrides it, a
  `max_image_pixels=` argument overrides both. A file whose header claims more pixels is refused before
  anything is decoded. The bound is set only around each open, under a lock, with Pillow's warning turned
  into an error; `PIL.Image.MAX_IMAGE_PIXELS` is never left changed, so other code keeps Pillow's default.
- **Pin.** With `sha256=` (a city's `[sources.map] sha256`), the file's bytes must hash to it; the file is
  read once, hashed in 1 MiB chunks, and its bytes are decoded only after the pin matched.
  `map_source(city, data_root)` carries a city's pin, so callers check it without repeating code.
- **Integrity.** `inspect_image` reads the header and checks the file without decoding pixels where it can:
  a PNG's every chunk CRC up to IEND (`Image.verify`); other formats are decoded fully. `load_image`
  checks the same, decodes, and checks the decoded size is the header's.
- **Normalised mode.** `load_image` returns 8-bit RGB whatever the file holds: 1, L, P, CMYK as Pillow
  converts them; transparency (PA, LA, RGBA, a palette or colour key with tRNS) composited over white;
  16-bit grey (I;16*, I) scaled from 0..65535 to 0..255. `max_pixels=` then downsizes (Lanczos, aspect kept).
- **Pixel arrays.** `decode_pixels` gives the same pixels as `decode_image` as an H × W × 3 numpy array. An 8-bit
  RGB or palette PNG without transparency (nine of the twelve real maps) is decoded by OpenCV straight into that
  array, 3 bytes a pixel instead of Pillow's 4 (0.83 GB instead of 1.11 for the 278-MP map), after the same
  Pillow checks, from a private temporary copy of the checked bytes; PNG is lossless, so the pixels are the
  same. Anything else goes through `decode_image`.
- **Tiles.** `tiles(image, size, overlap)` yields `(x0, y0, tile)` row by row, left to right; `x0, y0` are
  the tile's top-left corner in full-image pixels. Neighbours overlap by at least `overlap` pixels and the
  last row and column are flush with the image's edges; every pixel is in some tile.

Every failure is one `ImageError` line naming the file (a bad bound: a `MapcurateError` naming the setting).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import tempfile
import threading
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFile, UnidentifiedImageError

from curation.cities import City
from curation.errors import ImageError, MapcurateError

MAX_PIXELS_ENV = "MAPCURATE_MAX_IMAGE_PIXELS"
DEFAULT_MAX_IMAGE_PIXELS = 300_000_000
CHUNK = 1 << 20
_LOCK = threading.RLock()
_BOMB = (Image.DecompressionBombWarning, Image.DecompressionBombError)
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error, zlib.error)
_ALPHA_MODES = ("LA", "La", "PA", "RGBA", "RGBa")
_COUNT = re.compile(r"[0-9][0-9_]*")


@dataclass(frozen=True)
class ImageInfo:
    """What an image file is, from its header, after its integrity (and pin, if any) were checked."""

    path: Path
    width: int
    height: int
    mode: str
    format: str
    sha256: str
    n_bytes: int


@dataclass(frozen=True)
class PinnedImage:
    """An image file and the sha256 its manifest pins (None: unpinned)."""

    path: Path
    sha256: str | None = None
    pinned_in: Path | None = None

    def read(self, max_image_pixels: int | None = None) -> tuple[ImageInfo, bytes]:
        """`read_image` with the pin."""
        return read_image(self.path, sha256=self.sha256, max_image_pixels=max_image_pixels, pinned_in=self.pinned_in)

    def inspect(self, max_image_pixels: int | None = None) -> ImageInfo:
        """`inspect_image` with the pin."""
        return self.read(max_image_pixels)[0]

    def load(self, max_image_pixels: int | None = None, max_pixels: int | None = None, *,
             rgb: bool = True) -> Image.Image:
        """`load_image` with the pin."""
        return load_image(self.path, sha256=self.sha256, max_image_pixels=max_image_pixels, max_pixels=max_pixels,
                          pinned_in=self.pinned_in, rgb=rgb)


def map_source(city: City, data_root: Path) -> PinnedImage | None:
    """The city's `map` source with its pin, or None when the city declares no map (the file may be absent)."""
    source = city.sources.get("map")
    if source is None:
        return None
    return PinnedImage(source.contained(city.folder, data_root), source.sha256,
                       city.manifest_path if source.sha256 is not None else None)


def pixel_bound(max_image_pixels: int | None = None) -> int:
    """The pixel bound in force: the argument, else `MAPCURATE_MAX_IMAGE_PIXELS`, else the default."""
    if max_image_pixels is not None:
        if isinstance(max_image_pixels, bool) or not isinstance(max_image_pixels, int) or max_image_pixels < 1:
            raise MapcurateError(f"max_image_pixels must be a positive integer, but got {max_image_pixels!r}")
        return max_image_pixels
    value = os.environ.get(MAX_PIXELS_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_IMAGE_PIXELS
    if not _COUNT.fullmatch(value) or int(value) < 1:
        raise MapcurateError(f"{MAX_PIXELS_ENV} must be a positive integer (a number of pixels), but got {value!r}")
    return int(value)


@contextmanager
def pillow_bound(bound: int) -> Iterator[None]:
    """Pillow's bomb guard at `bound` pixels with anything above it an error, truncation an error; restored after."""
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = bound, False
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = previous


def read_image(path: Path | str, *, sha256: str | None = None, max_image_pixels: int | None = None,
               pinned_in: Path | str | None = None) -> tuple[ImageInfo, bytes]:
    """The checked `ImageInfo` and the file's bytes (read once), as an export stores them."""
    path = Path(path)
    bound = pixel_bound(max_image_pixels)
    data, digest = _read_pinned(path, sha256, pinned_in)
    with pillow_bound(bound), _opened(data, path, bound) as image:
        info = ImageInfo(path, image.width, image.height, image.mode, image.format or "unknown", digest, len(data))
        _checking(image.verify if image.format == "PNG" else image.load, info.format, path, bound)
    return info, data


def inspect_image(path: Path | str, *, sha256: str | None = None, max_image_pixels: int | None = None,
                  pinned_in: Path | str | None = None) -> ImageInfo:
    """Header, pin and integrity of an image file; a PNG's pixels are not decoded (its chunk CRCs are checked)."""
    return read_image(path, sha256=sha256, max_image_pixels=max_image_pixels, pinned_in=pinned_in)[0]


def load_image(path: Path | str, *, sha256: str | None = None, max_image_pixels: int | None = None,
               max_pixels: int | None = None, pinned_in: Path | str | None = None, rgb: bool = True) -> Image.Image:
    """The image decoded as 8-bit RGB (see the module rules), downsized to at most `max_pixels` if given;
    `rgb=False`: see `decode_image`."""
    path = Path(path)
    data, _ = _read_pinned(path, sha256, pinned_in)
    return decode_image(data, path, max_image_pixels=max_image_pixels, max_pixels=max_pixels, rgb=rgb)


def decode_image(data: bytes, path: Path | str, *, max_image_pixels: int | None = None,
                 max_pixels: int | None = None, rgb: bool = True) -> Image.Image:
    """`load_image` of bytes already read (and pin-checked) from `path`, which names the file in errors.

    `rgb=False` returns the decoded image in its own mode, checked to convert: `normalise` is per pixel, so
    normalising each piece cut from it (as `curation.labelstudio.tiles.cut_tiles` does) gives the same pixels
    while a palette map is held at 1 byte a pixel instead of 4 (Pillow's RGB), and an RGBA one once, not twice.
    """
    if not rgb and max_pixels is not None:
        raise MapcurateError("decode_image: max_pixels needs rgb=True (resizing is not per pixel)")
    path = Path(path)
    bound = pixel_bound(max_image_pixels)
    with pillow_bound(bound):
        with _opened(data, path, bound) as first:
            if first.format == "PNG":  # the decoder skips IDAT checksums; verify walks every chunk to IEND
                _checking(first.verify, "PNG", path, bound)
        image = _opened(data, path, bound)
        header = image.size
        _checking(image.load, image.format or "unknown", path, bound)
    if image.size != header:
        raise ImageError(f"decodes to {image.width} × {image.height} pixels, not the {header[0]} × {header[1]} "
                         "its header says", path)
    try:
        converted = normalise(image if rgb else image.crop((0, 0, 1, 1)))
    except ValueError as exc:
        raise ImageError(f"mode {image.mode} cannot be converted to RGB ({_detail(exc)})", path) from exc
    if not rgb:
        return image
    if converted is not image:
        image.close()
    return downsize(converted, max_pixels) if max_pixels is not None else converted


def decode_pixels(data: bytes, path: Path | str, *, max_image_pixels: int | None = None) -> npt.NDArray[np.uint8]:
    """`decode_image` as an H × W × 3 uint8 RGB array, at 3 bytes a pixel where OpenCV can decode it (module rules)."""
    path = Path(path)
    bound = pixel_bound(max_image_pixels)
    with pillow_bound(bound), _opened(data, path, bound) as image:
        plain = image.format == "PNG" and image.mode in ("RGB", "P") and "transparency" not in image.info
        width, height = image.size
        if plain:
            _checking(image.verify, "PNG", path, bound)
    if plain:
        pixels = np.empty((height, width, 3), np.uint8)
        with tempfile.TemporaryDirectory(prefix="mapcurate-") as folder:  # imread fills `pixels`; imdecode would
            copy = Path(folder) / "map.png"  # return its own array and the binding copy it (twice the memory)
            copy.write_bytes(data)  # the very bytes checked (and pinned): the file could have changed since
            decoded = cv2.imread(str(copy), pixels, cv2.IMREAD_COLOR_RGB)
        if decoded is pixels:
            return pixels
        del pixels, decoded  # a zlib stream broken behind valid chunk CRCs: Pillow below names the problem
    decoded_image = decode_image(data, path, max_image_pixels=max_image_pixels)
    try:
        return np.asarray(decoded_image)
    finally:
        decoded_image.close()


def normalise(image: Image.Image) -> Image.Image:
    """8-bit RGB: transparency over white, 16-bit grey scaled; an RGB image without a colour key as it is."""
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        grey = np.clip(np.asarray(image).astype(np.int64), 0, 65535)
        return Image.fromarray(((grey * 255 + 32767) // 65535).astype(np.uint8), "L").convert("RGB")
    if mode in _ALPHA_MODES or (mode in ("1", "L", "P", "RGB") and "transparency" in image.info):
        rgba = (image.convert("LA") if mode == "La" else image).convert("RGBA")
        white = Image.new("RGB", image.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image if mode == "RGB" else image.convert("RGB")


def downsize(image: Image.Image, max_pixels: int) -> Image.Image:
    """`image` resized (Lanczos, aspect kept) to at most `max_pixels` pixels, without a second full-size copy.

    `reducing_gap=3` first shrinks by a whole factor (box filter) when the image is over 6 times too wide.
    """
    if max_pixels < 1:
        raise MapcurateError(f"max_pixels must be a positive integer, but got {max_pixels!r}")
    width, height = image.size
    if width * height <= max_pixels:
        return image
    scale = (max_pixels / (width * height)) ** 0.5
    size = [max(1, int(width * scale)), max(1, int(height * scale))]
    while size[0] * size[1] > max_pixels:  # float rounding can overshoot by a row or column
        size[size.index(max(size))] -= 1
    return image.resize((size[0], size[1]), Image.Resampling.LANCZOS, reducing_gap=3.0)


def tiles(image: Image.Image, size: int | tuple[int, int], overlap: int = 0
          ) -> Iterator[tuple[int, int, Image.Image]]:
    """`(x0, y0, tile)` covering `image`: rows top to bottom, left to right; offsets in full-image pixels.

    Tiles are `size` (width, height, or one int for squares), cut to the image when it is smaller;
    neighbours overlap by at least `overlap` pixels; the last row and column end at the image's edge.
    """
    width, height = (size, size) if isinstance(size, int) else size
    if min(width, height) < 1:
        raise MapcurateError(f"tile size must be positive, but got {size!r}")
    if not 0 <= overlap < min(width, height):
        raise MapcurateError(f"tile overlap must be at least 0 and less than the tile size {size!r}, but got {overlap}")
    for y0 in tile_starts(image.height, height, overlap):
        for x0 in tile_starts(image.width, width, overlap):
            yield x0, y0, image.crop((x0, y0, min(x0 + width, image.width), min(y0 + height, image.height)))


def tile_starts(length: int, size: int, overlap: int) -> list[int]:
    """Tile starts along one axis: every `size - overlap` pixels, the last flush with the end."""
    if length <= size:
        return [0]
    return [*range(0, length - size, size - overlap), length - size]


def _read_pinned(path: Path, sha256: str | None, pinned_in: Path | str | None) -> tuple[bytes, str]:
    """The file's bytes and sha256, read once in 1 MiB chunks; an `ImageError` when they miss the pin."""
    digest, chunks = hashlib.sha256(), []
    try:
        with path.open("rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
                chunks.append(block)
    except OSError as exc:
        raise ImageError(f"cannot read the image: {exc.strerror or exc}", path) from exc
    actual = digest.hexdigest()
    if sha256 is not None and actual != sha256.lower():
        where = f" in {pinned_in}" if pinned_in is not None else ""
        raise ImageError(f"sha256 is {actual}, not the {sha256} pinned{where}", path)
    return b"".join(chunks), actual


def _opened(data: bytes, path: Path, bound: int) -> Image.Image:
    """`Image.open` of the bytes (header only), inside `pillow_bound(bound)`; failures as one-line `ImageError`s."""
    if not data:
        raise ImageError("empty file (0 bytes), not an image", path)
    try:
        return Image.open(io.BytesIO(data))
    except _BOMB as exc:
        width, height = _claimed_size(data)
        raise ImageError(f"{width * height:,} pixels ({width} × {height}), more than the {bound:,} allowed; "
                         f"raise {MAX_PIXELS_ENV} if you trust this file", path) from exc
    except UnidentifiedImageError as exc:
        raise ImageError(f"not an image: no format Pillow reads matches its {len(data):,} bytes", path) from exc
    except _BROKEN as exc:
        raise ImageError(f"corrupt image header ({_detail(exc)})", path) from exc


def _checking(step: Callable[[], object], image_format: str, path: Path, bound: int) -> None:
    """Run a verify/decode step; its failures as one-line `ImageError`s."""
    try:
        step()
    except _BOMB as exc:
        raise ImageError(f"a frame decodes to more than the {bound:,} pixels allowed; raise {MAX_PIXELS_ENV} if "
                         "you trust this file", path) from exc
    except _BROKEN as exc:
        raise ImageError(f"truncated or corrupt {image_format} image ({_detail(exc)})", path) from exc


def _claimed_size(data: bytes) -> tuple[int, int]:
    """The size a refused file's header claims, for the message: its header only, never decoded.

    Pillow's guard is lifted for this one header read, under the lock, and put back at once.
    """
    with _LOCK:
        previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            with Image.open(io.BytesIO(data)) as image:
                return image.size
        finally:
            Image.MAX_IMAGE_PIXELS = previous


def _detail(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
