"""Logging to DATA_DIR/logs/fundclient.log (a 0700 folder, like the other private folders),
rotated. Every command and the app log there once the data dir is known, so the nightly task
(on Windows it runs as SYSTEM) logs where the office's data — and its support person — is.
FUNDCLIENT_LOG_DIR overrides the folder (the test suite uses it).

Never log names, national numbers or keys: log record ids, counts and error codes instead."""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback
from pathlib import Path

from fundclient.private_files import private_dir

LOG_FILE_ENV = "FUNDCLIENT_LOG_DIR"
LOG_FOLDER = "logs"
LOG_NAME = "fundclient.log"


class NoPersonalDataFormatter(logging.Formatter):
    """Tracebacks keep the exception's type and stack but drop its text: the text of an
    OSError or a database error can carry a file name, a person's name or a national number."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        kind, _value, tb = ei
        return "Traceback (most recent call last):\n" + "".join(traceback.format_tb(tb)) + (
            kind.__qualname__ if kind else "")


def log_file(data_dir: Path) -> Path:
    """Where the log of commands run on `data_dir` is written: DATA_DIR/logs/fundclient.log,
    or in $FUNDCLIENT_LOG_DIR when that is set."""
    override = os.environ.get(LOG_FILE_ENV)
    return (Path(override) if override else Path(data_dir) / LOG_FOLDER) / LOG_NAME


def setup_logging(data_dir: Path, verbose: bool = False) -> Path | None:
    """Log to `log_file(data_dir)`; returns that path, or None when it cannot be written
    (a data dir this account may not write: the command still runs and says what it must)."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for existing in root.handlers:
        if getattr(existing, "_fundclient", None) is not None:
            return existing._fundclient  # type: ignore[attr-defined]
    path = log_file(data_dir)
    try:
        private_dir(path.parent)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return None
    handler._fundclient = path  # type: ignore[attr-defined]
    handler.setFormatter(NoPersonalDataFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path
