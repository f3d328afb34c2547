"""Lost-card replacement end to end: a new number, the old one revoked at HQ and pulled back
by the office, reason recorded, audit-logged; a misprint reprints the same number."""

from __future__ import annotations

from fundclient.domain.card_numbers import is_valid
from fundclient.demo import DEMO_USERS, start_demo
from fundclient.domain.synthetic import generate
from fundclient.services import registration
from fundclient.services.cards import ReissueReason, replace_card
from fundclient.services.session import login
from fundclient.sync.engine import run_sync
from fundclient.sync.reference import ReferenceStore


def test_lost_card_gets_a_new_number_and_the_old_one_is_revoked_everywhere(tmp_path):
    demo = start_demo(tmp_path / "demo", records=0)
    try:
        session = login(demo.data_dir, *DEMO_USERS[0][:2])
        try:
            person = next(p for p in generate(30, seed=21) if p.dependants)
            saved = registration.register(session, person).result
            old = saved.card_number

            reprint = replace_card(session, saved.record_id, ReissueReason.MISPRINT).result
            assert reprint.card_number == old and reprint.revocation is None

            reissue = replace_card(session, saved.record_id, ReissueReason.LOST, note="فقدها في السوق").result
            assert reissue.card_number != old and is_valid(reissue.card_number)
            current = session.store.beneficiaries.get(saved.record_id)
            assert current.card_number == reissue.card_number and current.revision == 2
            assert current.card_history[0]["old_number"] == old
            assert current.card_history[0]["reason"] == "lost"

            dependant = current.dependants[0]
            dep = replace_card(session, saved.record_id, ReissueReason.DAMAGED,
                               dependant_id=dependant.dependant_id).result
            assert session.store.beneficiaries.get(saved.record_id).dependants[0].card_number == dep.card_number

            actions = [e.action for e in session.store.audit.entries()]
            assert actions.count("card_replace") == 2 and "print" in actions
        finally:
            session.close()
        assert run_sync(demo.data_dir).status == "ok"
        assert run_sync(demo.data_dir).status == "ok"  # pull after HQ ingested the revocations
        revoked = ReferenceStore(demo.data_dir)
        assert revoked.is_card_revoked(old)
        assert revoked.is_card_revoked(dependant.card_number)
        assert not revoked.is_card_revoked(reissue.card_number)
    finally:
        demo.close()
