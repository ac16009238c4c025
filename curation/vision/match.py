"""Text read off a map matched to the city's station list.

Each station is known by every name and alias it has, in each of two forms: the **key** (NFKC, case-folded,
without parentheticals, a generic suffix such as " Station" or "站", spaces and punctuation — OCR often loses
spaces) and the **reading** (ASCII: Chinese as toneless pinyin, accents dropped — OCR often loses accents, and a
Chinese map's romanised label is the pinyin of its Chinese name). In both, "l" is written "i": OCR reads a small
l and a capital I alike (New York's "Park Pl" comes back "Park PI"). A text is scored against each station:

- 100 when its key equals a name's key;
- 95 when its reading equals a name's reading;
- else the larger rapidfuzz `ratio` (0–100) of key against key and reading against reading.

The best station is the match when its score reaches `threshold` (default 85: one wrong letter in a
seven-letter name scores ~86) and no other station scores as much (a tie is ambiguous and no match). A text
with a station code printed before or after the name (`_CODE`: Dubai's "G22 Gold Souq", Kuala Lumpur's "KJ10")
is also tried without it, and the better match kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from curation.errors import MapcurateError
from curation.names import match_key, slugify, without_parentheticals
from curation.network.model import Network

THRESHOLD = 85.0
_NOT_WORD = re.compile(r"[\W_]+")
_SUFFIX = re.compile(r"(\s+station|站)$")
_CODE = re.compile(r"^[A-Z]{1,3}\d{1,3}[A-Z]?\s+|\s+[A-Z]{1,3}\d{1,3}[A-Z]?$")


@dataclass(frozen=True)
class NameMatch:
    """A text matched to a station: its id, the score (0–100) and the name it matched."""

    station_id: str
    score: float
    name: str


def _bare(text: str) -> str:
    """Case-folded, without parentheticals and without a generic suffix (kept when it is the whole name)."""
    folded = without_parentheticals(match_key(text))
    bare = _SUFFIX.sub("", folded)
    return bare if bare.strip() else folded


def key(text: str) -> str:
    """The comparison key of a name or a read text (see the module doc)."""
    return _NOT_WORD.sub("", _bare(text)).replace("l", "i")


def reading(text: str) -> str:
    """The ASCII reading of a name or a read text: pinyin for Chinese, accents dropped."""
    return slugify(_bare(text)).replace("-", "").replace("l", "i")


class NameMatcher:
    """Matches texts to the stations of one network (forms computed once)."""

    def __init__(self, names: Mapping[str, Iterable[str]], threshold: float = THRESHOLD) -> None:
        if not 0 <= threshold <= 100:
            raise MapcurateError(f"threshold must be in [0, 100], but got {threshold}")
        self.threshold = threshold
        self._forms: list[tuple[str, str, str, str]] = []  # (station id, name, key, reading)
        for station_id in sorted(names):
            for name in dict.fromkeys(names[station_id]):
                k, r = key(name), reading(name)
                if k or r:
                    self._forms.append((station_id, name, k, r))

    @classmethod
    def of_network(cls, network: Network, threshold: float = THRESHOLD) -> NameMatcher:
        """Every station of the network by all its names (each language) and aliases."""
        return cls({s.id: [*s.names.values(), *s.aliases] for s in network.stations.values()}, threshold)

    def scores(self, text: str) -> dict[str, tuple[float, str]]:
        """Each station's best score for `text` and the name that gave it."""
        k, r = key(text), reading(text)
        best: dict[str, tuple[float, str]] = {}
        if not (k or r):
            return best
        for station_id, name, name_key, name_reading in self._forms:
            if k and k == name_key:
                score = 100.0
            elif r and r == name_reading:
                score = 95.0
            else:
                score = max(fuzz.ratio(k, name_key) if k and name_key else 0.0,
                            fuzz.ratio(r, name_reading) if r and name_reading else 0.0)
            if score > best.get(station_id, (-1.0, ""))[0]:
                best[station_id] = (round(score, 3), name)
        return best

    def match(self, text: str) -> NameMatch | None:
        """The station `text` names, or None (below the threshold, or a tie between stations); with a station
        code beside the name, the better of the text's match and the name's alone (module doc)."""
        found = self._best(text)
        stripped = text.strip()
        bare = _CODE.sub("", stripped)
        if bare and bare != stripped:
            without = self._best(bare)
            if without is not None and (found is None or without.score > found.score):
                return without
        return found

    def namesakes(self, text: str) -> tuple[NameMatch, ...]:
        """The stations tied at the best score (at least the threshold) when `text` names more than one — New
        York's "103 St" is three stations — else (); `curation.vision.namesakes` tells them apart."""
        for candidate in dict.fromkeys((text, _CODE.sub("", text.strip()))):
            top = self._top(candidate)
            if len(top) > 1:
                return top
        return ()

    def _best(self, text: str) -> NameMatch | None:
        top = self._top(text)
        return top[0] if len(top) == 1 else None

    def _top(self, text: str) -> tuple[NameMatch, ...]:
        """The stations with the best score for `text`, if it reaches the threshold (several: a tie)."""
        ranked = sorted(((score, station_id, name) for station_id, (score, name) in self.scores(text).items()),
                        key=lambda item: (-item[0], item[1]))
        if not ranked or ranked[0][0] < self.threshold:
            return ()
        return tuple(NameMatch(station_id, score, name) for score, station_id, name in ranked
                     if score == ranked[0][0])
