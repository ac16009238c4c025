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

from curation.cities import City
from curation.images import decode_image, map_source

# Pillow's default guard against decompression bombs (its MAX_IMAGE_PIXELS, a constant here: mapcurate never
# changes Pillow's global): a warning above this many pixels, an error above twice as many. Consumers decode
# exports with that default, so maps past it are reported. mapcurate itself reads maps through curation.images.
PIL_DEFAULT_MAX_PIXELS = 1024 * 1024 * 1024 // 4 // 3
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

    The file is checked by `curation.images` (pinned sha256, pixel bound, integrity). With `max_pixels`,
    a larger map is decoded to RGB, resized (Lanczos, aspect kept) and stored as PNG.
    """
    pinned = map_source(city, data_root)
    if pinned is None or not pinned.path.is_file():
        return None
    info, data = pinned.read()
    width, height = info.width, info.height
    digest = info.sha256
    if max_pixels is not None and width * height > max_pixels:
        resized = decode_image(data, pinned.path, max_pixels=max_pixels)
        buffer = io.BytesIO()
        resized.save(buffer, format="PNG", optimize=False)
        data, (width, height) = buffer.getvalue(), resized.size
        digest = hashlib.sha256(data).hexdigest()
    source = city.sources["map"]
    return MapImage(
        map_id=f"{city.slug}-{digest[:8]}", city=city.slug, country=city.country, file_name=f"{city.slug}.png",
        data=data, width=width, height=height, original_width=info.width, original_height=info.height,
        sha256=digest, license=source.license, upstream=source.upstream,
    )
