"""Optional dependencies (pip extras): import one, or fail in one line that names the extra to install.

The core install covers building networks, questions, exports, scoring and rendering. Stacks only some
commands need live in extras of `pyproject.toml`: `annotate` (the Label Studio SDK, for the `annotate`
commands that talk to a Label Studio server) and `prelabel` (RapidOCR and onnxruntime, for reading map labels in
`curation/vision/`). Those commands import their stack through `require`, so a missing extra is
`error: <purpose> needs the '<extra>' extra: pip install 'mapcurate[<extra>]'` and exit code 2, not a
traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from curation.errors import MapcurateError


class MissingExtraError(MapcurateError, ImportError):  # type: ignore[misc]  # ImportError.path: str | None
    """A module of an optional extra is not installed; the message says which extra to install."""

    def __init__(self, module: str, extra: str, purpose: str) -> None:
        super().__init__(f"{purpose} needs the '{extra}' extra: pip install 'mapcurate[{extra}]'")
        self.name = module  # ImportError's name: the module that could not be imported
        self.extra = extra


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import `module` (e.g. `label_studio_sdk`) of the pip extra `extra`, for `purpose` (e.g. `annotate push`).

    Raises `MissingExtraError` when the module, or a module it imports, is not installed (reinstalling the
    extra fixes both); any other import failure propagates unchanged.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise MissingExtraError(module, extra, purpose) from exc
