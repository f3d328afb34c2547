#!/usr/bin/env python3
"""Render the main screens offscreen, in Arabic and English, into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Uses a throw-away office (real encrypted store, synthetic beneficiaries, one with a photo),
so the pictures always show the current code. Files: login-ar.png, search-ar.png,
record-ar.png, reports-ar.png, settings-ar.png, sync-ar.png, dayclose-ar.png and the same with -en.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "supervisor", "Sebha-2026!"
SIZE = (1280, 800)


def make_office(data_dir: Path):
    from fundclient.domain.records import Photo
    from fundclient.domain.synthetic import generate
    from fundclient.services.registration import register
    from fundclient.services.session import login
    from fundclient.storage.store import initialise

    initialise(data_dir, "SBH", "admin", PASSWORD, "مدير المكتب", provisional_device_number=901)
    session = login(data_dir, "admin", PASSWORD)
    session.store.operators.add(USER, PASSWORD, "supervisor", full_name="فاطمة السنوسي", by="admin")
    records = generate(60, seed=11)
    face = (ROOT / "src" / "fundclient" / "resources" / "samples" / "face.jpg").read_bytes()
    saved = []
    for index, record in enumerate(records):  # the real save path: card numbers, sealing
        record.card_number = ""
        for dependant in record.dependants:
            dependant.card_number = ""
        saved.append(register(session, record, Photo(face) if index == 0 else None).result)
    session.close()
    return saved


def settle(app, ms: int = 400) -> None:
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QDate

    from fundclient.config import Settings
    from fundclient.ui import i18n
    from fundclient.ui.login import LoginScreen, default_login
    from fundclient.ui.main import prepare_app
    from fundclient.ui.main_window import MainWindow
    from fundclient.ui.settings_dialog import SettingsDialog
    from fundclient.ui.sync_adapter import SyncAdapter

    data_dir = Path(tempfile.mkdtemp(prefix="fund-shots-")) / "data"
    records = make_office(data_dir)
    settings = Settings.load(data_dir)
    app = prepare_app(settings, "ar")
    session = default_login(data_dir, USER, PASSWORD)
    window = MainWindow(session, sync_adapter=SyncAdapter.for_session(session))
    window.idle.set_minutes(0)
    window.resize(*SIZE)
    window.show()
    login = LoginScreen(data_dir, settings)
    login.resize(*SIZE)
    login.username.setText(USER)
    shown = records[0]
    written = []

    def shot(widget, name: str) -> None:
        settle(app)
        path = args.out / f"{name}-{i18n.current_language()}.png"
        widget.grab().save(str(path))
        written.append(path)

    # One real (offline: this office is not enrolled) attempt, so the sync page shows a history
    # line and the last error in plain words.
    window.sync_adapter.sync_now()
    deadline = time.perf_counter() + 30
    while window.sync_adapter.running and time.perf_counter() < deadline:
        settle(app, 100)
    for language in ("ar", "en"):
        i18n.set_language(language)
        settings.language = language
        settle(app, 200)
        login.show()
        shot(login, "login")
        login.hide()
        search = window.show_screen("search")
        search.view.box.setText(shown.name.first)
        settle(app, 900)
        shot(window, "search")
        window.show_screen("record", shown.record_id)
        settle(app, 600)
        shot(window, "record")
        reports = window.show_screen("reports")
        reports.view.start.setDate(QDate(2025, 1, 1))
        reports.view.end.setDate(QDate(2026, 12, 31))
        reports.refresh()
        shot(window, "reports")
        window.show_screen("sync")
        settle(app, 600)
        shot(window, "sync")
        day_close = window.show_screen("dayclose")
        settle(app, 900)
        if day_close is not None and day_close.view.table.rowCount():
            day_close.view.table.setCurrentCell(0, 0)  # the first registration, with its photo
            settle(app, 600)
        shot(window, "dayclose")
        dialog = SettingsDialog(settings, window)
        dialog.show()
        shot(dialog, "settings")
        dialog.close()
    window.close()  # stops the sync scheduler
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    session.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
