"""A person registered at another office, found at the registration form (#14): the Brak clerk
types the national number of a man the Sebha office registered and sent to HQ. With HQ down the
banner says at once, from the digest pulled at the last sync, that the number is registered at
the Sebha office; when HQ is back, its signed answer joins the banner with the date and the
card's status as the clerk finishes the name and birth date. Keyboard only, at 1366×768 and
1024×768; the banner never hides the field being typed in."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from conftest import CLERK, CLERK_PW
from journey import arabic_digits

from sync_helpers_by_path import sync_helpers

REGISTERED = datetime(2025, 3, 4, 9, 30, tzinfo=timezone.utc)


def _registered_at_sebha(hq_server, tmp_path):
    from fundclient.sync.engine import run_sync
    from fundclient.sync.outbox import Outbox

    helpers = sync_helpers()
    sebha = tmp_path / "sebha"
    sebha.mkdir()
    helpers.enrol_office(hq_server, sebha, "SBH")
    person = helpers.people(1, office="SBH", seed=41)[0]
    person.created_at = REGISTERED
    person.card_number = "SBH-0001-000001-55"
    Outbox(sebha).seal([person.to_dict()])
    assert run_sync(sebha).status == "ok"
    return person


def _dmy(day) -> str:
    return arabic_digits(day.strftime("%d/%m/%Y"))


def test_registered_at_another_office_offline_then_online(open_app, real_office, hq_server, tmp_path):
    from fundclient.hq.server import start_in_thread
    from fundclient.sync.engine import run_sync

    person = _registered_at_sebha(hq_server, tmp_path)
    assert run_sync(real_office).status == "ok"  # Brak's nightly sync: the digest comes with it
    port = urlsplit(hq_server.url).port
    hq_server.stop()  # the link is down today

    j = open_app(real_office)
    j.login(CLERK, CLERK_PW)
    j.press("Ctrl+N")
    j.wait_idle()
    j.type(arabic_digits(person.national_number))
    j.wait_idle()
    # From the digest, with no link: where, never a code; no date (the digest does not say it)
    j.wait_for_text("هذا الرقم الوطني مسجل في مكتب آخر.")
    j.assert_sees("مسجل في المكتب الرئيسي سبها")
    j.assert_not_sees("SBH")
    j.screenshot("duplicate-elsewhere-offline")
    j.assert_layout_ok()

    hq = start_in_thread(hq_server.hq_dir, None, port=port)  # the link is back
    try:
        j.enter()
        for part in (person.name.first, person.name.father, person.name.grandfather, person.name.family):
            j.type(part)
            j.enter()
        j.type("ذ")  # male
        j.enter()
        j.type(_dmy(person.date_of_birth))
        j.wait_idle()
        # HQ's answer joins the banner: the office's name, the registration date, the card
        from fundclient.ui.i18n import show_date
        when = show_date(REGISTERED.date())  # the banner's digits, by the display rule
        j.wait_for_text(f"مسجل في المكتب الرئيسي سبها بتاريخ {when}")
        j.assert_sees("مؤكد · البطاقة سارية")
        initials = " ".join(f"{w[0]}." for w in (person.name.first.split()[0],
                                                  person.name.family.removeprefix("ال")))
        j.assert_sees(f"اختصار الاسم {initials}")
        j.assert_not_sees("SBH", person.mother_name)
        j.screenshot("duplicate-elsewhere")
        j.assert_layout_ok()
        with hq.ingestor.engine.connect() as conn:
            from sqlalchemy import func, select

            from fundclient.hq.db import lookups
            asked = conn.execute(select(func.count()).select_from(lookups).where(lookups.c.found > 0)).scalar()
        assert asked >= 1  # every lookup is audited at HQ
    finally:
        hq.stop()
