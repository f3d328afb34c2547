"""Reference data HQ publishes reaches the office's forms: a new municipality set at HQ is
pulled by `sync` and, after the next login, is a valid choice for a registration."""

from __future__ import annotations

from fundclient.demo import DEMO_USERS, start_demo
from fundclient.domain.reference import bundled_reference, default_reference, use_reference
from fundclient.domain.synthetic import generate
from fundclient.domain.validation import validate_field
from fundclient.hq.refdata import set_reference
from fundclient.services import registration
from fundclient.services.session import login
from fundclient.sync.engine import run_sync


def test_municipality_published_at_hq_is_usable_after_sync_and_login(tmp_path):
    demo = start_demo(tmp_path / "demo", records=0)
    try:
        assert bundled_reference().item("municipalities", "NEWTOWN") is None
        assert validate_field("municipality", "NEWTOWN") is not None  # unknown before the pull
        set_reference(demo.hq.ingestor.engine, "municipalities", "NEWTOWN",
                      {"ar": "البلدة الجديدة", "en": "New Town"})
        assert run_sync(demo.data_dir).status == "ok"
        session = login(demo.data_dir, *DEMO_USERS[0][:2])
        try:
            assert default_reference().item("municipalities", "NEWTOWN").ar == "البلدة الجديدة"
            assert validate_field("municipality", "NEWTOWN") is None
            person = generate(1, seed=77)[0]
            person.municipality = "NEWTOWN"
            saved = registration.register(session, person).result
            assert saved.municipality == "NEWTOWN"
        finally:
            session.close()
    finally:
        use_reference(None)
        demo.close()
