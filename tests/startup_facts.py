"""What the start-up tests (tests/core without Qt, tests/ui with it) agree on."""

from __future__ import annotations

import os

# Never before Sign in, nor by the login: the photo step loads OpenCV/numpy, a sync the HTTP
# stack, a migration Alembic (with mako and SQLAlchemy: the store's own engine is not
# SQLAlchemy's), `hq serve` the web server, an import openpyxl.
NOT_BEFORE_SIGN_IN = ("sqlalchemy", "alembic", "mako", "pygments", "requests", "urllib3", "numpy", "cv2", "fastapi",
                      "uvicorn", "starlette", "jinja2", "openpyxl", "psycopg")


def offscreen_env() -> dict:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen")
