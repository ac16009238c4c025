"""User-facing failures. Each one renders as a single line naming the file and the problem.

Each is also the builtin exception that describes it, so code that does not know mapcurate's
classes still catches them: an unknown city, station or line is a `KeyError`; malformed input
(a manifest, a source file, a network with errors) is a `ValueError`; an output that cannot be
written is an `OSError`. `str()` of any of them is the one-line message (not `KeyError`'s quoted
argument, nor `OSError`'s `[Errno …]` form).
"""

from __future__ import annotations

from pathlib import Path


class MapcurateError(Exception):
    """Base class of every failure the CLI reports as one line with a non-zero exit code."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path is not None else message)

    def __str__(self) -> str:
        # The one-line message, also for the builtin bases whose own __str__ differs (KeyError quotes it).
        return Exception.__str__(self)


class ManifestError(MapcurateError, ValueError):
    """A city manifest (`city.toml`) is malformed, invalid or names something that does not exist."""


class SourceError(MapcurateError, ValueError):
    """A source file (station list, map image) is missing or malformed."""


class UnknownCityError(MapcurateError, KeyError):
    """The requested city slug is not a known city folder."""


class UnknownStationError(MapcurateError, KeyError):
    """A station id that the network (or annotation) being asked has no station of."""


class FetchError(MapcurateError):
    """Downloading or verifying an upstream source failed."""


class NetworkValidationError(MapcurateError, ValueError):
    """A built network has errors; the quality report lists all of them."""


class OutputError(MapcurateError, OSError):
    """An output folder or file cannot be written."""


class ImageError(SourceError):
    """A map image is unreadable, corrupt, larger than the pixel bound, or differs from its pinned sha256."""


class LabelStudioError(MapcurateError):
    """Talking to a Label Studio server, or running one, failed; or what it holds does not fit the city's project."""
