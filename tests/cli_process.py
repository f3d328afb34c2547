"""A real `fundclient` process answered on standard input (no terminal: `start_new_session`, so
getpass reads stdin and prompts on stderr) — for the prompt tests of tests/core and tests/sync."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def fundclient_typed(data_dir: Path, *args: str, typed: str = "", lang: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "fundclient", "--data-dir", str(data_dir)]
    command += ["--lang", lang] if lang else []
    return subprocess.run([*command, *args], input=typed, capture_output=True, text=True, timeout=120,
                          start_new_session=True)
