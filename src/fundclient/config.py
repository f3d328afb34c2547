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
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def save(self, data_dir: Path) -> None:
        from fundclient.private_files import write_json_atomic
        write_json_atomic(Path(data_dir) / "settings.json", asdict(self))  # 0600
