"""#16 item 8, the GUI: a settings.json the app cannot use opens a window that names the key
and the file (the Start-menu program has no console), and `fundclient gui` exits 2."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from fundclient.cli import main


def test_the_app_says_which_setting_is_wrong_in_a_window(qapp, data_dir, capsys):
    path = data_dir / "settings.json"
    path.write_text('{"language": "ar", "idle_lock_minutes": "ten"}', encoding="utf-8")
    shown: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(50, read_and_close)
            return
        shown.append((box.windowTitle(), box.text()))
        box.grab().save(str(data_dir / "cannot-start.png"))
        box.close()

    QTimer.singleShot(50, read_and_close)
    assert main(["--data-dir", str(data_dir), "gui"]) == 2
    [(title, text)] = shown
    # No language can be read from the file: both, Arabic first.
    assert "«idle_lock_minutes»" in text and "'idle_lock_minutes'" in text and str(path) in text
    assert text.index("«idle_lock_minutes»") < text.index("'idle_lock_minutes'")
    assert "'idle_lock_minutes'" in capsys.readouterr().err
