"""Fixtures of the fault-injection suite: one pristine workspace per session, a fresh copy per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.workspace import Workspace, build_workspace, copy_workspace


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build_workspace(tmp_path_factory.mktemp("faults") / "pristine")


@pytest.fixture
def ws(pristine: Workspace, tmp_path: Path) -> Workspace:
    """A private copy of the pristine workspace, free to break."""
    return copy_workspace(pristine, tmp_path / "ws")
