"""The one place where the app's services are built and handed to the screens.

Screens receive this context (and, after login, a `services.session.Session`); nothing is
fetched from globals. Kept free of Qt so the CLI and tests can build it too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fundclient.config import Settings, override_for_run
from fundclient.services.session import Session, login


@dataclass
class AppContext:
    data_dir: Path
    settings: Settings
    lang: str | None = None
    # Shown on the login screen in demo mode (the demo users and passwords).
    login_hint: str = ""
    login: Callable[[Path, str, str], Session] = login
    sync_adapter_factory: Callable | None = None

    @classmethod
    def for_office(cls, data_dir: Path, *, language: str | None = None, camera: str | None = None,
                   login_hint: str = "") -> "AppContext":
        # This run only, and through login too (the session loads the settings again).
        override_for_run(Path(data_dir), camera=camera, language=language)
        return cls(Path(data_dir), Settings.load(Path(data_dir)), language, login_hint)
