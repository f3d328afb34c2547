"""Fixtures shared by every test folder. Tests use real files in tmp dirs, never mocks of the DB."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A main-window page that cannot be built fails the test (the app shows a page saying so and
# logs the error instead): ui/screens.py. Set here so apps started as child processes see it.
os.environ["FUNDCLIENT_STRICT_SCREENS"] = "1"

# Property tests judge correctness, never speed: on a shared 2-core machine one example can take
# longer than hypothesis' default 200 ms deadline, which would fail a correct test.
settings.register_profile("fundclient", deadline=None)
settings.load_profile("fundclient")


@pytest.fixture(autouse=True)
def _isolated_logs(tmp_path_factory, monkeypatch):
    """Logs of a test go to a tmp dir, never the developer's real log dir."""
    monkeypatch.setenv("FUNDCLIENT_LOG_DIR", str(tmp_path_factory.mktemp("logs")))


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    return path
