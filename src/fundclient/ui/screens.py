"""Which screens the main window holds, in navigation order.

The registration screen belongs to `ui/registration/` (another engineer); it is looked up
by name so the shell runs while that package is incomplete.
"""

from __future__ import annotations

import importlib
import logging

from fundclient.ui import roles
from fundclient.ui.errors import log_unexpected
from fundclient.ui.placeholder import PlaceholderScreen
from fundclient.ui.record_screen import RecordScreen
from fundclient.ui.reports_screen import ReportsScreen
from fundclient.ui.returned_screen import ReturnedScreen
from fundclient.ui.saved_screen import SavedScreen
from fundclient.ui.search_screen import SearchScreen

log = logging.getLogger(__name__)

REGISTRATION_CANDIDATES = ("fundclient.ui.registration:RegistrationScreen",
                           "fundclient.ui.registration.screen:RegistrationScreen")


def registration_screen_class():
    for spec in REGISTRATION_CANDIDATES:
        module_name, _, attr = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        cls = getattr(module, attr, None)
        if cls is not None:
            return cls
    return PlaceholderScreen


def build_screens(session, sync_adapter, window):
    """(key, screen, shown in the navigation list) for every page."""
    registration_cls = registration_screen_class()
    try:
        registration = registration_cls(session, window)
    except Exception as exc:  # a broken form must not keep the office from searching and printing
        log_unexpected(exc, "registration screen failed to start")
        registration = PlaceholderScreen(session, window)
    screens = [
        ("registration", registration, True),
        ("search", SearchScreen(session, window), True),
        # What supervisors sent back to this employee, with the count in the navigation.
        ("returned", ReturnedScreen(session, window), True),
        ("record", RecordScreen(session, window), False),
        ("saved", SavedScreen(session, window), False),  # after a save: print card / receipt, next
        ("reports", ReportsScreen(session, window), True),
    ]
    if session is not None and roles.at_least(session.operator, roles.SUPERVISOR):
        try:
            from fundclient.ui.day_close_screen import DayCloseScreen
        except ImportError:
            DayCloseScreen = None
        if DayCloseScreen is not None:
            screens.append(("dayclose", DayCloseScreen(session, window), True))
    try:
        from fundclient.ui.sync_screen import SyncScreen
    except ImportError:
        SyncScreen = None
    if SyncScreen is not None:
        screens.append(("sync", SyncScreen(session, sync_adapter, window), True))
    return screens
