"""Where data lives and the settings stored beside it.

One settings file per data dir (settings.json): the office's choices, never secrets. The file
may be edited by hand, so `Settings.load` checks it against the one schema below (`RULES`, and
each field's type for a setting without a rule) and raises `SettingsError` naming the file and
the key — the CLI and the app show that message, never a traceback.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable

import platformdirs

from fundclient.errors import FundError, Message
from fundclient.private_files import write_json_atomic

APP_NAME = "fundclient"
DATA_DIR_ENV = "FUNDCLIENT_DATA_DIR"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--data-dir beats FUNDCLIENT_DATA_DIR beats the platform default."""
    chosen = explicit or os.environ.get(DATA_DIR_ENV)
    return Path(chosen).expanduser().resolve() if chosen else default_data_dir()


# Choices given on the command line (`--camera`, `--lang`) hold for this run only: every
# `Settings.load` of that data dir in this process sees them - the login's, the sync's, the
# camera's - and `Settings.save` never writes them into the office's settings.json.
_RUN_OVERRIDES: dict[Path, dict[str, object]] = {}


def _key(data_dir: Path) -> Path:
    return Path(data_dir).expanduser().resolve()


def override_for_run(data_dir: Path, **values: object) -> None:
    """Settings for this run only (None = not given). See `_RUN_OVERRIDES`."""
    given = {name: value for name, value in values.items() if value not in (None, "")}
    unknown = set(given) - {f.name for f in fields(Settings)}
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    if given:
        _RUN_OVERRIDES.setdefault(_key(data_dir), {}).update(given)


def clear_run_overrides(data_dir: Path | None = None) -> None:
    if data_dir is None:
        _RUN_OVERRIDES.clear()
    else:
        _RUN_OVERRIDES.pop(_key(data_dir), None)


class SettingsError(FundError):
    """settings.json cannot be used as it is: the message names the file and the key."""


SETTINGS_FILE = "settings.json"
BAD_SETTINGS_JSON = Message("The settings file {file} is not valid JSON (line {line}, column {column}). "
                            "Correct it, or move it aside to start from the default settings.")
NOT_AN_OBJECT = Message("The settings file {file} must be a JSON object {{…}}.")
BAD_SETTING = Message("Setting '{key}' in {file}: {problem}")
UNREADABLE_SETTINGS = Message("The settings file {file} cannot be read.")

# What is wrong with a value (the {problem} of BAD_SETTING).
WANT_TEXT = Message("the value must be text in quotes.")
WANT_BOOL = Message("the value must be true or false.")
WANT_INT = Message("the value must be a whole number from {low} to {high}.")
WANT_NUMBER = Message("the value must be a number from {low} to {high}.")
WANT_CHOICE = Message("the value must be one of: {choices}.")
WANT_OBJECT = Message("the value must be a JSON object {…}.")
WANT_TIMEZONE = Message("not a known time zone (e.g. Africa/Tripoli).")
WANT_DEVICE_NUMBER = Message("the value must be 0 (not chosen yet) or a number from 900 to 999.")
UNKNOWN_SETTING = Message("not a known setting; did you mean '{near}'?")

# Keys of older versions, read and ignored (gone at the next save): nightly_sync_window — the app
# had a nightly window of its own until #16; the nightly sync's one schedule is the OS task (nightly.py).
RETIRED_SETTINGS = frozenset({"nightly_sync_window"})


def _text(value) -> Message | None:
    return None if isinstance(value, str) else WANT_TEXT


def _integer(low: int, high: int) -> Callable[[object], Message | None]:
    def check(value) -> Message | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else WANT_INT.format(low=low, high=high)
    return check


def _number(low: float, high: float) -> Callable[[object], Message | None]:
    def check(value) -> Message | None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high
        return None if ok else WANT_NUMBER.format(low=low, high=high)
    return check


def _one_of(*choices: str) -> Callable[[object], Message | None]:
    def check(value) -> Message | None:
        return None if value in choices else WANT_CHOICE.format(choices=", ".join(choices))
    return check


def _language(value) -> Message | None:
    """One of the languages with a catalogue (translations/*.po): adding one needs no code here."""
    from fundclient.catalogue import available_languages  # lazy: start-up (read only when a language is checked)

    return _one_of(*available_languages())(value)


def _boolean(value) -> Message | None:
    return None if isinstance(value, bool) else WANT_BOOL


