"""A button's `clicked` (or an action's `triggered`) passes `checked` to a slot that takes an
argument: connected straight to a method whose first parameter has another meaning, the click
fills it with False. The employees window's «Stop access» did exactly that — `disable(confirmed)`
read the click as «not confirmed» and said «nothing was changed» without asking. Such slots are
connected through a lambda; this check reads the UI's source (no Qt needed)."""

from __future__ import annotations

import ast
from pathlib import Path

import fundclient

UI = Path(fundclient.__file__).parent / "ui"


def misfilled_slots(source: str) -> list[tuple[int, str]]:
    found = []
    for cls in [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)]:
        methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
        for node in ast.walk(cls):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "connect" and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr in ("clicked", "triggered") and node.args):
                continue
            slot = node.args[0]
            if isinstance(slot, ast.Attribute) and isinstance(slot.value, ast.Name) and slot.value.id == "self":
                method = methods.get(slot.attr)
                if method is not None and len(method.args.args) > 1 and method.args.args[1].arg != "checked":
                    found.append((node.lineno, slot.attr))
    return found


def test_no_click_fills_a_parameter_meant_for_something_else():
    bad = [f"{path.relative_to(UI)}:{line} {name}" for path in sorted(UI.rglob("*.py"))
           for line, name in misfilled_slots(path.read_text(encoding="utf-8"))]
    assert bad == []


def test_the_check_sees_the_mistake():
    source = (
        "class Dialog:\n"
        "    def __init__(self):\n"
        "        self.stop.clicked.connect(self.disable)\n"
        "        self.ok.clicked.connect(lambda: self.disable())\n"
        "    def disable(self, confirmed=None):\n"
        "        pass\n"
    )
    assert misfilled_slots(source) == [(3, "disable")]
