"""A real Label Studio server for the whole test session, made from the migrated template.

The first run installs the pinned server into its own venv and migrates the template
(`MAPCURATE_LABEL_STUDIO_HOME`, default `~/.cache/mapcurate/label-studio-<pin>`); later runs
only copy the template and start it (a few seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from label_studio_sdk import LabelStudio

from curation.labelstudio.server import RunningServer, ensure_template, new_data_dir, start_server

TEST_USERNAME = "curator@mapcurate.test"
TEST_PASSWORD = "mapcurate-test-password"
TEST_TOKEN = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="session")
def label_studio_template() -> Path:
    """The migrated template data dir (installed and migrated on first use)."""
    return ensure_template(progress=False)


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory, label_studio_template: Path) -> Iterator[RunningServer]:
    """One server on a free port over a fresh copy of the template, stopped at the end of the session."""
    data_dir = tmp_path_factory.mktemp("label-studio") / "data"
    new_data_dir(data_dir, progress=False)
    server = start_server(data_dir, username=TEST_USERNAME, password=TEST_PASSWORD, token=TEST_TOKEN)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ls_client(label_studio: RunningServer) -> LabelStudio:
    """The SDK client of the session's server, logged in with its legacy API token."""
    return LabelStudio(base_url=label_studio.url, api_key=label_studio.token)
