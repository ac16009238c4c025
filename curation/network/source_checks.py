"""Checks on the source strings of a station list: typos, suffixes, duplicates, partial marks."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import pairwise

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from curation.cities import City
from curation.names import TRANSFER, has_cjk, match_key, parentheticals, without_parentheticals
from curation.network.hints import add_correction, manifest_ref
from curation.network.occurrence import Occurrence, Where
from curation.network.quality import FindingList

# Two names are a suspected typo when their words are equal but for punctuation, one extra
# trailing word, or one word that is an abbreviation of the other (at most this many letters,
# same first letter: `Ctr`/`Center`) or one edit away from it (words of at least this length,
# so that `Klang`/`Kuang` or `Avenue H`/`Avenue I` are not flagged).
ABBREVIATION_MAX = 4
MISSPELLING_MIN_LENGTH = 6
# A last word this close to the city's usual suffix, but not equal, is a misspelt suffix.
SUFFIX_TYPO_RATIO = 75.0

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_GENERIC_WORDS = frozenset({"station", "stations", "staton"})
_DIRECTIONS = frozenset({"east", "west", "north", "south", "e", "w", "n", "s"})


def check_source_names(city: City, occurrences: list[Occurrence],
                       station_of: dict[Where, str]) -> FindingList:
    """All findings about the source strings of `city` (occurrences from the importer)."""
    out = FindingList(city.slug)
    suffix = _usual_suffix(occurrences)
    _near_duplicates(city, occurrences, suffix, out)
    _suffixes(city, occurrences, suffix, out)
    _parentheticals_and_spacing(occurrences, out)
    _duplicates_on_line(occurrences, station_of, out)
    _partial_transfer_marks(occurrences, station_of, out)
    return out


def _near_duplicates(city: City, occs: list[Occurrence], suffix: str | None, out: FindingList) -> None:
    used = Counter(o.parsed.name for o in occs)
    tokens = {n: _tokens(n) for n in sorted(used)}
    for a, b in _candidate_pairs(tokens):
        if not _look_alike(tokens[a], tokens[b]):
            continue
        # The spelling used more often (then: the one with the city's usual suffix) is likely right.
        wrong, right = sorted((a, b), key=lambda n: (used[n], bool(suffix and n.endswith(suffix)), n))
        out.add(
            "warning", "near-duplicate-name",
            f"{wrong!r} and {right!r} differ only slightly: one may be a misspelling of the other",
            f"if they are one station, {add_correction(wrong, right)}; if they are two, list them "
            f"under [distinct] pairs", station=wrong, fixed_by=_correction_between(city, a, b),
        )


def _candidate_pairs(tokens: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Pairs that could look alike: equal when joined, equal but for one word, or one extra last word.

    Bucketing by those keys keeps the check linear in the number of names instead of quadratic.
    """
    buckets: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name, words in tokens.items():
        buckets[("joined", "".join(words))].append(name)
        buckets[("prefix", *words)].append(name)
        if len(words) >= 3:
            buckets[("prefix", *words[:-1])].append(name)
        if len(words) >= 2:
            for i in range(len(words)):
                buckets[("all-but", str(i), *words[:i], *words[i + 1 :], str(len(words)))].append(name)
        elif words and len(words[0]) >= MISSPELLING_MIN_LENGTH:
            word = words[0]  # one-word names: only one-edit misspellings apply (symmetric deletions)
            for variant in {word, *(word[:j] + word[j + 1 :] for j in range(len(word)))}:
                buckets[("edit", variant)].append(name)
    pairs = {(a, b) if a < b else (b, a) for group in buckets.values() for a in group for b in group if a != b}
    return sorted(pairs)


def _tokens(name: str) -> list[str]:
    """Words of a name without its generic suffix (`Station`, `站`)."""
    words = _WORD.findall(match_key(name))
    while words and words[-1] in _GENERIC_WORDS:
        words = words[:-1]
    if words and has_cjk(words[-1]) and len(words[-1]) > 2 and words[-1].endswith("站"):
        words[-1] = words[-1][:-1]
    return words


def _look_alike(a: list[str], b: list[str]) -> bool:
    """Same words up to punctuation or suffix, one abbreviated or slightly misspelt word, or one extra word."""
    if "".join(a) == "".join(b):
        return True
    if any(has_cjk(word) for word in a + b):
        return False  # CJK names differ legitimately by one character: 大学城站 / 大学城南站
    if len(a) == len(b):
        differing = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(differing) == 1 and _word_variant(*differing[0])
    short, long_ = sorted((a, b), key=len)
    return (
        len(long_) == len(short) + 1
        and len(short) >= 2
        and long_[: len(short)] == short
        and long_[-1] not in _DIRECTIONS
    )


def _word_variant(position: int, x: str, y: str) -> bool:
    """`Ctr`/`Center`, `Dist`/`District` (abbreviation) or `Beverley`/`Beverly` (one edit)."""
    if x.isdigit() or y.isdigit() or x[0] != y[0]:
        return False
    short, long_ = sorted((x, y), key=len)
    abbreviation = position > 0 and len(short) <= ABBREVIATION_MAX and len(long_) >= len(short) + 2
    if abbreviation and _is_subsequence(short, long_):
        return True
    return min(len(x), len(y)) >= MISSPELLING_MIN_LENGTH and Levenshtein.distance(x, y) == 1


def _is_subsequence(short: str, long_: str) -> bool:
    letters = iter(long_)
    return all(ch in letters for ch in short)


