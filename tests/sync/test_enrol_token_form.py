"""An enrolment token is typed after `enrol --token`: one starting with "-" would read as an
option (argparse: "expected one argument"), so HQ never issues one."""

from __future__ import annotations

from fundclient.hq.db import open_engine
from fundclient.hq.devices import create_token
from fundclient.hq.keys import init_keys


def test_an_enrolment_token_never_starts_like_an_option(tmp_path):
    init_keys(tmp_path / "hq")
    engine = open_engine(tmp_path / "hq")
    tokens = [create_token(engine, "SBH", "k") for _ in range(300)]  # 1 in 64 would, by chance
    assert not any(t.startswith("-") for t in tokens) and len(set(tokens)) == 300
