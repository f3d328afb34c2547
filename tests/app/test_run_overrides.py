"""Command-line choices (`--camera`, `--lang`) hold for the whole run - through login, where the
session loads the office settings again - and are never written into the office's settings."""

from __future__ import annotations

import json

import pytest

from fundclient.app import AppContext
from fundclient.config import Settings, clear_run_overrides, override_for_run
from fundclient.services.session import login
from fundclient.storage import initialise

PASSWORD = "admin-pass-1"


@pytest.fixture
def office(data_dir):
    initialise(data_dir, "SBH", "admin", PASSWORD, "مدير")
    settings = Settings.load(data_dir)
    settings.camera = "0"
    settings.save(data_dir)
    yield data_dir
    clear_run_overrides(data_dir)


def test_camera_given_on_the_command_line_survives_login(office, tmp_path):
    photo = tmp_path / "face.jpg"
    context = AppContext.for_office(office, camera=str(photo), language="en")
    assert context.settings.camera == str(photo)
    session = login(office, "admin", PASSWORD)
    try:
        assert session.settings.camera == str(photo)
        assert session.settings.language == "en"
    finally:
        session.close()


def test_run_overrides_are_never_saved_but_real_changes_are(office, tmp_path):
    override_for_run(office, camera=str(tmp_path / "face.jpg"))
    settings = Settings.load(office)
    settings.idle_lock_minutes = 5  # the admin changes something else in the settings dialog
    settings.save(office)
    stored = json.loads((office / "settings.json").read_text(encoding="utf-8"))
    assert stored["camera"] == "0" and stored["idle_lock_minutes"] == 5
    settings.camera = "1"  # ... or the camera itself: that choice is the office's now
    settings.save(office)
    assert json.loads((office / "settings.json").read_text(encoding="utf-8"))["camera"] == "1"


def test_overrides_belong_to_their_data_dir(office, tmp_path):
    other = tmp_path / "other"
    override_for_run(office, camera="2")
    assert Settings.load(other).camera == ""
    assert Settings.load(office).camera == "2"
    with pytest.raises(ValueError):
        override_for_run(office, kamera="2")
