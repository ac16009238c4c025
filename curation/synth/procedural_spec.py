"""The knobs of a procedural network (`NetworkSpec`), their validation, and the line palette."""

from __future__ import annotations

from dataclasses import dataclass

from curation.errors import MapcurateError

# Line colours, named for `<Colour> Line` names; distinct and readable on white.
PALETTE: tuple[tuple[str, str], ...] = (
    ("Red", "#D7263D"), ("Blue", "#1B4F9C"), ("Green", "#2E9E48"), ("Orange", "#F7931D"),
    ("Purple", "#7B3F98"), ("Brown", "#8B5A2B"), ("Pink", "#E4509A"), ("Teal", "#00897B"),
    ("Yellow", "#E0B000"), ("Navy", "#1D2F6F"), ("Lime", "#76B82A"), ("Magenta", "#B5179E"),
    ("Sky", "#2FA4E7"), ("Maroon", "#800020"), ("Olive", "#6B8E23"), ("Grey", "#6C757D"),
    ("Gold", "#B8860B"), ("Violet", "#5E35B1"), ("Coral", "#F0624D"), ("Cyan", "#00A5BD"),
    ("Forest", "#1B5E20"), ("Crimson", "#B71C1C"), ("Indigo", "#3949AB"), ("Rose", "#C2185B"),
)
LANGUAGES = ("en", "zh")


class SpecError(MapcurateError):
    """A `NetworkSpec` value is out of range or the spec asks for something impossible."""


@dataclass(frozen=True)
class NetworkSpec:
    """Every knob of a procedural network.

    `loops` of the `lines` are closed rides; `branches` of the others are Y-shaped (two variants
    sharing a trunk); `shared_track` lines each ride a run of ≥ 2 consecutive track edges of an
    earlier line. `interchanges` is the exact number of transfer stations (stations served by two or
    more lines, shared runs included); `None` lets the seed choose. `language` is the script of the
    station names (`zh` maps also get English line names).
    """

    lines: int = 5
    stations_per_line: tuple[int, int] = (8, 16)
    loops: int = 0
    branches: int = 0
    shared_track: int = 0
    language: str = "en"
    interchanges: int | None = None

    def __post_init__(self) -> None:
        _require_int("lines", self.lines, 1, len(PALETTE))
        spl = self.stations_per_line
        if not (isinstance(spl, tuple) and len(spl) == 2 and all(isinstance(v, int) for v in spl)
                and 3 <= spl[0] <= spl[1] <= 400):
            raise SpecError(f"`stations_per_line` must be a pair (low, high) with 3 <= low <= high <= 400, "
                            f"but got {spl!r}")
        _require_int("loops", self.loops, 0, self.lines)
        _require_int("branches", self.branches, 0, self.lines - self.loops)
        _require_int("shared_track", self.shared_track, 0, min(self.lines - self.loops, self.lines - 1))
        if (self.loops or self.branches or self.shared_track) and spl[1] < 5:
            raise SpecError(f"`stations_per_line` must be a range with high >= 5 for loops, branches or shared "
                            f"track, but got {spl!r}")
        if self.language not in LANGUAGES:
            raise SpecError(f"`language` must be one of {', '.join(LANGUAGES)}, but got {self.language!r}")
        if self.interchanges is not None:
            _require_int("interchanges", self.interchanges, 0, 10_000)


def _require_int(name: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SpecError(f"`{name}` must be an integer from {low} to {high}, but got {value!r}")
