"""Which screens the main window holds, in navigation order, and how each is built.

Every screen is named here by an explicit import inside its factory (no import by name: a
broken import raises ImportError where it is, it never makes a page vanish silently). The
imports sit inside the factories because the main window builds its screens lazily — the
first page at once, the others on first visit or in idle slices after the window shows
(`MainWindow`), so signing in never stalls the window (#18) — and `preload()` imports
them on a worker thread while the password is being checked.

A screen that fails to build (a bug) is logged with its traceback and replaced by a page
saying so, so the office can still search and print; in the test suite `FAIL_LOUDLY` is
set (environment FUNDCLIENT_STRICT_SCREENS=1, tests/conftest.py) and the error propagates.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

from fundclient.ui import roles
from fundclient.ui.errors import log_unexpected

log = logging.getLogger(__name__)

FAIL_LOUDLY = os.environ.get("FUNDCLIENT_STRICT_SCREENS") == "1"  # tests: a broken page fails


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    in_nav: bool  # listed in the navigation (others are reached from another page)
    screen_class: Callable[[], type]  # imports the module on first use
    build: Callable[[type, object, object, object], object]  # (cls, session, sync_adapter, window)
    # Built in slices: the class takes `sliced=True` and has `construct_step()` /
    # `finish_construction()` (the registration form, too long for one idle slice, #18 item 3).
    sliced: bool = False

    def title(self) -> str:
        """The navigation text before the screen is built (the screen's own `nav_title`)."""
        return self.screen_class().nav_title()


# The imports are inside the functions: the main window's module and the login window do not
# pay for every screen's widgets and their libraries (start-up time, #11 item 5).
def _registration():
    # lazy: start-up (a screen is loaded when first opened)
    from fundclient.ui.registration.screen import RegistrationScreen
    return RegistrationScreen


def _search():
    from fundclient.ui.search_screen import SearchScreen  # lazy: start-up (a screen is loaded when first opened)
    return SearchScreen


def _returned():
    from fundclient.ui.returned_screen import ReturnedScreen  # lazy: start-up (a screen is loaded when first opened)
    return ReturnedScreen


def _record():
    from fundclient.ui.record_screen import RecordScreen  # lazy: start-up (a screen is loaded when first opened)
    return RecordScreen


def _saved():
    from fundclient.ui.saved_screen import SavedScreen  # lazy: start-up (a screen is loaded when first opened)
    return SavedScreen


def _reports():
    from fundclient.ui.reports_screen import ReportsScreen  # lazy: start-up (a screen is loaded when first opened)
    return ReportsScreen


def _day_close():
    from fundclient.ui.day_close_screen import DayCloseScreen  # lazy: start-up (a screen is loaded when first opened)
    return DayCloseScreen


def _sync():
    from fundclient.ui.sync_screen import SyncScreen  # lazy: start-up (a screen is loaded when first opened)
    return SyncScreen


def _import():
    from fundclient.ui.import_screen import ImportScreen  # lazy: start-up (a screen is loaded when first opened)

    return ImportScreen


def _plain(cls, session, _adapter, window):
    return cls(session, window)


def _with_adapter(cls, session, adapter, window):
    return cls(session, adapter, window)


def screen_specs(session) -> list[ScreenSpec]:
    """The pages this person's main window holds, in navigation order."""
    specs = [
        ScreenSpec("registration", True, _registration, _plain, sliced=True),
        ScreenSpec("search", True, _search, _plain),
        # What supervisors sent back to this employee, with the count in the navigation.
        ScreenSpec("returned", True, _returned, _plain),
        ScreenSpec("record", False, _record, _plain),
        ScreenSpec("saved", False, _saved, _plain),  # after a save: print card / receipt, next
        ScreenSpec("reports", True, _reports, _plain),
    ]
    if session is not None and roles.at_least(session.operator, roles.SUPERVISOR):
        specs.append(ScreenSpec("dayclose", True, _day_close, _plain))
        specs.append(ScreenSpec("import", False, _import, _plain))  # menu Supervisor → Import
    specs.append(ScreenSpec("sync", True, _sync, _with_adapter))
    return specs


ALL_SCREEN_CLASSES = (_registration, _search, _returned, _record, _saved, _reports, _day_close, _sync, _import)


def preload() -> None:
    """Import every screen's module (any thread; the login window starts it while the person
    types): what is left for the GUI thread after Sign in is building widgets. A failing
    import is left for `build_screen` to report."""
    for screen_class in ALL_SCREEN_CLASSES:
        try:
            screen_class()
        except Exception:  # noqa: BLE001 - reported (loudly) when the screen is built
            log.debug("preloading %s failed", screen_class.__name__)
    _warm_qt_enums()


def _warm_qt_enums() -> None:
    """PySide6 makes each Python enum type (Qt.AlignmentFlag, QEvent.Type, …) on its first use,
    some milliseconds each; the first main window uses over a hundred of them. Made here (off
    the GUI thread) they cost the window nothing."""
    for module in (QtCore, QtGui, QtWidgets):
        for name in dir(module):
            owner = getattr(module, name, None)
            if isinstance(owner, type):
                for attr in list(vars(owner)):
                    if attr[:1].isupper():
                        try:
                            getattr(owner, attr)
                        except Exception:  # noqa: BLE001 - only warming a cache
                            pass


def start_sliced(spec: ScreenSpec, session, window):
    """The screen of a `sliced` spec, only started (`construct_step()` builds the next part);
    None when it cannot start (`build_screen` then builds it at once and reports)."""
    try:
        return spec.screen_class()(session, window, sliced=True)
    except Exception:  # noqa: BLE001 - build_screen reports it
        log.debug("starting %s in slices failed", spec.key, exc_info=True)
        return None


def build_screen(spec: ScreenSpec, session, sync_adapter, window, started=None):
    """The screen of `spec` (`started`: the one `start_sliced` began, finished here); when it
    cannot be built, a page saying so (the error logged)."""
    try:
        if started is not None:
            try:
                started.finish_construction()
                return started
            except Exception:
                started.deleteLater()
                raise
        return spec.build(spec.screen_class(), session, sync_adapter, window)
    except Exception as exc:  # a broken page must not keep the office from searching and printing
        if FAIL_LOUDLY:
            raise
        log_unexpected(exc, f"screen {spec.key} failed to start")
        # lazy: start-up (a screen is loaded when first opened)
        from fundclient.ui.placeholder import PlaceholderScreen
        return PlaceholderScreen(session, window, title=lambda: _safe_title(spec))


def _safe_title(spec: ScreenSpec) -> str:
    try:
        return spec.title()
    except Exception:  # noqa: BLE001 - the class itself did not import
        return ""


class LazyScreens(Mapping):
    """key -> screen, built on first access (`screens["registration"]` builds it).
    `built()` is what exists now; iterating gives every key without building."""

    def __init__(self, specs: list[ScreenSpec], build: Callable[[ScreenSpec], object]) -> None:
        self._specs = {spec.key: spec for spec in specs}
        self._build = build
        self._built: dict[str, object] = {}

    def build(self, key: str):
        return self[key]

    def __getitem__(self, key: str):
        if key not in self._built:
            spec = self._specs[key]  # KeyError for a page this window does not hold
            self._built[key] = self._build(spec)
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, key: object) -> bool:
        return key in self._specs

    def spec(self, key: str) -> ScreenSpec:
        return self._specs[key]

    def built(self) -> dict[str, object]:
        return dict(self._built)

    def is_built(self, key: str) -> bool:
        return key in self._built

    def all_built(self) -> bool:
        return len(self._built) == len(self._specs)

    def next_unbuilt(self) -> str | None:
        return next((key for key in self._specs if key not in self._built), None)
