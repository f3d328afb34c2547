#!/usr/bin/env python3
"""Render every page of the first-run wizard, Arabic and English, into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/first_run_screenshots.py

Walks a real wizard on a throw-away data dir (the office really is created) against a local
HQ started here: a wrong token shows HQ's refusal on the HQ page, then "register later"."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT / "src"))

from PySide6.QtWidgets import QApplication  # noqa: E402

from fundclient.config import Settings  # noqa: E402
from fundclient.ui import i18n  # noqa: E402
from fundclient.ui.first_run.wizard import (ADMIN, DEVICES, DONE, HQ, RECOVERY,  # noqa: E402
                                            FirstRunWizard)
from fundclient.ui.main import prepare_app  # noqa: E402

SAMPLE_FACE = ROOT / "src" / "fundclient" / "resources" / "samples" / "face.jpg"
NAMES = ["1_language", "2_office", "3_hq", "4_admin", "5_recovery", "6_devices", "7_done"]


def settle(app: QApplication, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_for(app: QApplication, condition, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError("wizard did not reach the expected page")
        app.processEvents()
        time.sleep(0.02)


def shoot(app: QApplication, wizard: FirstRunWizard, language: str, name: str) -> None:
    settle(app)
    path = OUT / f"first_run_{name}_{language}.png"
    wizard.grab().save(str(path))
    print("wrote", path.relative_to(ROOT))


def walk(app: QApplication, language: str, data_dir: Path, hq_url: str) -> None:
    i18n.set_language(language)
    wizard = FirstRunWizard(data_dir)
    wizard.show()
    shoot(app, wizard, language, NAMES[0])
    wizard.next()
    wizard.office_page.office.setCurrentIndex(wizard.office_page.office.findData("BRK"))
    wizard.office_page.device_number.setValue(902)
    shoot(app, wizard, language, NAMES[1])
    wizard.next()
    wizard.hq_page.url.setText(hq_url)
    wizard.hq_page.token.setText("Xr4v2QbH9kLmN0pS7tUw1yZa3cDe5fGh.k1")  # not issued by this HQ
    shoot(app, wizard, language, NAMES[2])
    wizard.next()
    page = wizard.admin_page
    page.username.setText("mudir")
    page.full_name.setText("سالم الحضيري" if language == "ar" else "Salem Al-Hudairi")
    page.password.setText("short")
    page.password_again.setText("short")
    wizard.next()  # the weak-password message is part of the picture
    shoot(app, wizard, language, NAMES[3])
    page.password.setText("Sebha-office-1")
    page.password_again.setText("Sebha-office-1")
    wizard.next()
    wait_for(app, lambda: wizard.current() == RECOVERY)
    shoot(app, wizard, language, NAMES[4])
    wizard.recovery_page.confirmed.setChecked(True)
    wizard.next()
    wait_for(app, lambda: wizard.current() == HQ and wizard.next_button.isEnabled())
    shoot(app, wizard, language, "3_hq_refused")
    wizard.hq_page.enrol_later.setChecked(True)
    wizard.next()
    wait_for(app, lambda: wizard.current() == DEVICES and wizard.devices.cameras is not None)
    # No webcam on the build machine: the sample portrait stands in for the live picture.
    wizard.devices_page.camera.setEditText(str(SAMPLE_FACE))
    wizard.devices.show_preview()
    wait_for(app, lambda: wizard.devices.preview.last_verdict is not None)
    settle(app, 0.5)
    shoot(app, wizard, language, NAMES[5])
    wizard.next()
    assert wizard.current() == DONE
    shoot(app, wizard, language, NAMES[6])
    wizard.close()
    assert ADMIN  # page indices imported for readers of this script


def main() -> int:
    app = prepare_app(Settings())
    OUT.mkdir(parents=True, exist_ok=True)
    from fundclient.hq.keys import init_keys
    from fundclient.hq.server import start_in_thread

    with tempfile.TemporaryDirectory() as tmp:
        init_keys(Path(tmp) / "hq")
        server = start_in_thread(Path(tmp) / "hq")
        try:
            for language in ("ar", "en"):
                walk(app, language, Path(tmp) / language, server.url)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
