"""A decision taken at HQ on a flagged record reaches the office that registered it: signed,
pulled at the next sync, applied at the next login, and shown where the office sees HQ's
answers (the record's sync state and reason, the attention list of the sync screen). A
forged or foreign decision is never applied."""

from __future__ import annotations

from sync_helpers_by_path import sync_helpers

import json
import sys
from pathlib import Path

from fundclient.demo import DEMO_OFFICE, DEMO_USERS, start_demo
from fundclient.domain.reference import use_reference
from fundclient.domain.records import Beneficiary, new_id
from fundclient.hq.console.decisions import decide
from fundclient.services import registration
from fundclient.services.session import login
from fundclient.sync.device import Device
from fundclient.sync.decisions import store_decisions
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox
from fundclient.sync.reasons import reason_message

_sync_helpers = sync_helpers


enrol_office, people = _sync_helpers().enrol_office, _sync_helpers().people


def test_rejection_decided_at_hq_shows_at_the_office_after_sync_and_login(tmp_path):
    demo = start_demo(tmp_path / "demo", records=0)
    try:
        brak = tmp_path / "brak"
        brak.mkdir()
        enrol_office(demo.hq, brak, "BRK")
        first = people(1, office="BRK", seed=5)[0]
        Outbox(brak).seal([first.to_dict()])
        assert run_sync(brak).status == "ok"

        session = login(demo.data_dir, *DEMO_USERS[0][:2])
        try:
            # the same retiree, registered again at the demo office
            person = Beneficiary.from_dict({**first.to_dict(), "record_id": new_id(), "office_code": DEMO_OFFICE})
            saved = registration.register(session, person).result
        finally:
            session.close()
        assert run_sync(demo.data_dir).status == "ok"
        assert Outbox(demo.data_dir).result_for(saved.record_id, 1).status == "duplicate"

        keys = demo.hq.ingestor.keys
        decide(demo.hq.ingestor.engine, keys.sign_private, "salem", saved.record_id, "reject",
               "hq_rejected_documents", note="stays at HQ")
        summary = run_sync(demo.data_dir)
        assert summary.decisions == 1
        stored = json.loads(next((demo.data_dir / "outbox" / "results").glob("decision-*.json")).read_text())
        assert "note" not in json.dumps(stored) and "stays at HQ" not in json.dumps(stored)

        session = login(demo.data_dir, *DEMO_USERS[0][:2])  # applies HQ's answers
        try:
            state, reason = session.store.beneficiaries.sync_state(saved.record_id, 1)
            assert (state, reason) == ("rejected", "hq_rejected_documents")
            assert reason_message(reason).ar.startswith("رفضت الإدارة العامة السجل")
            attention = {i.beneficiary.record_id: i for i in session.store.beneficiaries.needing_attention()}
            assert attention[saved.record_id].sync_reason == "hq_rejected_documents"
        finally:
            session.close()
        assert run_sync(demo.data_dir).decisions == 0  # once only
    finally:
        use_reference(None)
        demo.close()


def test_forged_or_foreign_decisions_are_not_kept(tmp_path):
    demo = start_demo(tmp_path / "demo", records=0)
    try:
        device = Device.load(demo.data_dir)
        from fundclient.sync.ack import sign_decision
        from fundclient.sync.keys import generate_signing_private
        body = {"v": 1, "id": 7, "office_code": device.office_code, "record_id": "r", "revision": 1,
                "status": "rejected", "reason": "hq_rejected_data", "duplicate_of": None, "decided_at": ""}
        forged = sign_decision(body, generate_signing_private())  # not an HQ key
        foreign = sign_decision({**body, "id": 8, "office_code": "XXX"}, demo.hq.ingestor.keys.sign_private)
        assert store_decisions(demo.data_dir, device, {"decisions": [forged, foreign], "token": 8}) == 0
        assert not list((demo.data_dir / "outbox" / "results").glob("decision-*.json"))
        good = sign_decision({**body, "id": 9}, demo.hq.ingestor.keys.sign_private)
        assert store_decisions(demo.data_dir, device, {"decisions": [good], "token": 9}) == 1
    finally:
        use_reference(None)
        demo.close()


def test_decisions_are_told_only_to_a_device_of_that_office_that_signed_the_request(tmp_path):
    import time

    import requests

    from fundclient.sync.decisions import signed_request
    demo = start_demo(tmp_path / "demo", records=0)
    try:
        device = Device.load(demo.data_dir)
        url = f"{demo.hq.url}/api/v1/decisions"
        s = requests.Session()
        s.trust_env = False
        assert s.get(url, params=signed_request(device, 0)).status_code == 200
        assert s.get(url, params={"device_id": device.device_id, "since": 0}).status_code == 400  # unsigned
        other = tmp_path / "other"
        other.mkdir()
        enrol_office(demo.hq, other, "BRK")
        stranger = Device.load(other)
        forged = {**signed_request(stranger, 0), "device_id": device.device_id}  # another PC's key
        assert s.get(url, params=forged).status_code == 403
        stale = signed_request(device, 0, at=int(time.time()) - 3600)
        assert s.get(url, params=stale).status_code == 403
        assert s.get(url, params={**signed_request(device, 0), "since": "2**70"}).status_code == 400
    finally:
        use_reference(None)
        demo.close()


def test_a_duplicate_answer_names_the_other_office_and_its_date(tmp_path):
    """HQ-wide duplicates (#14): the office's signed answer says where and when the other record
    was registered; the office keeps it with the answer and shows it in words (the office by its
    name, never its code)."""
    from datetime import datetime, timezone

    from fundclient.sync.reasons import split_reason
    from fundclient.ui.labels import hq_reason_text

    demo = start_demo(tmp_path / "demo", records=0)
    try:
        brak = tmp_path / "brak"
        brak.mkdir()
        enrol_office(demo.hq, brak, "BRK")
        first = people(1, office="BRK", seed=6)[0]
        first.created_at = datetime(2025, 3, 4, 10, 0, tzinfo=timezone.utc)
        Outbox(brak).seal([first.to_dict()])
        assert run_sync(brak).status == "ok"
        session = login(demo.data_dir, *DEMO_USERS[0][:2])
        try:
            person = Beneficiary.from_dict({**first.to_dict(), "record_id": new_id(), "office_code": DEMO_OFFICE,
                                            "dependants": []})
            saved = registration.register(session, person).result
        finally:
            session.close()
        assert run_sync(demo.data_dir).status == "ok"
        session = login(demo.data_dir, *DEMO_USERS[0][:2])  # applies HQ's answers
        try:
            state, reason = session.store.beneficiaries.sync_state(saved.record_id, 1)
        finally:
            session.close()
        assert state == "duplicate" and split_reason(reason) == ("duplicate", "BRK", "2025-03-04")
        assert reason_message(reason) == reason_message("duplicate")
        shown = hq_reason_text(reason)
        assert "مسجل في مكتب براك بتاريخ 04/03/2025" in shown and "BRK" not in shown
    finally:
        use_reference(None)
        demo.close()
