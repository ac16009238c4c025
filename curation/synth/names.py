"""Seeded generators of plausible, fictional station, line and city names (Latin and Chinese).

Every generator draws from a `random.Random` it is given, so one seed gives one sequence. Station
names are unique within a `NameGenerator` both as text and as slug (the station id a ReasonMap
import would give them), so generated names never collide as ids either.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace

from curation.errors import MapcurateError
from curation.names import has_cjk, match_key, slugify
from curation.network.model import Line, Network, Station

LANGUAGES = ("en", "zh")

# Latin word parts: roots take an ending ("Marl" + "ow"), or stand as a word ("Kell Street").
_ROOTS = (
    "Ash", "Bel", "Birch", "Brad", "Bram", "Carr", "Cole", "Crow", "Dal", "Dun", "Elm", "Fal", "Fen", "Frost",
    "Glen", "Gran", "Hal", "Hart", "Hol", "Ive", "Kell", "Kir", "Lang", "Lin", "Mar", "Marl", "Mel", "Mor",
    "Nor", "Oak", "Pen", "Quen", "Ral", "Ros", "Sal", "Stan", "Tam", "Thorn", "Tor", "Ul", "Vel", "Wen",
    "Wick", "Wil", "Wyn", "Yar", "Bex", "Cal", "Dor", "Ex", "Gil", "Har", "Lud", "Mab", "Ned", "Orm", "Pol",
)
_ENDINGS = (
    "ow", "brook", "ford", "ton", "field", "wood", "ley", "bury", "wick", "more", "dale", "stead", "mouth",
    "ham", "worth", "gate", "hurst", "side", "by", "combe", "well", "bridge", "mere", "holt", "thorpe", "cliff",
    "haven", "minster", "ridge", "stow", "ing", "ey", "wold", "church",
)
_PLACE_WORDS = (
    "Park", "Street", "Road", "Square", "Gate", "Cross", "Hill", "Green", "Bridge", "Lane", "Market", "Quay",
    "Common", "Circus", "Heights", "Junction", "Central", "Avenue", "Gardens", "Row", "Wharf", "Fields", "Vale",
    "Terrace", "Place", "Yard", "Docks", "Parade",
)
_LANDMARKS = (
    "Harbour", "Museum", "Cathedral", "Castle", "Observatory", "Library", "Exchange", "Arsenal", "Foundry",
    "Brewery", "Mint", "Tannery", "Mill", "Ferry", "Lighthouse", "Orchard", "Meadow", "Forum", "Arcade",
    "Conservatory", "Granary", "Armoury", "Pavilion", "Chapel", "Abbey",
)
_QUALIFIERS = ("North", "South", "East", "West", "Upper", "Lower", "Old", "New", "Great", "Little")
_DIRECTIONS = ("North", "South", "East", "West")

# Common simplified characters of Chinese place names.
_ZH_FIRST = "青南北东西石金银龙凤白红新华长安平和春秋明光文武天宁福兴德嘉云海田林竹杨柳梅桃松江河湖山泉" \
            "月星花草玉翠清永太康盛丰泰景乐宝吉瑞锦彩绿紫黄岳雁鹤鹿虹霞晨晓碧"
_ZH_SECOND = "湖港桥山河江洲岛林园塘湾溪泉坪岭峰源川田庄村城门关亭台阁寺井沙滩坡岗岸"
_ZH_SUFFIX1 = "路街桥门口湾港村园庄塘坊镇湖山坪岭"
_ZH_SUFFIX2 = ("广场", "公园", "大道", "新村", "中心", "新城", "花园", "大街", "北路", "南路", "东路", "西路")
_ZH_DIRECTIONS = "东西南北"
_ZH_CITY_SUFFIX = "州城阳安江宁海原"



class NameGenerator:
    """Unique station names of one network in `language` (`en` Latin, `zh` Chinese), drawn from `rng`.

    `avoid` holds names (compared by `match_key`) and slugs that no generated name may take.
    """

    def __init__(self, rng: random.Random, language: str = "en", avoid: Iterable[str] = ()) -> None:
        if language not in LANGUAGES:
            raise MapcurateError(f"`language` must be one of {', '.join(LANGUAGES)}, but got {language!r}")
        self.rng = rng
        self.language = language
        self._keys: set[str] = set()
        self._slugs: set[str] = set()
        for name in avoid:
            self._keys.add(match_key(name))
            self._slugs.add(slugify(name))

    def station(self) -> str:
        """A new station name, unique as text and as slug."""
        draw = self._latin if self.language == "en" else self._chinese
        for _ in range(10_000):
            name = draw()
            key, slug = match_key(name), slugify(name)
            if slug and key not in self._keys and slug not in self._slugs and _plausible(name):
                self._keys.add(key)
                self._slugs.add(slug)
                return name
        raise MapcurateError(f"`language` {self.language!r} ran out of unique station names")

    def stations(self, count: int) -> list[str]:
        return [self.station() for _ in range(count)]

    def _latin(self) -> str:
        rng = self.rng
        word = _compound(rng)
        roll = rng.random()
        if roll < 0.3:
            return word
        if roll < 0.62:
            return f"{word} {rng.choice(_PLACE_WORDS)}"
        if roll < 0.72:
            return f"{rng.choice(_LANDMARKS)} {rng.choice(_PLACE_WORDS)}"
        if roll < 0.8:
            return f"{rng.choice(_QUALIFIERS)} {word}"
        if roll < 0.88:
            return f"{word} {rng.choice(_DIRECTIONS)}"
        if roll < 0.94:
            return f"{rng.choice(_QUALIFIERS)} {word} {rng.choice(_PLACE_WORDS)}"
        return f"{rng.choice(_ROOTS)} {rng.choice(_PLACE_WORDS)}"

    def _chinese(self) -> str:
        rng = self.rng
        word = rng.choice(_ZH_FIRST) + rng.choice(_ZH_SECOND)
        roll = rng.random()
        if roll < 0.2:
            return word
        if roll < 0.55:
            return word + rng.choice(_ZH_SUFFIX1)
        if roll < 0.75:
            return word + rng.choice(_ZH_SUFFIX2)
        if roll < 0.9:
            return word + rng.choice(_ZH_DIRECTIONS)
        return word + rng.choice(_ZH_SUFFIX1) + rng.choice(_ZH_DIRECTIONS)


def _plausible(name: str) -> bool:
    """No character twice in a Chinese name (湖坡湖西), no word twice in a Latin one."""
    if has_cjk(name):
        return len(set(name)) == len(name)
    words = name.split()
    return len(set(words)) == len(words)


def _compound(rng: random.Random) -> str:
    root, ending = rng.choice(_ROOTS), rng.choice(_ENDINGS)
    if root[-1] == ending[0]:
        ending = ending[1:]
    return root + ending


def city_name(rng: random.Random, language: str = "en") -> dict[str, str]:
    """A fictional city name: `{"en": "Dorhaven"}`, or for `zh` `{"zh": "石江", "en": "Shijiang"}` (pinyin)."""
    if language == "zh":
        zh = rng.choice(_ZH_FIRST) + rng.choice(_ZH_CITY_SUFFIX)
        while len(set(zh)) < 2:
            zh = rng.choice(_ZH_FIRST) + rng.choice(_ZH_CITY_SUFFIX)
        return {"zh": zh, "en": slugify(zh).replace("-", "").title()}
    roll = rng.random()
    en = _compound(rng)
    if roll < 0.15:
        en = f"Port {en}"
    elif roll < 0.25:
        en = f"{en} {rng.choice(('City', 'Bay', 'Falls'))}"
    return {"en": en}


def numbered_line_names(number: int, languages: Iterable[str]) -> dict[str, str]:
    """`Line 3` (and `3号线` when `zh` is among `languages`)."""
    names = {"en": f"Line {number}"}
    if "zh" in languages:
        names["zh"] = f"{number}号线"
    return names


def named_line_name(rng: random.Random) -> dict[str, str]:
    """`Eastbrook Line`, `Harbour Line`: a line named after a place."""
    word = _compound(rng) if rng.random() < 0.7 else rng.choice(_LANDMARKS)
    return {"en": f"{word} Line"}


def line_id(names: dict[str, str], taken: Iterable[str]) -> str:
    """The id a ReasonMap import gives a line of these names: `red-line`, `line-3`, deduplicated with `-2`."""
    base = slugify(names["en"])
    if len(base) <= 2 or base[0].isdigit():
        base = f"line-{base}"
    used = set(taken)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def rename_network(network: Network, seed: int) -> tuple[Network, dict[str, str]]:
    """A copy of `network` with every station and line renamed, and the old → new id mapping.

    New ids are the slugs of the new names, as the ReasonMap import makes them; topology, variants,
    loops, colours and transfer marks are kept. No new name equals (by `match_key`) an old station or
    line name, alias or source name. Station names are in the network's first language; line names in
    English, plus Chinese for Chinese networks.
    """
    rng = random.Random(seed)
    language = "zh" if network.languages and network.languages[0] == "zh" else "en"
    old_names = [n for s in network.stations.values() for n in (*s.names.values(), *s.aliases, *s.source_names)]
    old_line_names = [n for line in network.lines.values()
                      for n in (*line.names.values(), *line.aliases, *([line.source_name] if line.source_name else []))]
    generator = NameGenerator(rng, language, avoid=old_names + old_line_names)
    mapping: dict[str, str] = {}
    stations: dict[str, Station] = {}
    for old_id in sorted(network.stations):
        old = network.stations[old_id]
        name = generator.station()
        new_id = slugify(name)
        mapping[old_id] = new_id
        stations[new_id] = replace(old, id=new_id, names={language: name}, aliases=[], source_names=[name],
                                   disambiguation=None, lines=[])
    line_names = _renamed_line_names(network, rng, language, old_line_names)
    lines: dict[str, Line] = {}
    for old_id, names in line_names.items():
        old_line = network.lines[old_id]
        new_id = line_id(names, lines)
        mapping[old_id] = new_id
        lines[new_id] = replace(old_line, id=new_id, names=names, aliases=[], source_name=names["en"], note=None,
                                variants=[[mapping[s] for s in v] for v in old_line.variants])
        for sid in lines[new_id].station_ids:
            stations[sid].lines.append(new_id)
    for station in stations.values():
        station.lines.sort()
    renamed = Network(city=network.city, country=network.country, city_names=dict(network.city_names),
                      languages=list(network.languages), stations=stations, lines=lines,
                      sources=dict(network.sources))
    return renamed, mapping


def _renamed_line_names(network: Network, rng: random.Random, language: str,
                        old_names: list[str]) -> dict[str, dict[str, str]]:
    """Old line id → new names: numbered lines for Chinese networks, numbered or named for the rest."""
    avoid = {match_key(n) for n in old_names}
    order = sorted(network.lines)
    out: dict[str, dict[str, str]] = {}
    if language == "zh" or rng.random() < 0.5:
        number = rng.randint(1, 5)
        for old_id in order:
            while True:
                names = numbered_line_names(number, network.languages)
                number += 1
                if not any(match_key(n) in avoid for n in names.values()):
                    break
            out[old_id] = names
        return out
    for old_id in order:
        while True:
            names = named_line_name(rng)
            if match_key(names["en"]) not in avoid and all(names["en"] != o["en"] for o in out.values()):
                break
        out[old_id] = names
    return out
