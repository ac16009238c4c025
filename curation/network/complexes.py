"""Station complexes: the manifest's `[[complexes]]`, stations the map joins by a walkway under different names.

Members are named as the network names them (after corrections, in the station language), or by an
alias; a station that `station_splits` made out of one name is written `NAME (label)`. A name that
matches no station, or several, is an error in the quality report, like every other override. A network
built from an annotation also resolves names through its station list's network (`reference`), whose
split stations carry their labels, keeping the ids the annotation has too.
"""

from __future__ import annotations

from curation.cities import City
from curation.names import match_key
from curation.network.model import Complex, Network
from curation.network.quality import FindingList


def apply_complexes(city: City, network: Network, reference: Network | None = None) -> FindingList:
    """Resolve the manifest's complexes against `network` and record them on it; the findings say what failed."""
    out = FindingList(city.slug)
    by_key = _names(network)
    if reference is not None:
        for key, ids in _names(reference).items():
            by_key.setdefault(key, {sid for sid in ids if sid in network.stations})
    member_of: dict[str, int] = {}
    complexes: list[Complex] = []
    for number, spec in enumerate(city.complexes, start=1):
        members: list[str] = []
        for name in spec["stations"]:
            found = sorted(by_key.get(match_key(name), ()))
            if not found:
                out.add("error", "override-unknown-station", f"complex {number} names {name!r}, which no line lists",
                        "use the station's name after corrections (a split station as `NAME (label)`)", station=name)
            elif len(found) > 1:
                out.add("error", "complex-invalid", f"complex {number} names {name!r}, which is {len(found)} "
                        f"stations ({', '.join(found)})", "name one of them as `NAME (label)`", station=name)
            elif found[0] in members:
                out.add("error", "complex-invalid", f"complex {number} names station {found[0]} twice",
                        "list each member once", station=name)
            elif found[0] in member_of:
                out.add("error", "complex-invalid", f"{name!r} ({found[0]}) is in complexes {member_of[found[0]]} "
                        f"and {number}", "merge the two complexes into one", station=name)
            else:
                members.append(found[0])
        if len(members) == len(spec["stations"]):
            member_of.update(dict.fromkeys(members, number))
            complexes.append(Complex(stations=sorted(members), note=spec.get("note")))
    network.complexes = complexes
    return out


def _names(network: Network) -> dict[str, set[str]]:
    """Match key of every name, alias and `NAME (label)` → the stations it names."""
    by_key: dict[str, set[str]] = {}
    for station in network.stations.values():
        names = [*station.names.values(), *station.aliases]
        if station.disambiguation:
            names += [f"{n} ({station.disambiguation})" for n in station.names.values()]
        for name in names:
            by_key.setdefault(match_key(name), set()).add(station.id)
    return by_key
