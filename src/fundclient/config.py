"""Where data lives and the settings stored beside it.

One settings file per data dir (settings.json): the office's choices, never secrets.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import platformdirs

APP_NAME = "fundclient"
DATA_DIR_ENV = "FUNDCLIENT_DATA_DIR"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--data-dir beats FUNDCLIENT_DATA_DIR beats the platform default."""
    chosen = explicit or os.environ.get(DATA_DIR_ENV)
    return Path(chosen).expanduser().resolve() if chosen else default_data_dir()


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


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


@dataclass
class Settings:
    language: str = "ar"
    arabic_indic_digits: bool = False
    office_code: str = ""
    # Used in card numbers until HQ assigns one at enrolment: 900-999, different on every PC of
    # the office (cards.numbers). 0 = not chosen yet: cards cannot be numbered before enrolment.
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
    nightly_sync_window: str = "22:00-05:00"
    stale_sync_warning_days: int = 3
    batch_max_bytes: int = 512 * 1024
    card_printer: str = ""
    card_margins_mm: float = 0.0
    receipt_format: str = "A5"
    backup_keep: int = 7
    fund_name: str = "صندوق التأمين الصحي العام – المنطقة الجنوبية"
    extra: dict = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path) -> "Settings":
        path = data_dir / "settings.json"
        settings = cls()
        if path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(cls)}
            settings = cls(**{k: v for k, v in raw.items() if k in known})
        overrides = _RUN_OVERRIDES.get(_key(data_dir), {})
        # name -> (this run's value, the office's stored value): save() writes the stored one
        settings._run_overrides = {name: (value, getattr(settings, name)) for name, value in overrides.items()}
        for name, value in overrides.items():
            setattr(settings, name, value)
        return settings

    def save(self, data_dir: Path) -> None:
        from fundclient.private_files import write_json_atomic
        data = asdict(self)
        for name, (run_value, stored) in getattr(self, "_run_overrides", {}).items():
            if data[name] == run_value:  # unchanged since the run began: keep the office's value
                data[name] = stored
        write_json_atomic(Path(data_dir) / "settings.json", data)  # 0600