def _timezone(value) -> Message | None:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except (TypeError, ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return WANT_TIMEZONE
    return None


def _device_number(value) -> Message | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and (value == 0 or 900 <= value <= 999)
    return None if ok else WANT_DEVICE_NUMBER


def _object(value) -> Message | None:
    return None if isinstance(value, dict) else WANT_OBJECT


# The one schema of settings.json: a rule per setting whose value has limits. A setting without
# a rule is checked by its type (text, true/false, whole number, number, object).
RULES: dict[str, Callable[[object], Message | None]] = {
    "language": _language,
    "provisional_device_number": _device_number,
    "seal_on": _one_of("save", "approval"),
    "card_validity_years": _integer(1, 20),
    "timezone": _timezone,
    "idle_lock_minutes": _integer(0, 240),  # the settings dialog's range; 0 = never lock
    "stale_sync_warning_days": _integer(1, 365),
    "batch_max_bytes": _integer(1024, 64 * 1024 * 1024),
    "card_margins_mm": _number(-20, 20),
    "receipt_format": _one_of("A4", "A5", "80mm"),
    "backup_keep": _integer(1, 1000),
}
_BY_TYPE = {str: _text, bool: _boolean, int: _integer(-(2 ** 31), 2 ** 31), float: _number(-1e9, 1e9),
            dict: _object}


def _rule_for(name: str, default: object) -> Callable[[object], Message | None]:
    return RULES.get(name) or _BY_TYPE.get(type(default), lambda _value: None)


def read_settings_file(path: Path) -> dict:
    """The checked contents of settings.json; SettingsError names the file and the first bad key.
    Keys of another version that resemble no setting are left alone; a near-miss (a typo) is named."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SettingsError(BAD_SETTINGS_JSON.format(file=path, line=1, column=1), code="settings") from None
    except OSError:
        raise SettingsError(UNREADABLE_SETTINGS.format(file=path), code="settings") from None
    try:
        raw = json.loads(text)
    except ValueError as exc:
        line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        raise SettingsError(BAD_SETTINGS_JSON.format(file=path, line=line, column=column), code="settings") from None
    if not isinstance(raw, dict):
        raise SettingsError(NOT_AN_OBJECT.format(file=path), code="settings")
    defaults = {f.name: (f.default if f.default is not MISSING else f.default_factory()) for f in fields(Settings)}
    for key, value in raw.items():
        if key in RETIRED_SETTINGS:
            continue
        if key not in defaults:
            near = difflib.get_close_matches(key, list(defaults), n=1, cutoff=0.8)
            if near:
                raise SettingsError(_bad(key, path, UNKNOWN_SETTING.format(near=near[0])), code="settings")
            continue
        problem = _rule_for(key, defaults[key])(value)
        if problem is not None:
            raise SettingsError(_bad(key, path, problem), code="settings")
    return {k: v for k, v in raw.items() if k in defaults}


def _bad(key: str, path: Path, problem: Message) -> Message:
    return BAD_SETTING.format(key=key, file=path, problem=problem)


@dataclass
class Settings:
    language: str = "ar"
    arabic_indic_digits: bool = False
    office_code: str = ""
    # Used in card numbers until HQ assigns one at enrolment: 900-999, different on every PC of
    # the office (domain.card_numbers). 0 = not chosen yet: cards cannot be numbered before enrolment.
    provisional_device_number: int = 0
    # "save": records are sealed for HQ as soon as they are saved;
    # "approval": only after a supervisor approves them at day close.
    seal_on: str = "save"
    card_validity_years: int = 5
    # The office's clock, for "today" in day close and reports (Libya: UTC+2 all year).
    timezone: str = "Africa/Tripoli"
    national_id_scheme: str = "LY"
    idle_lock_minutes: int = 10
    camera: str = ""
    hq_url: str = ""
    ca_bundle: str = ""
    stale_sync_warning_days: int = 3
    # 4 MiB: a cut upload resumes from the byte HQ holds, so a batch need not fit between two drops
    # of the link; fewer, bigger batches cut HQ's, PostgreSQL's and the office's per-batch work on a
    # backlog (docs/decisions/office-batch-size.md, docs/sync-protocol.md "size" — #11 item 7)
    batch_max_bytes: int = 4 * 1024 * 1024
    card_printer: str = ""
    card_margins_mm: float = 0.0
    receipt_format: str = "A5"
    backup_keep: int = 7
    fund_name: str = "صندوق التأمين الصحي العام – المنطقة الجنوبية"
    extra: dict = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path) -> "Settings":
        path = Path(data_dir) / SETTINGS_FILE
        settings = cls()
        if path.exists():
            settings = cls(**read_settings_file(path))
        overrides = _RUN_OVERRIDES.get(_key(data_dir), {})
        # name -> (this run's value, the office's stored value): save() writes the stored one
        settings._run_overrides = {name: (value, getattr(settings, name)) for name, value in overrides.items()}
        for name, value in overrides.items():
            setattr(settings, name, value)
        return settings

    def save(self, data_dir: Path) -> None:
        data = asdict(self)
        for name, (run_value, stored) in getattr(self, "_run_overrides", {}).items():
            if data[name] == run_value:  # unchanged since the run began: keep the office's value
                data[name] = stored
        write_json_atomic(Path(data_dir) / "settings.json", data)  # 0600
