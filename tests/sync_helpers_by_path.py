"""tests/sync/sync_helpers.py for tests in other folders, loaded by path: putting tests/sync on
sys.path would make the `conftest` there shadow other folders' conftest modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def sync_helpers():
    if "sync_helpers" in sys.modules:
        return sys.modules["sync_helpers"]
    path = Path(__file__).resolve().parent / "sync" / "sync_helpers.py"
    spec = importlib.util.spec_from_file_location("sync_helpers", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["sync_helpers"] = module
    spec.loader.exec_module(module)
    return module
