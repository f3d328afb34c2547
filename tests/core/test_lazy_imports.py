"""An import inside a function says why it is there (issue #16, "in-function imports only where
they buy start-up time and say so").

Every import statement inside a function that imports fundclient or a heavy library carries
`# lazy: <why>` on its first line or on a comment line just above it: start-up time (what it would
add to `fundclient --version`, the parser, the login window), an optional extra that may be
missing (Qt, FastAPI), or a self-test check that must fail alone. Anything else belongs at the
top of its module — an in-function import that hides a cycle is what
tests/core/test_import_cycles.py refuses.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "fundclient"
# Libraries whose import costs start-up time (or needs an extra): importing one inside a
# function needs the marker; the standard library's small modules do not.
HEAVY = {"PySide6", "cv2", "numpy", "sqlalchemy", "alembic", "sqlcipher3", "cryptography", "fastapi", "uvicorn",
         "starlette", "requests", "openpyxl", "segno", "rapidfuzz", "jinja2", "psycopg", "prometheus_client",
         "argon2", "pyotp", "platformdirs", "zxingcpp", "PIL", "multipart"}
MARKER = "lazy:"


def unexplained(path: Path) -> list[str]:
    """`file:line` of every in-function import of fundclient or a heavy library without the marker."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found: list[str] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                if isinstance(child, ast.Import):
                    roots = {alias.name.split(".")[0] for alias in child.names}
                else:
                    roots = {"fundclient"} if child.level else {(child.module or "").split(".")[0]}
                if roots & (HEAVY | {"fundclient"}):
                    above = lines[child.lineno - 2].strip() if child.lineno > 1 else ""
                    said = lines[child.lineno - 1] + (above if above.startswith("#") else "")
                    if MARKER not in said:
                        found.append(f"{path.relative_to(PACKAGE.parent)}:{child.lineno}")
            visit(child, inside)

    visit(ast.parse(text), False)
    return found


def test_every_import_inside_a_function_says_why():
    offenders = [where for path in sorted(PACKAGE.rglob("*.py")) for where in unexplained(path)]
    assert offenders == [], "imports inside functions without '# lazy: why' (or move them to the top):\n" \
        + "\n".join(offenders)


def test_the_rule_sees_an_unexplained_import(tmp_path):
    sample = tmp_path / "fundclient" / "x.py"
    sample.parent.mkdir()
    sample.write_text("import json\n\n"
                      "def f():\n    import json\n    from fundclient.storage import open_store\n\n"
                      "def g():\n    # lazy: start-up (SQLAlchemy)\n    import sqlalchemy\n"
                      "    import cv2  # lazy: start-up (OpenCV)\n    from . import y\n")
    global PACKAGE
    kept, PACKAGE = PACKAGE, sample.parent
    try:
        assert unexplained(sample) == ["fundclient/x.py:5", "fundclient/x.py:11"]
    finally:
        PACKAGE = kept
