"""With seal_on = "approval", nothing leaves the office before a supervisor approves it."""

from __future__ import annotations

from fundclient.config import Settings
from fundclient.demo import DEMO_USERS, start_demo
from fundclient.domain.synthetic import generate
from fundclient.services import dayclose, registration
from fundclient.services.session import login
from fundclient.sync.outbox import Outbox


def test_only_approved_revisions_are_sealed(tmp_path):
    demo = start_demo(tmp_path / "demo", records=0)
    try:
        settings = Settings.load(demo.data_dir)
        settings.seal_on = "approval"
        settings.save(demo.data_dir)
        outbox = Outbox(demo.data_dir)
        before = len(outbox.pending())
        clerk = login(demo.data_dir, *DEMO_USERS[0][:2])
        saved = [registration.register(clerk, p).result for p in generate(2, seed=5)]
        clerk.close()
        assert len(outbox.pending()) == before

        supervisor = login(demo.data_dir, *DEMO_USERS[1][:2])
        try:
            dayclose.approve(supervisor, [(saved[0].record_id, 1)])
            assert len(outbox.pending()) == before + 1
            dayclose.send_back(supervisor, (saved[1].record_id, 1), "الرقم الوطني يحتاج تحقق")
            assert len(outbox.pending()) == before + 1
            day = dayclose.office_today(supervisor)
            assert dayclose.close_day(supervisor, day).totals.approved == 1
        finally:
            supervisor.close()
    finally:
        demo.close()
