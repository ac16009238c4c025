"""Cutting a map into Label Studio tasks: overlapping tiles that each own a core, cut in bounded memory.

Browsers slow down on huge images and on tasks with hundreds of regions (reference §9), so a map above
`MAX_TASK_PIXELS` is cut into `TILE_SIZE` tiles that overlap by `OVERLAP` px (enough for a marker and its
label to be whole in one tile), and tiles are made smaller (down to `MIN_TILE_SIZE`) until no tile holds
more than `MAX_STATIONS` stations. Each tile's **core** is the part it owns: neighbours split their overlap
in the middle, so every pixel of the map is in exactly one core. On pull, a station seen in two tiles is
kept from the tile whose core holds it, and line traces are cut at core edges and joined there.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from PIL import Image

from curation.annotations.model import ImageRef, Point
from curation.errors import MapcurateError
from curation.images import normalise, tile_starts

MAX_TASK_PIXELS = 4096 * 4096
"""A map with more pixels than this is tiled (a 4096² PNG opens smoothly in Chromium's canvas)."""
TILE_SIZE = 4096
OVERLAP = 256
"""px two neighbouring tiles share: a station marker and its label fit in it whole."""
MAX_STATIONS = 250
"""stations per task at most (a station is 1 + one name per language regions; browsers slow at ~700)."""
MIN_TILE_SIZE = 1024
ENCODERS = 2
"""threads encoding tile PNGs ahead of the upload."""


@dataclass(frozen=True)
class Tile:
    """One task's window on the map, in full-image pixels, and the core it owns."""

    x0: int
    y0: int
    width: int
    height: int
    core: tuple[int, int, int, int]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x0, self.y0, self.x0 + self.width, self.y0 + self.height)

    def key(self, image: ImageRef) -> str:
        """The tile's identity in a project: the map's sha256 prefix and the window."""
        return f"{image.sha256[:16]}-{self.x0}-{self.y0}-{self.width}x{self.height}"

    def in_core(self, point: Point) -> bool:
        x0, y0, x1, y1 = self.core
        return x0 <= point[0] <= x1 and y0 <= point[1] <= y1

    def to_dict(self) -> dict[str, Any]:
        return {"x0": self.x0, "y0": self.y0, "width": self.width, "height": self.height, "core": list(self.core)}

    @classmethod
    def from_dict(cls, data: Any, where: str) -> Tile:
        """A tile as a task's data holds it; anything else is a `MapcurateError` naming `where`."""
        try:
            core = tuple(int(v) for v in data["core"])
            tile = cls(int(data["x0"]), int(data["y0"]), int(data["width"]), int(data["height"]),
                       (core[0], core[1], core[2], core[3]))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise MapcurateError(f"{where}: the task's tile must be {{x0, y0, width, height, core}}, "
                                 f"but got {data!r}") from exc
        if tile.width < 1 or tile.height < 1 or tile.x0 < 0 or tile.y0 < 0:
            raise MapcurateError(f"{where}: the task's tile must have a positive size, but got {data!r}")
        return tile


def plan_tiles(width: int, height: int, points: Sequence[Point] = (), *, max_pixels: int = MAX_TASK_PIXELS,
               size: int = TILE_SIZE, overlap: int = OVERLAP, max_stations: int = MAX_STATIONS) -> tuple[Tile, ...]:
    """The tasks of a `width` × `height` map whose stations are at `points`: the whole map when it is small
    enough and holds few enough stations, else the largest tiles (from `size` down) that do."""
    if width * height <= max_pixels and len(points) <= max_stations:
        return (Tile(0, 0, width, height, (0, 0, width, height)),)
    size = min(size, max(width, height))
    while True:
        tiles = _grid(width, height, size, min(overlap, size // 4))
        crowded = max(sum(1 for p in points if _inside(p, t.box)) for t in tiles)
        if crowded <= max_stations or size <= MIN_TILE_SIZE:
            return tiles
        size = max(MIN_TILE_SIZE, size * 3 // 4)


def _grid(width: int, height: int, size: int, overlap: int) -> tuple[Tile, ...]:
    xs, ys = tile_starts(width, size, overlap), tile_starts(height, size, overlap)
    tw, th = min(size, width), min(size, height)
    x_cores, y_cores = _cores(xs, tw, width), _cores(ys, th, height)
    return tuple(Tile(x, y, tw, th, (cx[0], cy[0], cx[1], cy[1]))
                 for y, cy in zip(ys, y_cores, strict=True) for x, cx in zip(xs, x_cores, strict=True))


def _cores(starts: list[int], size: int, length: int) -> list[tuple[int, int]]:
    """Along one axis, each tile's owned interval: neighbours meet in the middle of their overlap."""
    cuts = [0] + [(nxt + start + size) // 2 for start, nxt in pairwise(starts)] + [length]
    return [(cuts[i], cuts[i + 1]) for i in range(len(starts))]


def _inside(point: Point, box: tuple[int, int, int, int]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def cut_tiles(image: Image.Image, tiles: Sequence[Tile], workers: int = ENCODERS) -> Iterator[tuple[Tile, bytes]]:
    """Each tile as 8-bit RGB PNG bytes, in order, cut from the decoded map (one full-size copy: the map itself,
    best in its own mode, `load(rgb=False)`: each tile is normalised to RGB on its own).

    `workers` threads encode the next tiles while the caller uploads this one (zlib releases the GIL); at most
    `workers` crops exist at a time. Encoding is deterministic: the same map gives the same bytes (no
    metadata, fixed compression), however many workers.
    """
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending: deque[tuple[Tile, Future[bytes]]] = deque()
        for tile in tiles:
            pending.append((tile, pool.submit(_png, image.crop(tile.box))))  # crops in this thread only
            if len(pending) >= workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def _png(crop: Image.Image) -> bytes:
    rgb = normalise(crop)
    buffer = io.BytesIO()
    rgb.save(buffer, format="PNG", compress_level=6)
    crop.close()
    rgb.close()
    return buffer.getvalue()
