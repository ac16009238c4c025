"""User-facing failures. Each one renders as a single line naming the file and the problem."""

from __future__ import annotations

from pathlib import Path


class MapcurateError(Exception):
    """Base class of every failure the CLI reports as one line with a non-zero exit code."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path is not None else message)


class ManifestError(MapcurateError):
    """A city manifest (`city.toml`) is malformed, invalid or names something that does not exist."""


class SourceError(MapcurateError):
    """A source file (station list, map image) is missing or malformed."""


class UnknownCityError(MapcurateError):
    """The requested city slug is not a known city folder."""


class FetchError(MapcurateError):
    """Downloading or verifying an upstream source failed."""


class NetworkValidationError(MapcurateError):
    """A built network has errors; the quality report lists all of them."""


class OutputError(MapcurateError):
    """An output folder or file cannot be written."""


class ImageError(SourceError):
    """A map image is unreadable, corrupt, larger than the pixel bound, or differs from its pinned sha256."""
