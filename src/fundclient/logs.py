"""Logging to the platform log dir, rotated. Never log names, national numbers or keys:
log record ids, counts and error codes instead."""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback

from fundclient.config import log_dir

LOG_FILE_ENV = "FUNDCLIENT_LOG_DIR"


class NoPersonalDataFormatter(logging.Formatter):
    """Tracebacks keep the exception's type and stack but drop its text: the text of an
    OSError or a database error can carry a file name, a person's name or a national number."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        kind, _value, tb = ei
        return "Traceback (most recent call last):\n" + "".join(traceback.format_tb(tb)) + (
            kind.__qualname__ if kind else "")


def setup_logging(verbose: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_fundclient", False) for h in root.handlers):
        return
    directory = os.environ.get(LOG_FILE_ENV) or log_dir()
    os.makedirs(directory, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        os.path.join(directory, "fundclient.log"), maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler._fundclient = True  # type: ignore[attr-defined]
    handler.setFormatter(NoPersonalDataFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
