"""Quality findings and the report that collects all of them in one pass."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem in a city's sources or network, with what to do about it.

    `fixed_by` names the manifest override (or automatic rule) that already handles it;
    such findings describe the source data and do not block the build.
    """

    severity: Severity
    code: str
    city: str
    message: str
    suggestion: str
    line: str | None = None
    station: str | None = None
    fixed_by: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (
            SEVERITIES.index(self.severity),
            self.code,
            self.line or "",
            self.station or "",
            self.message,
        )


class FindingList(list[Finding]):
    """Findings of one city being collected."""

    def __init__(self, city: str) -> None:
        super().__init__()
        self.city = city

    def add(self, severity: Severity, code: str, message: str, suggestion: str, *, line: str | None = None,
            station: str | None = None, fixed_by: str | None = None) -> None:
        self.append(Finding(severity=severity, code=code, city=self.city, message=message, suggestion=suggestion,
                            line=line, station=station, fixed_by=fixed_by))


@dataclass
class QualityReport:
    """Every finding of one city, in a stable order."""

    city: str
    findings: list[Finding]

    def __post_init__(self) -> None:
        self.findings = sorted(set(self.findings), key=Finding.sort_key)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def counts(self) -> dict[str, int]:
        """Findings per severity (every severity present, zero included)."""
        counted = Counter(f.severity for f in self.findings)
        return {s: counted.get(s, 0) for s in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "counts": self.counts(),
            "counts_by_code": dict(sorted(Counter(f.code for f in self.findings).items())),
            "findings": [asdict(f) for f in self.findings],
        }
