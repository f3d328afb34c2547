"""A real HQ server on 127.0.0.1, on SQLite and on PostgreSQL (FUNDCLIENT_TEST_PG_URL).

The PostgreSQL case fails loudly when the variable is unset: `scripts/dev.py test` starts a
throwaway cluster and sets it.
"""

from __future__ import annotations

import os

import pytest

from fundclient.hq.keys import init_keys  # noqa: E402
from fundclient.hq.server import start_in_thread  # noqa: E402

PG_ENV = "FUNDCLIENT_TEST_PG_URL"


def _fresh_database_url(kind: str) -> str | None:
    if kind == "sqlite":
        return None
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.fail(f"{PG_ENV} is not set: run `python3 scripts/dev.py test`, or start PostgreSQL "
                    "(scripts/dev.py ThrowawayPostgres) and export the URL")
    from sqlalchemy import create_engine
    from fundclient.hq.migrate import drop_everything
    engine = create_engine(url)
    drop_everything(engine)  # every table, the migrations' version table included
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def db_kind(request):
    return request.param


@pytest.fixture
def hq_dir(tmp_path):
    path = tmp_path / "hq"
    init_keys(path)
    return path


@pytest.fixture
def hq_database_url(db_kind):
    """None for SQLite in the HQ dir, or a freshly emptied PostgreSQL database."""
    return _fresh_database_url(db_kind)


@pytest.fixture
def hq(hq_dir, db_kind):
    server = start_in_thread(hq_dir, _fresh_database_url(db_kind))
    yield server
    server.stop()


@pytest.fixture
def hq_sqlite(hq_dir):
    """For fault tests where the database makes no difference."""
    server = start_in_thread(hq_dir, None)
    yield server
    server.stop()
