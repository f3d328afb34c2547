"""PySide6 no longer leaves the source of every module imported after it in linecache (#18
item 2: ~20 MB of a day-long GUI process), and PySide still gets the same answer about which
modules use it. Fresh processes: the import hook and linecache are process-wide."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = r"""
import json, linecache, sys
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "fundclient":
    import fundclient.ui  # installs fundclient.ui.pyside_sources
else:
    import PySide6.QtCore
import plain_module, qt_module
feature = sys.modules["shibokensupport.feature"]
print(json.dumps({"kept": sorted(name.rsplit("/", 1)[-1] for name in linecache.cache if name.startswith(sys.argv[1])),
                  "answers": [feature.pyside_feature_dict.get(name) for name in ("plain_module", "qt_module")],
                  "held": len(linecache.cache)}))
"""


def probe(tmp_path, first: str) -> dict:
    (tmp_path / "plain_module.py").write_text("VALUE = 1\n" + "# a long module\n" * 2000)
    (tmp_path / "qt_module.py").write_text("from PySide6.QtCore import QObject\n")
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), first], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_modules_imported_after_qt_leave_no_source_behind(tmp_path):
    plain = probe(tmp_path, "PySide6")  # PySide6 as it comes: every source is kept
    assert plain["kept"] == ["plain_module.py", "qt_module.py"]
    ours = probe(tmp_path, "fundclient")
    assert ours["kept"] == []
    assert ours["held"] < plain["held"]
    # PySide's own answer (0: uses PySide6, -1: does not) is unchanged
    assert ours["answers"] == plain["answers"] == [-1, 0]
