"""Architecture rules that import-linter cannot express: cards/ may paint with QtGui but
must never pull in QtWidgets, and no core package may import Qt at all."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "fundclient"
QT_FREE = ["domain", "storage", "camera", "sync", "hq", "services"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_cards_never_import_qt_widgets():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "cards").rglob("*.py")
        if any(name.startswith("PySide6.QtWidgets") for name in imported_modules(path))
    ]
    assert offenders == []


def test_core_packages_import_no_qt():
    offenders = [
        str(path.relative_to(PACKAGE))
        for package in QT_FREE
        for path in (PACKAGE / package).rglob("*.py")
        if any(name.split(".")[0] == "PySide6" for name in imported_modules(path))
    ]
    assert offenders == []


def test_the_rule_detects_a_qt_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from PySide6.QtWidgets import QLabel\n")
    assert "PySide6.QtWidgets.QLabel" in imported_modules(sample)
