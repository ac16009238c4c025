"""Namesakes told apart: a label whose name several stations share, given to the one whose line runs beside it.

New York's station list has three "103 St" stations (one each on Broadway, Central Park West and Lexington Av);
the map prints just "103 St" beside each. Such a text ties between stations (`NameMatcher.namesakes`) and
matches none. Two things on the map say which station it is:

1. **Route bullets** — line names printed within `REACH` label heights of the label, nearer to it than to any
   other label (New York's "1", "C B" on its row or under the start of a diagonal's label, or read into the
   label: "96 St 1 2 3"): the station serving most of the lines named, if one serves more than every other.
2. **Line colour** — the station whose lines' colours (as matched to the map, `colours.match_lines`) come
   nearest the label's box, within `REACH` label heights, when every other is at least `MARGIN` times
   farther (or absent); else the station with more of its colours within `BESIDE` label heights than any other
   (Brooklyn's Kings Hwy on the orange B and yellow Q, beside its namesakes on the orange F and on the yellow N).

Bullets read into a label are also dropped from it before matching ("96 St 1 2 3" is "96 St"), so a name shared by
no other station matches once its bullets are gone — also when OCR ran them into the name without a space: after
its last word ("30 AvWN", "174 St2⑤") or, as letters, before its first number ("ACBD145 St"). A text neither step
decides stays unmatched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from curation.network.model import Network
from curation.vision.colours import ColourOptions, MapColour, to_lab
from curation.vision.labels import Matched
from curation.vision.match import NameMatch, NameMatcher
from curation.vision.ocr import TextBox

REACH = 3.0
"""label heights around a label's box searched for its line's colour and its bullets."""
MARGIN = 1.5
"""how much farther than the nearest every other namesake's line colour must be."""
BESIDE = 1.0
"""label heights within which a line colour runs beside a label (Brooklyn's Kings Hwy: the B's orange 0, the Q's
yellow 0.75; the F's Kings Hwy has the N's yellow 2 heights away)."""
BULLET = 2
"""the longest line name read as a route bullet ("1", "A", "FS")."""
_GLUED_AFTER = re.compile(r"^(.*[a-z.])([A-Z0-9]+)$")
"""a word ending in a small letter with capitals or digits run on: "AvWN", "St25" (NFKC turns ⑤ into 5)."""
_GLUED_BEFORE = re.compile(r"^([A-Z]+)(\d.*)$")
"""capitals run on before a number: "ACBD145"."""


@dataclass(frozen=True)
class Lines:
    """What the map shows of each station's lines: their bullet names and matched colours."""

    of_station: Mapping[str, frozenset[str]]
    bullets: Mapping[str, frozenset[str]]
    """a bullet's text (a line's short name) → the lines it names."""
    colours: Mapping[str, MapColour]

    @classmethod
    def of_network(cls, network: Network, colours: Mapping[str, MapColour]) -> Lines:
        of_station: dict[str, set[str]] = {}
        bullets: dict[str, set[str]] = {}
        for line in network.lines.values():
            for station_id in line.station_ids:
                of_station.setdefault(station_id, set()).add(line.id)
            for name in {*line.names.values(), line.source_name or ""}:
                if 0 < len(name.strip()) <= BULLET:
                    bullets.setdefault(name.strip(), set()).add(line.id)
        return cls({k: frozenset(v) for k, v in of_station.items()}, {k: frozenset(v) for k, v in bullets.items()},
                   colours)

    def named_by(self, token: str, digits: bool = True) -> frozenset[str] | None:
        """The lines a token names as bullets — one name ("1") or one-character names run together ("CB"; "56"
        only with `digits`: in a label, "125" is a number) — or None when it is not bullets."""
        if token in self.bullets:
            return self.bullets[token]
        if len(token) > 1 and all(char in self.bullets and (digits or not char.isdigit()) for char in token):
            return frozenset().union(*(self.bullets[char] for char in token))
        return None


def tell_apart(matched: Sequence[Matched], matcher: NameMatcher, lines: Lines, image: Image.Image,
               options: ColourOptions | None = None) -> list[Matched]:
    """`matched` (from `labels.join_labels`) with each unmatched text that names namesakes given to the one its
    bullets or line colour point to, and bullets read into a label dropped from it (module doc)."""
    options = options or ColourOptions()
    texts = [text for text, _ in matched]
    out: list[Matched] = []
    for text, found in matched:
        if found is not None:
            out.append((text, found))
            continue
        name, named = _without_bullets(text.text, lines)
        tied = matcher.namesakes(text.text)
        if not tied and name != text.text:
            found = matcher.match(name)
            tied = () if found is not None else matcher.namesakes(name)
        if tied:
            named |= _bullets_beside(text, texts, lines)
            found = _by_bullets(tied, named, lines) or _by_colour(tied, text, lines, image, options)
        out.append((text, found))
    return out


