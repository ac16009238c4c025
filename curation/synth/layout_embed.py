"""Initial embedding for the octilinear layout: stress majorization on hop distances, turned to fit the grid."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import numpy.typing as npt

_Floats = npt.NDArray[np.float64]

_ITERATIONS = 300
_TOLERANCE = 1e-5


def hop_distances(graph: nx.Graph[str], nodes: list[str]) -> _Floats:
    """All-pairs hop counts; pairs in different components get one more than the longest finite distance."""
    index = {node: i for i, node in enumerate(nodes)}
    dist = np.full((len(nodes), len(nodes)), np.inf)
    for source in nodes:
        row = dist[index[source]]
        for target, hops in nx.single_source_shortest_path_length(graph, source).items():
            row[index[target]] = hops
    finite = dist[np.isfinite(dist)]
    dist[~np.isfinite(dist)] = (finite.max() if finite.size else 0.0) + 1.0
    return dist


def stress_layout(graph: nx.Graph[str], nodes: list[str], seed: int) -> _Floats:
    """Positions (n × 2, hop units) minimising weighted stress, from classical MDS plus a seeded jitter."""
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    dist = hop_distances(graph, nodes)
    pos = _classical_mds(dist)
    pos += np.random.default_rng(seed).normal(scale=0.05 * max(1.0, float(dist.max())), size=pos.shape)
    weights = np.zeros_like(dist)
    off = dist > 0
    weights[off] = dist[off] ** -2.0
    laplacian = -weights
    np.fill_diagonal(laplacian, weights.sum(axis=1))
    pinv = np.linalg.pinv(laplacian)
    wd = weights * dist
    previous = _stress(pos, dist, weights)
    for _ in range(_ITERATIONS):
        gaps = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2))
        ratio = np.zeros_like(gaps)
        nz = gaps > 1e-12
        ratio[nz] = wd[nz] / gaps[nz]
        bz = -ratio
        np.fill_diagonal(bz, ratio.sum(axis=1))
        pos = pinv @ (bz @ pos)
        current = _stress(pos, dist, weights)
        if previous - current < _TOLERANCE * previous:
            break
        previous = current
    centred: _Floats = pos - pos.mean(axis=0)
    return centred


def _classical_mds(dist: _Floats) -> _Floats:
    n = dist.shape[0]
    centre = np.eye(n) - np.full((n, n), 1.0 / n)
    gram = -0.5 * centre @ (dist**2) @ centre
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1][:2]
    coords: _Floats = vectors[:, order] * np.sqrt(np.maximum(values[order], 1e-9))
    for k in range(2):  # eigenvector signs are arbitrary: fix them
        if coords[np.argmax(np.abs(coords[:, k])), k] < 0:
            coords[:, k] = -coords[:, k]
    return coords


def _stress(pos: _Floats, dist: _Floats, weights: _Floats) -> float:
    gaps = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2))
    return float((weights * (gaps - dist) ** 2).sum() / 2.0)


def octilinear_rotation(vectors: _Floats) -> float:
    """The angle (radians, in [0°, 45°)) turning the edge vectors closest to the eight grid directions."""
    angles = np.arctan2(vectors[:, 1], vectors[:, 0])
    lengths = np.hypot(vectors[:, 0], vectors[:, 1])
    best, best_cost = 0.0, math.inf
    for step in range(45):
        theta = math.radians(step)
        deviation = np.mod(angles + theta, math.pi / 4)
        deviation = np.minimum(deviation, math.pi / 4 - deviation)
        cost = float((lengths * deviation**2).sum())
        if cost < best_cost - 1e-12:
            best, best_cost = theta, cost
    return best


def rotate(pos: _Floats, theta: float) -> _Floats:
    c, s = math.cos(theta), math.sin(theta)
    turned: _Floats = pos @ np.array([[c, s], [-s, c]])
    return turned


def declutter(pos: _Floats, gap: _Floats, iterations: int = 60) -> _Floats:
    """Push apart every pair closer than its `gap` (n × n), keeping the picture otherwise as it is."""
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    n = len(x)
    gap = gap.copy()
    np.fill_diagonal(gap, 0.0)
    nudge = np.arange(n) * 1e-4  # separates coincident points deterministically
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        dist = np.hypot(dx, dy)
        short = dist < gap
        if not short.any():
            break
        same = dist < 1e-9
        dx = np.where(same, nudge[:, None] - nudge[None, :], dx)
        dist = np.where(same, np.abs(dx) + 1e-12, dist)
        push = np.where(short, (gap - dist) / (2.0 * dist), 0.0)
        x += 0.6 * (push * dx).sum(axis=1)
        y += 0.6 * (push * dy).sum(axis=1)
    return np.stack([x, y], axis=1)
