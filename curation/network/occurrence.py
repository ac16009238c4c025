"""One entry of a source line list, as the importer and the source checks see it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from curation.names import ParsedName, match_key

Where = tuple[str, int]
"""(source line name, index in its list): where an occurrence stands."""


@dataclass(frozen=True)
class Occurrence:
    """Entry `index` of source line `line`: the parsed string, its corrected name, and which
    occurrence of that name on the line it is (1-based)."""

    line: str
    index: int
    parsed: ParsedName
    name: str
    number: int

    @cached_property
    def key(self) -> str:
        return match_key(self.name)

    @property
    def where(self) -> Where:
        return (self.line, self.index)
