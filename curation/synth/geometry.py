"""The laid-out network every renderer input shares: station positions and each track edge's course.

Coordinates are grid units (1 = the minimum distance between two stations), x right, y down. A
track edge is a pair of stations that some line rides consecutively; its course is an octilinear
polyline (segments at 0°, 45° or 90°) from the first station's position to the second's.
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.network.model import Network

Point = tuple[float, float]
Edge = tuple[str, str]  # (a, b) with a < b


def edge_key(a: str, b: str) -> Edge:
    return (a, b) if a < b else (b, a)


def track_edges(network: Network) -> list[Edge]:
    """Every station pair some line rides consecutively (loop seams included), sorted, each once."""
    return sorted({edge_key(a, b) for line in network.lines.values() for a, b in line.edges()})


@dataclass(frozen=True)
class Layout:
    """Station positions and track-edge courses in grid units."""

    positions: dict[str, Point]
    edges: dict[Edge, tuple[Point, ...]]

    def course(self, a: str, b: str) -> tuple[Point, ...]:
        """The course of track edge a–b, oriented from a to b."""
        path = self.edges[edge_key(a, b)]
        return path if a < b else tuple(reversed(path))

    def bounds(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) over every position and course point."""
        xs = [p[0] for p in self.positions.values()] + [p[0] for c in self.edges.values() for p in c]
        ys = [p[1] for p in self.positions.values()] + [p[1] for c in self.edges.values() for p in c]
        return min(xs), min(ys), max(xs), max(ys)
