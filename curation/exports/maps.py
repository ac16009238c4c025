"""Map images for exports: the original file's bytes, its size, and a pixel budget for VLM processors.

A map is identified by `<city>-<first 8 hex digits of its sha256>`, so an updated image is a new
map. Qwen2.5-VL-style processors cut images into 28 × 28 patches and cap the count
(`max_pixels`); the recommended budget is the map's own size, rounded down to whole patches and
capped at `PATCH_CAP` patches (Qwen2.5-VL's default maximum, 12,845,056 pixels).

A map carries its kind (`real`, or how mapcurate drew it: `synthetic`, `rerendered`, `renamed`) and,
when the city has an annotation of exactly this image, the annotation (station positions in the
image's full-image pixels). A downsized map gets the annotation rescaled to its new size.

A map read for an export is first a `NativeMap` (the checked file's bytes, decoded at most once), from
which both the stored map and its question views (`curation.exports.views`) are made.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from curation.annotations.io import load_annotation
from curation.annotations.model import Annotation, ImageRef
from curation.annotations.transform import rescaled
from curation.cities import City
from curation.errors import SourceError
from curation.images import ImageInfo, decode_image, downsize, map_source, normalise

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
    source_sha256: str = ""  # of the file the map was read from (`sha256` is of the bytes stored)
    kind: str = "real"
    derived_from: str | None = None
    annotation: Annotation | None = None
    view_of: str | None = None
    """For a view image (`curation.exports.views`): the map id it was made from; None for a map."""
    view: str | None = None
    """For a view image: its `View` as canonical JSON; None for a map."""

    @property
    def recommended_max_pixels(self) -> int:
        patches = min((self.width // PATCH) * (self.height // PATCH), PATCH_CAP)
        return max(patches, 1) * PATCH * PATCH


@dataclass
class NativeMap:
    """A city's map file as checked by `curation.images` (pin, bound, integrity), decoded on first use, once."""

    city: City
    path: Path
    info: ImageInfo
    data: bytes
    annotation: Annotation | None
    _decoded: Image.Image | None = field(default=None, repr=False)

    @property
    def size(self) -> tuple[int, int]:
        return self.info.width, self.info.height

    def decoded(self) -> Image.Image:
        """The pixels in the file's own mode (`decode_image(rgb=False)`: normalise each piece cut from it)."""
        if self._decoded is None:
            self._decoded = decode_image(self.data, self.path, rgb=False)
        return self._decoded

    def close(self) -> None:
        """Drop the decoded pixels (the bytes stay)."""
        if self._decoded is not None:
            self._decoded.close()
            self._decoded = None


def read_native(city: City, data_root: Path) -> NativeMap | None:
    """The city's checked map file and its annotation, or None when the city declares none or the file is absent.

    An annotation of another image, or one that misses its pin, raises a `SourceError`.
    """
    pinned = map_source(city, data_root)
    if pinned is None or not pinned.path.is_file():
        return None
    info, data = pinned.read()
    annotation = map_annotation(city, data_root, pinned.path, info.sha256, (info.width, info.height))
    return NativeMap(city, pinned.path, info, data, annotation)


def map_image(native: NativeMap, max_pixels: int | None = None) -> MapImage:
    """The map as stored: the file's bytes, or with `max_pixels` a larger map decoded to RGB, resized (Lanczos,
    aspect kept) and stored as PNG, with its annotation rescaled to it."""
    city, info = native.city, native.info
    data, (width, height), digest, annotation = native.data, native.size, info.sha256, native.annotation
    if max_pixels is not None and width * height > max_pixels:
        resized = downsize(normalise(native.decoded()), max_pixels)
        buffer = io.BytesIO()
        resized.save(buffer, format="PNG", optimize=False)
        data, (width, height) = buffer.getvalue(), resized.size
        resized.close()
        digest = hashlib.sha256(data).hexdigest()
        if annotation is not None:
            annotation = rescaled(annotation, ImageRef(f"{city.slug}.png", digest, width, height))
    source = city.sources["map"]
    return MapImage(
        map_id=f"{city.slug}-{digest[:8]}", city=city.slug, country=city.country, file_name=f"{city.slug}.png",
        data=data, width=width, height=height, original_width=info.width, original_height=info.height,
        sha256=digest, source_sha256=info.sha256, license=source.license, upstream=source.upstream,
        kind=city.map_kind,
        derived_from=city.rendered.get("derived_from"), annotation=annotation,
    )


def map_annotation(city: City, data_root: Path, map_path: Path, map_sha256: str,
                   size: tuple[int, int]) -> Annotation | None:
    """The city's annotation (None when it declares none), checked against its pin and against the map it is of."""
    if "annotation" not in city.sources:
        return None
    path = city.source_path("annotation", data_root)
    annotation, actual = load_annotation(path)
    pinned = city.sources["annotation"].sha256
    if pinned is not None and actual != pinned:
        raise SourceError(f"sha256 is {actual}, not the {pinned} pinned in {city.manifest_path}", path)
    image = annotation.image
    if image.sha256 != map_sha256 or (image.width, image.height) != size:
        raise SourceError(f"positions are pixels of another image: the annotation's image must be the map {map_path} "
                          f"(sha256 {map_sha256}, {size[0]} × {size[1]}), but got {image.file_name} "
                          f"(sha256 {image.sha256}, {image.width} × {image.height})", path)
    return annotation

