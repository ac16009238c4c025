"""Map images for exports: the original file's bytes, its size, and a pixel budget for VLM processors.

A map is identified by `<city>-<first 8 hex digits of its sha256>`, so an updated image is a new
map. Qwen2.5-VL-style processors cut images into 28 × 28 patches and cap the count
(`max_pixels`); the recommended budget is the map's own size, rounded down to whole patches and
capped at `PATCH_CAP` patches (Qwen2.5-VL's default maximum, 12,845,056 pixels).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from curation.cities import City
from curation.errors import SourceError

# Pillow's default guard against decompression bombs: a warning above this many pixels, an error
# above twice as many. Consumers decode exports with that default, so maps past it are reported.
PIL_DEFAULT_MAX_PIXELS = 1024 * 1024 * 1024 // 4 // 3
Image.MAX_IMAGE_PIXELS = None  # transit maps are huge on purpose (Kuala Lumpur: 278 megapixels); they are our own files
PATCH = 28
PATCH_CAP = 16384


@dataclass(frozen=True)
class MapImage:
    """One map as it goes into an export."""

    map_id: str
    city: str
    country: str
    file_name: str
    data: bytes
    width: int
    height: int
    original_width: int
    original_height: int
    sha256: str
    license: str | None
    upstream: str | None

    @property
    def recommended_max_pixels(self) -> int:
        patches = min((self.width // PATCH) * (self.height // PATCH), PATCH_CAP)
        return max(patches, 1) * PATCH * PATCH


def read_map(city: City, data_root: Path, max_pixels: int | None = None) -> MapImage | None:
    """The city's map image, or None when the city declares none or the file is absent.

    With `max_pixels`, a larger map is resized (Lanczos, aspect kept) and stored as PNG.
    """
    source = city.sources.get("map")
    if source is None or not city.has_source("map", data_root):
        return None
    path = source.resolve(city.folder, data_root)
    data = path.read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            original = (width, height)
            if max_pixels is not None and width * height > max_pixels:
                data, (width, height) = _downsized(image, max_pixels)
    except (OSError, ValueError) as exc:
        raise SourceError(f"not a readable image: {exc}", path) from exc
    digest = hashlib.sha256(data).hexdigest()
    return MapImage(
        map_id=f"{city.slug}-{digest[:8]}", city=city.slug, country=city.country, file_name=f"{city.slug}.png",
        data=data, width=width, height=height, original_width=original[0], original_height=original[1],
        sha256=digest, license=source.license, upstream=source.upstream,
    )


def _downsized(image: Image.Image, max_pixels: int) -> tuple[bytes, tuple[int, int]]:
    scale = (max_pixels / (image.width * image.height)) ** 0.5
    size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
    resized = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB").resize(
        size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    resized.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue(), size
