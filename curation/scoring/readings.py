"""Latin readings of Chinese station names, the way riders and models write them.

`临平路站` → `Linping Lu`, `Linping Lu Zhan` and `Linping Road`; `北京西站` → `Beijing Xi`,
`Beijing Xi Zhan` and `Beijing West`; `上海火车站` → `Shanghai Huoche`, … and `Shanghai Railway
Station`. The English reading translates only a final place-name word (road, street, square,
park, a compass point, railway station); translated names such as `People's Square` need an
alias in the city manifest.
"""

from __future__ import annotations

from pypinyin import lazy_pinyin

from curation.names import has_cjk, without_parentheticals

# Final words of Chinese station names and their English forms, longest first.
_ENGLISH_ENDINGS = (
    ("火车", "Railway Station"), ("大道", "Avenue"), ("大街", "Street"), ("广场", "Square"), ("公园", "Park"),
    ("路", "Road"), ("街", "Street"), ("东", "East"), ("西", "West"), ("南", "South"), ("北", "North"),
)


def _pinyin(text: str) -> str:
    """`临平` → `Linping` (one word per name part, as signs write it)."""
    return "".join(lazy_pinyin(text)).capitalize()


def latin_readings(name: str) -> list[str]:
    """Pinyin and pinyin-plus-English readings of a Chinese name; none for other names."""
    if not has_cjk(name):
        return []
    base = without_parentheticals(name)
    stem = base.removesuffix("站")
    readings = [" ".join(lazy_pinyin(stem))]
    if stem != base:
        readings.append(" ".join(lazy_pinyin(stem)) + " zhan")
    for ending, english in _ENGLISH_ENDINGS:
        head = stem.removesuffix(ending)
        if head != stem and head:
            readings.append(f"{_pinyin(head)} {english}")
            break
    return readings