def _correction_between(city: City, a: str, b: str) -> str | None:
    if (a, b) in city.distinct or (b, a) in city.distinct:
        return manifest_ref("distinct", field="pairs")
    final = {n: match_key(city.corrections.get(n, n)) for n in (a, b)}
    if final[a] == final[b]:
        fixed = a if a in city.corrections else b
        return manifest_ref("corrections", fixed)
    return None


def _usual_suffix(occs: list[Occurrence]) -> str | None:
    """` Station` or `站` when at least 60% of the city's names end in it."""
    names = {o.parsed.name for o in occs}
    for suffix in (" Station", "站"):
        if sum(n.endswith(suffix) for n in names) >= 0.6 * len(names):
            return suffix
    return None


def _suffixes(city: City, occs: list[Occurrence], suffix: str | None, out: FindingList) -> None:
    if suffix is None:
        return
    for name in sorted({o.parsed.name for o in occs}):
        fixed = manifest_ref("corrections", name) if name in city.corrections else None
        doubled = suffix.strip() + suffix
        if name.endswith(doubled):
            out.add(
                "warning", "suffix-doubled", f"{name!r} repeats the suffix {suffix.strip()!r}",
                add_correction(name, name[: -len(suffix)]), station=name, fixed_by=fixed)
        elif not name.endswith(suffix):
            last = name.split()[-1] if suffix.startswith(" ") else name[-1:]
            if suffix.startswith(" ") and fuzz.ratio(last, suffix.strip()) >= SUFFIX_TYPO_RATIO:
                corrected = name[: -len(last)] + suffix.strip()
                out.add(
                    "warning", "suffix-misspelt",
                    f"{name!r} ends in {last!r}, which looks like a misspelt {suffix.strip()!r}",
                    add_correction(name, corrected), station=name, fixed_by=fixed)
            else:
                out.add(
                    "warning", "suffix-missing",
                    f"{name!r} lacks the suffix {suffix.strip()!r} that the city's other names carry",
                    f"if it is a station like the others, {add_correction(name, _with_suffix(name, suffix))}",
                    station=name, fixed_by=fixed)


def _with_suffix(name: str, suffix: str) -> str:
    """The name with the city's suffix at its end: appended, or moved behind a trailing parenthetical."""
    inner, plain = parentheticals(name), without_parentheticals(name)
    if inner and plain.endswith(suffix):  # `Cathedral Pkwy Station (110 St)`
        return f"{plain[: -len(suffix)]} ({inner[-1]}){suffix}"
    return name + suffix


def _parentheticals_and_spacing(occs: list[Occurrence], out: FindingList) -> None:
    for source in sorted({o.parsed.source for o in occs}):
        if source != source.strip() or "  " in source:
            out.add(
                "warning", "whitespace", f"{source!r} has stray white space",
                "nothing to do: names are trimmed on import", station=source.strip(), fixed_by="automatic")
    for name in sorted({o.name for o in occs}):
        inner = parentheticals(name)
        if inner:
            out.add(
                "warning", "parenthetical",
                f"{name!r} carries a parenthetical ({', '.join(inner)})",
                "the name without it is added as an alias; add the parenthetical's own name as an "
                "alias under [aliases] if the map uses it", station=name, fixed_by="automatic alias")


def _duplicates_on_line(occs: list[Occurrence], station_of: dict[Where, str], out: FindingList) -> None:
    by_line: dict[str, dict[str, list[Occurrence]]] = defaultdict(lambda: defaultdict(list))
    lengths: Counter[str] = Counter()
    for occ in occs:
        by_line[occ.line][occ.key].append(occ)
        lengths[occ.line] += 1
    for line, by_key in by_line.items():
        for _, repeated in sorted(by_key.items()):
            count = len(repeated)
            if count < 2 or (count == 2 and repeated[0].index == 0 and repeated[1].index == lengths[line] - 1):
                continue  # a closed loop repeats its first station at the end
            distinct = len({station_of[o.where] for o in repeated}) == count
            consecutive = all(b.index == a.index + 1 for a, b in pairwise(repeated))
            fixed = (manifest_ref("station_splits", repeated[0].name) if distinct
                     else "automatic (a repeat in a row is one stop)" if consecutive else None)
            out.add(
                "warning", "duplicate-on-line",
                f"{line} lists {repeated[0].name!r} {count} times "
                f"(positions {', '.join(str(o.index) for o in repeated)})",
                "if these are different stations of the same name, add a [[station_splits]] entry; "
                "otherwise remove the repeat with a correction upstream",
                line=line, station=repeated[0].name,
                fixed_by=fixed)


def _partial_transfer_marks(occs: list[Occurrence], station_of: dict[Where, str],
                            out: FindingList) -> None:
    marks: dict[str, dict[str, bool]] = defaultdict(dict)
    names: dict[str, str] = {}
    for occ in occs:
        sid = station_of[(occ.line, occ.index)]
        names[sid] = occ.name
        marks[sid][occ.line] = marks[sid].get(occ.line, False) or TRANSFER in occ.parsed.markers
    for sid, by_line in sorted(marks.items()):
        marked = sorted(line for line, m in by_line.items() if m)
        unmarked = sorted(line for line, m in by_line.items() if not m)
        if marked and unmarked:
            out.add(
                "warning", "transfer-mark-partial",
                f"{names[sid]!r} is marked as a transfer on {', '.join(marked)} but not on {', '.join(unmarked)}",
                "nothing to do for routing (transfers follow shared stations); check the source "
                "if the lines do not really meet here", station=names[sid])
