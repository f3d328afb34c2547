"""Demo mode end to end, as a newcomer would use it: a demo office enrolled with an in-process
HQ; log in, register someone with a photo, sync, and HQ holds exactly what the office saved."""

from __future__ import annotations

import json

from fundclient.cli import main
from fundclient.demo import DEMO_USERS, start_demo
from fundclient.domain.records import Photo
from fundclient.domain.synthetic import generate
from fundclient.hq.export import iter_records
from fundclient.services import registration
from fundclient.services.sealing import apply_hq_results
from fundclient.services.session import login
from fundclient.sync.engine import run_sync


def test_demo_office_registers_and_syncs_to_its_local_hq(tmp_path, capsys):
    demo = start_demo(tmp_path / "demo", records=40)
    try:
        user, password, _, _ = DEMO_USERS[0]
        session = login(demo.data_dir, user, password)
        try:
            assert session.store.beneficiaries.count() == 40
            person = generate(1, seed=999)[0]
            person.office_code = session.settings.office_code  # as the form does: this office's record
            photo = Photo(data=b"\xff\xd8jpeg-bytes\xff\xd9")
            saved = registration.register(session, person, photo=photo).result
            summary = run_sync(demo.data_dir)
            assert summary.status == "ok", summary.to_dict()
            apply_hq_results(session)
            state, _ = session.store.beneficiaries.sync_state(saved.record_id, 1)
            assert state == "accepted"
        finally:
            session.close()
        assert main(["--data-dir", str(demo.data_dir), "status", "--json"]) == 0
        status = json.loads(capsys.readouterr().out)
        assert status["records"] == 41 and status["last_sync_at"] and status["pending_sync"] == 0
        held = {(r["record_id"], r["revision"]) for r in iter_records(demo.hq.ingestor.engine)}
        assert (saved.record_id, 1) in held
        assert len(held) == 41
    finally:
        demo.close()


def test_demo_office_is_marked_as_demo_in_its_settings(tmp_path):
    from fundclient.config import Settings

    demo = start_demo(tmp_path / "demo", records=0)
    try:
        assert Settings.load(demo.data_dir).extra.get("demo") is True
    finally:
        demo.close()