def _without_bullets(text: str, lines: Lines) -> tuple[str, frozenset[str]]:
    """The text without the bullets at its start and end, apart or run into its words, and the lines they name."""
    tokens = text.split()
    named: set[str] = set()
    while len(tokens) > 1 and (first := lines.named_by(tokens[0], digits=False)) is not None:
        named |= first
        tokens.pop(0)
    while len(tokens) > 1 and (last := lines.named_by(tokens[-1], digits=False)) is not None:
        named |= last
        tokens.pop()
    glued = _GLUED_AFTER.match(unicodedata.normalize("NFKC", tokens[-1])) if tokens else None
    if glued and (after := lines.named_by(glued[2])) is not None:
        named |= after
        tokens[-1] = glued[1]
    glued = _GLUED_BEFORE.match(unicodedata.normalize("NFKC", tokens[0])) if tokens else None
    if glued and (before := lines.named_by(glued[1], digits=False)) is not None:
        named |= before
        tokens[0] = glued[2]
    return " ".join(tokens), frozenset(named)


def _bullets_beside(text: TextBox, texts: Sequence[TextBox], lines: Lines) -> frozenset[str]:
    """The lines named by bullet-only texts within `REACH` heights of the label, each nearer to it than to any other
    label (New York prints a station's bullets right beside its name, or at the start of a diagonal's label)."""
    named: set[str] = set()
    bullets = {id(other): _bullet_lines(other, lines) for other in texts}
    for other in texts:
        found = bullets[id(other)]
        if other is text or found is None:
            continue
        gap = _gap(text, other)
        if gap <= REACH * (text.box[3] - text.box[1]) and not any(
                bullets[id(label)] is None and label is not text and _gap(label, other) < gap for label in texts):
            named |= found
    return frozenset(named)


def _bullet_lines(text: TextBox, lines: Lines) -> frozenset[str] | None:
    """The lines a text of bullets only names ("3 2", "4 56"), or None when it is not bullets only."""
    tokens = [lines.named_by(token) for token in text.text.split()]
    if not tokens or any(token is None for token in tokens):
        return None
    return frozenset().union(*(token for token in tokens if token is not None))


def _gap(a: TextBox, b: TextBox) -> float:
    """The distance between two texts' boxes (0 when they meet)."""
    dx = max(b.box[0] - a.box[2], a.box[0] - b.box[2], 0.0)
    dy = max(b.box[1] - a.box[3], a.box[1] - b.box[3], 0.0)
    return float(np.hypot(dx, dy))


def _by_bullets(tied: Sequence[NameMatch], named: frozenset[str], lines: Lines) -> NameMatch | None:
    if not named:
        return None
    served = sorted(((len(lines.of_station.get(m.station_id, frozenset()) & named), m) for m in tied),
                    key=lambda item: -item[0])
    if served[0][0] > 0 and (len(served) == 1 or served[1][0] < served[0][0]):
        return served[0][1]
    return None


def _by_colour(tied: Sequence[NameMatch], text: TextBox, lines: Lines, image: Image.Image,
               options: ColourOptions) -> NameMatch | None:
    x0, y0, x1, y1 = text.box
    reach = REACH * (y1 - y0)
    window = (max(0, int(x0 - reach)), max(0, int(y0 - reach)), min(image.width, int(x1 + reach) + 1),
              min(image.height, int(y1 + reach) + 1))
    if window[0] >= window[2] or window[1] >= window[3]:
        return None
    lab = to_lab(np.asarray(image.crop(window)))
    ys, xs = np.mgrid[window[1]:window[3], window[0]:window[2]]
    gap = np.hypot(np.maximum(np.maximum(x0 - xs, xs - x1), 0), np.maximum(np.maximum(y0 - ys, ys - y1), 0))
    nearest: dict[tuple[float, float, float], float] = {}  # each line colour's nearest pixel to the label
    for colour in {c.lab for c in lines.colours.values()}:
        near = np.linalg.norm(lab - np.asarray(colour), axis=-1) <= options.near
        nearest[colour] = float(gap[near].min()) if near.any() else np.inf
    distances, present = [], []
    for match in tied:
        own = [nearest[c] for c in {lines.colours[line].lab for line in lines.of_station.get(match.station_id, ())
                                    if line in lines.colours}]
        distances.append((min(own, default=np.inf), match))
        present.append((sum(d <= BESIDE * (y1 - y0) for d in own), match))
    distances.sort(key=lambda item: item[0])
    best = distances[0][0]
    if best <= reach and (len(distances) == 1 or distances[1][0] >= MARGIN * best + 1.0):
        return distances[0][1]
    present.sort(key=lambda item: -item[0])  # else the one with more of its colours beside the label
    if present[0][0] > 0 and (len(present) == 1 or present[1][0] < present[0][0]):
        return present[0][1]
    return None
