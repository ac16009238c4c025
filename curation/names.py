"""Station and line names: role markers, normalisation keys and stable slugs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from pypinyin import lazy_pinyin, load_phrases_dict, load_single_dict

TRANSFER = "transfer"
BRANCH_START = "branch_start"

# Role markers that the ReasonMap station lists write into the station names.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (TRANSFER, re.compile(r"\s*[（(]\s*(?:换乘站|Transfer Station)\s*[）)]", re.IGNORECASE)),
    (BRANCH_START, re.compile(r"\s*[（(]\s*(?:支线起始站|Branch-starting Station)\s*[）)]", re.IGNORECASE)),
)
PARENTHETICAL = re.compile(r"\s*[（(][^（()）]*[）)]")
_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Place-name readings that pypinyin's general dictionaries get wrong (ids are built from them, so
# they must be right once): 长 is cháng in names (长椿街, 长阳), 莘 is xīn in Shanghai (虹莘路).
_PLACE_CHARS = {"长": "cháng,zhǎng", "莘": "xīn,shēn"}
_PLACE_PHRASES = {
    "朝阳": "cháo yáng", "闵行": "mǐn háng", "刘行": "liú háng", "银都": "yín dū", "民乐": "mín lè",
    "岗厦": "gǎng xià", "石厦": "shí xià", "湾厦": "wān xià", "元厦": "yuán xià", "马家堡": "mǎ jiā pǔ",
    "缪家": "miào jiā", "石咀": "shí zuǐ",
}
load_single_dict({ord(char): readings for char, readings in _PLACE_CHARS.items()})
load_phrases_dict({phrase: [[syllable] for syllable in reading.split()] for phrase, reading in _PLACE_PHRASES.items()})


@dataclass(frozen=True)
class ParsedName:
    """A source station string split into its display name and the role markers it carried."""

    source: str
    name: str
    markers: frozenset[str]


def parse_source_name(source: str) -> ParsedName:
    """Strip role markers from a source station string and tidy its white space."""
    text = unicodedata.normalize("NFC", source)
    markers = set()
    for role, pattern in _MARKERS:
        if pattern.search(text):
            markers.add(role)
            text = pattern.sub("", text)
    return ParsedName(source=source, name=_SPACES.sub(" ", text).strip(), markers=frozenset(markers))


def match_key(name: str) -> str:
    """Key under which two spellings of one name compare equal (width, case, spacing)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return _SPACES.sub(" ", text).strip()


def without_parentheticals(name: str) -> str:
    """`桐木岭（省委党校）站` → `桐木岭站`; `Waitematā (Britomart) Station` → `Waitematā Station`."""
    return _SPACES.sub(" ", PARENTHETICAL.sub("", name)).strip()


def parentheticals(name: str) -> list[str]:
    """The texts inside parentheses (full- or half-width) of a name."""
    return [m.group(0).strip(" （()）") for m in PARENTHETICAL.finditer(name)]


def has_cjk(text: str) -> bool:
    """True when `text` contains CJK ideographs."""
    return bool(_CJK.search(text))


# Letters that Unicode does not decompose into a base letter plus an accent.
TRANSLITERATION = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L",
                                "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE", "ı": "i"})


def slugify(text: str) -> str:
    """ASCII slug: CJK becomes pinyin without tones, accents are dropped, the rest is hyphenated."""
    if has_cjk(text):
        text = " ".join(lazy_pinyin(text))
    text = text.translate(TRANSLITERATION)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")


GENERIC_SUFFIXES = (" Station", "站")


def strip_generic_suffix(name: str) -> str:
    """`Central Station` → `Central`, `临平路站` → `临平路` (a bare `站` name is kept)."""
    for suffix in GENERIC_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + (1 if suffix == "站" else 0):
            return name[: -len(suffix)]
    return name


def stable_ids(keys: list[tuple[str, str]], first_name: dict[str, str]) -> dict[tuple[str, str], str]:
    """Slug ids for (name key, group) keys: the name without its generic suffix, longer forms only where
    slugs collide (the full name, then the full name plus a short hash of the key); `-<group>` appended."""

    def form(key: tuple[str, str], level: int) -> str:
        name, group = first_name[key[0]], key[1]
        slug = slugify(strip_generic_suffix(name) if level == 0 else name) or "station"
        if level == 2:
            slug += "-" + hashlib.sha1(key[0].encode("utf-8")).hexdigest()[:6]
        return f"{slug}-{group}" if group else slug

    ids: dict[tuple[str, str], str] = {}
    pending = list(keys)
    for level in range(3):
        taken: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for key in pending:
            taken[form(key, level)].append(key)
        used = set(ids.values())
        for slug, owners in taken.items():
            if (len(owners) == 1 or level == 2) and slug not in used:
                ids.update(dict.fromkeys(owners, slug))
        pending = [key for key in pending if key not in ids]
    return ids
