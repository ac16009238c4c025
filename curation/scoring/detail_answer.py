"""Read a detail question's answer — yes/no, option letter, integer, station or line name.

`\\boxed{\\text{Yes}}`, `\\boxed{B) 1}`, `\\boxed{(B)}`, `\\boxed{3 lines}`, `\\boxed{three}`,
`\\boxed{是}`, `\\boxed{3条}` all read as what they say. A multiple-choice answer given as the
option's value (`\\boxed{4}`) reads as that option's letter when exactly one option has it.
"""

from __future__ import annotations

import re

from curation.scoring import resolve
from curation.scoring.ground_truth import DetailTruth
from curation.scoring.lexicon import CompiledLexicon
from curation.scoring.numbers import read_integer

_YES = {"yes", "y", "true", "correct", "right", "sim", "si", "oui", "ja",
        "是", "是的", "对", "正确", "有", "在", "相邻"}
_NO = {"no", "n", "false", "incorrect", "wrong", "nao", "non", "nein",
       "否", "不是", "不", "错", "错误", "没有", "不在", "不相邻"}
_WORD = re.compile(r"[a-z]+|[\u4e00-\u9fff]+")
_HEDGE = re.compile(r"\byes\s*(?:or|/)\s*no\b|\bno\s*(?:or|/)\s*yes\b|是否|是或否", re.IGNORECASE)
_REFUSAL = re.compile(r"\bno idea\b|\bnot sure\b|\bunsure\b|\bcannot (?:tell|determine|see)\b|"
                      r"\bcan't (?:tell|determine|see)\b|\bdon't know\b|\bunclear\b|无法|不确定|不知道|看不",
                      re.IGNORECASE)
_LETTER = re.compile(r"^\W*(?:(?:option|choice|answer|选项)\s*[:：]?)?\s*\(?([a-d])\b(?![a-z'])", re.IGNORECASE)
_LETTER_HEDGE = re.compile(r"^\W*\(?[a-d]\)?\s*(?:/|,|or|或)\s*\(?[a-d]\b", re.IGNORECASE)


def read(text: str, truth: DetailTruth, lexicon: CompiledLexicon | None) -> str | int | None:
    """The answer in its canonical form (`yes`, `B`, 3, a station or line id), or None."""
    text = text.strip()
    if not text:
        return None
    if truth["kind"] == "yes_no":
        return _yes_no(text)
    if truth["kind"] == "choice":
        return _choice(text, truth.get("options", []))
    if truth["kind"] == "integer":
        return read_integer(text)
    if lexicon is None:
        return None
    if truth["kind"] == "station":
        ridden = truth.get("line")
        line = lexicon.line_index.get(ridden) if ridden else None
        index = resolve.station(lexicon, text, line).index
        return None if index is None else lexicon.station_ids[index]
    if truth["kind"] == "line":
        index = resolve.line(lexicon, text).index
        return None if index is None else lexicon.line_ids[index]
    return None


def _yes_no(text: str) -> str | None:
    if _HEDGE.search(text) or _REFUSAL.search(text):
        return None
    words = _WORD.findall(text.casefold())
    if not words:
        return None
    first = words[0]
    if first in _YES or (first[0] == "是" and first not in _NO):
        return "yes"
    if first in _NO or first[0] in "否不没":
        return "no"
    return None


def _choice(text: str, options: list[int]) -> str | None:
    if _LETTER_HEDGE.match(text):
        return None
    match = _LETTER.match(text)
    if match:
        return match.group(1).upper()
    value = read_integer(text)
    if value is not None:
        letters = [chr(ord("A") + i) for i, option in enumerate(options) if option == value]
        if len(letters) == 1:
            return letters[0]
    return None
