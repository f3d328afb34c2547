"""Start the first-run wizard, then the normal app (login screen) on the new office."""

from __future__ import annotations

from pathlib import Path

from fundclient.app import AppContext
from fundclient.config import Settings
from fundclient.ui.first_run.wizard import FirstRunWizard
from fundclient.ui.i18n import current_language
from fundclient.ui.main import prepare_app, run_gui


def run_setup_wizard(data_dir: Path, *, language: str | None = None, camera: str | None = None) -> int:
    """Show the wizard; when the clerk presses "Open the system", run the app on `data_dir`.
    Returns the app's exit code, or 1 when the wizard was closed before the end."""
    data_dir = Path(data_dir)
    app = prepare_app(Settings.load(data_dir), language)
    wizard = FirstRunWizard(data_dir)
    opened: list[Path] = []
    wizard.open_app_requested.connect(opened.append)
    wizard.show()
    app.exec()  # returns when the wizard window closes (last window)
    if not opened:
        return 1
    return run_gui(AppContext.for_office(data_dir, language=current_language(), camera=camera))
