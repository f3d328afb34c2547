"""HQ console journeys in a real browser (Debian chromium via Playwright) against a real HQ
on 127.0.0.1 that ingested real batches from two real office data dirs (Sebha and Brak).

Each journey is what HQ staff do: sign in (wrong password, lockout, second factor), find a
person, decide a duplicate and see the answer reach the office at its next sync, enrol a new
office PC with a token, revoke a device and see its next batch refused, edit reference data
and see an office pull it. Screenshots of every page, Arabic and English, go to
docs/screenshots/console-*.png.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyotp
import pytest
import requests

import fundclient.resources
from fundclient.domain.card_numbers import make_card_number
from fundclient.domain.records import Photo
from fundclient.hq.console import audit, routes
from fundclient.hq.console.auth import add_user
from fundclient.hq.keys import init_keys
from fundclient.hq.limits import Rate
from fundclient.hq.server import start_in_thread
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox
from fundclient.sync.reference import ReferenceStore

from hq_console_helpers import (PASSWORD, _sync_helpers, click_and_wait, csrf_of, launch, login,  # noqa: E402
                                 press_and_wait, shot)

enrol_office, people, photos_for = _sync_helpers().enrol_office, _sync_helpers().people, _sync_helpers().photos_for

pytestmark = [pytest.mark.hq, pytest.mark.slow]
from playwright.sync_api import sync_playwright  # noqa: E402


def _database_url(kind: str) -> str | None:
    """None (SQLite in the HQ dir) or an emptied PostgreSQL database (FUNDCLIENT_TEST_PG_URL,
    set by `scripts/dev.py test`; a missing server fails the test, never skips it)."""
    if kind == "sqlite":
        return None
    url = os.environ.get("FUNDCLIENT_TEST_PG_URL")
    if not url:
        pytest.fail("FUNDCLIENT_TEST_PG_URL is not set: run `python3 scripts/dev.py test`")
    from sqlalchemy import create_engine
    from fundclient.hq.migrate import drop_everything
    engine = create_engine(url)
    drop_everything(engine)  # intake and console tables, and the migrations' version table
    engine.dispose()
    return url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request, tmp_path_factory):
    """HQ + two offices that synced: SBH 12 people, BRK 5 people of whom one has the national
    number of an SBH person (HQ flags it a duplicate)."""
    root = tmp_path_factory.mktemp("console")
    hq_dir = root / "hq"
    init_keys(hq_dir)
    # Many journeys sign in from one address within a minute: this HQ's sign-in rate is raised so
    # they never trip it (test_sign_in_is_rate_limited_per_client checks the real rate on its own HQ).
    real_rate = routes.LOGIN_RATE
    routes.LOGIN_RATE = (real_rate[0], Rate(burst=10_000, per_second=100.0))
    try:
        hq = start_in_thread(hq_dir, _database_url(request.param))
    finally:
        routes.LOGIN_RATE = real_rate
    sbh, ubr = root / "sbh", root / "ubr"
    for d in (sbh, ubr):
        d.mkdir()
    enrol_office(hq, sbh, "SBH")
    enrol_office(hq, ubr, "BRK")
    sebha = people(12, office="SBH", seed=3)
    for n, p in enumerate(sebha, start=1):  # cards as the office gives them (holder, then dependants)
        p.card_number = make_card_number("SBH", 1, 2 * n)
        if p.dependants:
            p.dependants[0].card_number = make_card_number("SBH", 1, 2 * n + 1)
    today = datetime.now(timezone.utc)
    for n, p in enumerate(sebha):  # registered at the office over the last days (the chart's dates)
        p.created_at = p.updated_at = today - timedelta(days=n % 6)
    sebha[3].card_history = [{"card_number": make_card_number("SBH", 1, 900), "reason": "lost"}]
    brak = people(5, office="BRK", seed=77)
    brak[0].national_number = sebha[0].national_number
    face = (Path(fundclient.resources.__file__).parent / "samples" / "face.jpg").read_bytes()
    Outbox(sbh).seal([p.to_dict() for p in sebha],
                     {p.record_id: [Photo(data=face, quality={"sharpness": 0.9})] for p in sebha},
                     card_revocations=[{"card_number": make_card_number("SBH", 1, 900), "reason": "lost",
                                        "record_id": sebha[3].record_id}])
    assert run_sync(sbh).status == "ok"
    Outbox(ubr).seal([p.to_dict() for p in brak], photos_for(brak))
    assert run_sync(ubr).status == "ok"
    engine = hq.ingestor.engine
    add_user(engine, "amal", "admin", PASSWORD)
    add_user(engine, "salem", "reviewer", PASSWORD)
    add_user(engine, "huda", "viewer", PASSWORD)
    secret = add_user(engine, "nouri", "reviewer", PASSWORD, totp=True)
    yield {"hq": hq, "sbh": sbh, "ubr": ubr, "sebha": sebha, "brak": brak, "totp": secret, "root": root}
    hq.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ar-LY")
    pg = context.new_page()
    yield pg
    context.close()


def test_sign_in_wrong_password_lockout_and_second_factor(world, page):
    base = world["hq"].url
    page.goto(f"{base}/console/offices")
    assert "/console/login" in page.url  # no session: the login page
    assert page.locator("html").get_attribute("dir") == "rtl"
    shot(page, "login-ar")
    login(page, base, "huda", "wrong password!")
    assert "غير صحيح" in page.locator("#login-error").inner_text()
    for _ in range(4):
        login(page, base, "huda", "wrong password!")
    assert "مقفل" in page.locator("#login-error").inner_text()
    login(page, base, "huda", PASSWORD)  # right password, still locked
    assert "مقفل" in page.locator("#login-error").inner_text()
    assert "/console/login" in page.url

    login(page, base, "nouri", PASSWORD)  # second factor missing
    assert "/console/login" in page.url and page.locator("#login-error").is_visible()
    login(page, base, "nouri", PASSWORD, pyotp.TOTP(world["totp"]).now())
    assert page.url.endswith("/console/offices")
    cookie = next(c for c in page.context.cookies() if c["name"] == "fc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    ok, count, _ = audit.verify(world["hq"].ingestor.engine)
    assert ok and count >= 8


def test_forms_need_csrf_and_pages_send_csp(world):
    base = world["hq"].url
    s = requests.Session()
    s.trust_env = False
    r = s.get(f"{base}/console/login")
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    r = s.post(f"{base}/console/login", data={"csrf": "forged", "username": "amal", "password": PASSWORD})
    assert r.status_code == 400 and "fc_session" not in s.cookies
    r = s.post(f"{base}/console/login", data={"csrf": csrf_of(s.get(f"{base}/console/login").text),
                                              "username": "salem", "password": PASSWORD})
    assert r.status_code == 200 and "fc_session" in s.cookies
    r = s.post(f"{base}/console/reference", data={"kind": "offices", "code": "XXX", "ar": "x", "csrf": "nope"})
    assert r.status_code == 403  # a reviewer, and no token: refused either way
    r = s.post(f"{base}/console/decisions/{world['brak'][0].record_id}", data={"action": "keep"})
    assert r.status_code == 403  # no CSRF token


def test_find_a_person_by_number_name_and_card(world, page):
    base = world["hq"].url
    person = world["sebha"][3]
    login(page, base, "amal", PASSWORD)
    page.goto(f"{base}/console/records")
    shot(page, "records-ar")
    page.fill("#q", person.national_number)
    press_and_wait(page)
    rows = page.locator("#records-table tbody tr")
    assert rows.count() == 1
    # fuzzy name: first and family name only, with a hamza/taa-marbuta variant typed by HQ
    variant = f"{person.name.first} {person.name.family}".replace("أ", "ا").replace("ة", "ه")
    page.fill("#q", variant)
    press_and_wait(page)
    first = page.locator("#records-table tbody tr").first
    assert person.name.first in first.inner_text()
    page.goto(f"{base}/console/records?q={person.national_number}")
    click_and_wait(page.locator("#records-table a").first)
    assert page.locator("#record-nn").inner_text() == person.national_number
    assert page.locator("img[alt]").first.is_visible()
    assert "ملغاة" in page.locator("main").inner_text()  # the replaced card, revoked by the office
    shot(page, "record-ar")
    for card in (person.card_number, person.dependants[0].card_number, make_card_number("SBH", 1, 900)):
        page.goto(f"{base}/console/records?q={card}")  # holder's, a dependant's, a replaced one
        assert page.locator("#records-table tbody tr").count() == 1, card
        assert page.locator("#records-table tbody tr").inner_text().count(person.national_number) == 1


def test_decide_a_duplicate_and_the_office_gets_the_answer(world, page):
    base = world["hq"].url
    flagged = world["brak"][0]
    login(page, base, "salem", PASSWORD)
    page.goto(f"{base}/console/decisions")
    assert flagged.national_number in page.locator("main").inner_text()
    # the HQ-wide check's finding, with its evidence: where and when the other one was registered
    finding = page.locator("section.case").filter(has_text=flagged.national_number).locator("p.finding")
    assert "الرقم الوطني نفسه مسجل" in finding.inner_text()
    assert "مسجل في المكتب الرئيسي سبها" in finding.inner_text()
    shot(page, "decisions-ar")
    case = page.locator("section.case").filter(has_text=flagged.national_number)
    case.locator("input[value=duplicate]").check()
    case.locator("input[name=note]").fill("same retiree, registered at Sebha first")
    click_and_wait(case.locator("button[type=submit]"))
    assert "/console/decisions" in page.url and page.locator(".notice").is_visible()
    assert page.locator("#queue-empty").is_visible()

    # The office hears it at its next sync, signed by HQ, in its per-record answers.
    summary = run_sync(world["ubr"])
    assert summary.decisions == 1
    answer = Outbox(world["ubr"]).result_for(flagged.record_id, 1)
    assert answer.status == "duplicate" and answer.reason == "hq_duplicate"
    assert answer.duplicate_of == world["sebha"][0].record_id
    assert "الإدارة العامة" in answer.message.ar
    assert run_sync(world["sbh"]).decisions == 0  # another office never receives it
    page.goto(f"{base}/console/records/{flagged.record_id}")
    assert page.locator("#record-decision").is_visible()


def test_enrol_a_new_office_with_a_token_from_the_console(world, page):
    from fundclient.sync.enrol import enrol
    base = world["hq"].url
    login(page, base, "amal", PASSWORD)
    page.goto(f"{base}/console/devices")
    page.fill("#token-office", "XYZ")  # not an office of HQ's reference data
    press_and_wait(page)
    assert "XYZ" in page.locator(".notice").inner_text()
    page.goto(f"{base}/console/devices")
    page.fill("#token-office", "GHT")
    page.fill("#token-hours", "24")
    press_and_wait(page)
    token = page.locator("#token-value").inner_text().strip()
    assert page.locator("#token-qr").is_visible()
    shot(page, "devices-token-ar")
    import cv2
    import zxingcpp
    qr_png = world["root"] / "qr.png"
    page.locator("#token-qr").screenshot(path=str(qr_png))
    assert [r.text for r in zxingcpp.read_barcodes(cv2.imread(str(qr_png)))] == [token]
    ghat = world["root"] / "ght"
    ghat.mkdir()
    device = enrol(ghat, base, token)
    assert device.office_code == "GHT"
    page.goto(f"{base}/console/devices")
    assert page.locator("#devices-table tr[data-device='%s']" % device.device_id).count() == 1
    row = page.locator(f"tr[data-device='{device.device_id}']")
    row.locator("input[name=label]").fill("مكتب غات 1")
    click_and_wait(row.locator("button", has_text="إعادة تسمية"))
    assert "مكتب غات 1" in page.locator(f"tr[data-device='{device.device_id}']").inner_text()
    with pytest.raises(Exception):
        enrol(world["root"] / "again", base, token)  # one use only


def test_revoke_a_device_and_its_next_batch_is_refused(world, page):
    base = world["hq"].url
    from fundclient.sync.device import Device
    ubr = Device.load(world["ubr"])
    login(page, base, "amal", PASSWORD)
    page.goto(f"{base}/console/devices")
    row = page.locator(f"tr[data-device='{ubr.device_id}']")
    row.locator("input[name=reason]").fill("الجهاز سُرق")
    click_and_wait(row.locator("button.danger"))
    assert "ملغى" in page.locator(f"tr[data-device='{ubr.device_id}']").inner_text()
    late = people(1, office="BRK", seed=501)
    Outbox(world["ubr"]).seal([p.to_dict() for p in late])
    summary = run_sync(world["ubr"])
    assert summary.batches_quarantined == 1 and summary.quarantined[0]["code"] == "revoked_device"
    page.goto(f"{base}/console/offices")
    assert "أُلغي تسجيل هذا الجهاز" in page.locator("#offices-table").inner_text()
    shot(page, "offices-ar")


def test_edit_reference_data_and_an_office_pulls_it(world, page):
    base = world["hq"].url
    login(page, base, "amal", PASSWORD)
    page.goto(f"{base}/console/reference?kind=offices")
    page.fill("#ref-code", "QRQ")
    page.fill("#ref-ar", "مكتب قراقرة")
    page.fill("#ref-en", "Qaraqarah office")
    page.fill("#ref-fr", "Bureau de Qaraqarah")  # a label per further language (one per catalogue)
    press_and_wait(page)
    table = page.locator("#reference-table").inner_text()
    assert "مكتب قراقرة" in table and "Bureau de Qaraqarah" in table
    shot(page, "reference-ar")
    assert run_sync(world["sbh"]).status in ("ok", "partial")
    pulled = ReferenceStore(world["sbh"]).entries("offices")["QRQ"]
    assert pulled["ar"] == "مكتب قراقرة"
    # the office shows it in French from the entry itself (not the catalogue, not English)
    from fundclient.domain.reference import RefItem

    assert RefItem.from_dict({**pulled, "code": "QRQ"}).label("fr") == "Bureau de Qaraqarah"


def test_exports_are_formula_safe_and_roles_are_enforced(world, page):
    base = world["hq"].url
    login(page, base, "salem", PASSWORD)
    page.goto(f"{base}/console/exports")
    shot(page, "exports-ar")
    with page.expect_download() as dl:
        page.click("#intake-csv")
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    assert "revoked_device" in text and "received" in text
    page.goto(f"{base}/console/audit")
    assert page.locator("main").inner_text().strip() and page.locator("#audit-table").count() == 0  # reviewer: no
    page.goto(f"{base}/console/devices")
    assert page.locator("#token-office").count() == 0  # only admins issue tokens


def test_every_page_in_english_and_arabic_and_print(world, page):
    base = world["hq"].url
    login(page, base, "amal", PASSWORD)
    record_id = world["sebha"][0].record_id
    pages = {"offices": "/console/offices", "records": "/console/records", "record": f"/console/records/{record_id}",
             "decisions": "/console/decisions", "devices": "/console/devices", "reference": "/console/reference",
             "exports": "/console/exports", "audit": "/console/audit"}
    page.goto(f"{base}/console/offices")
    click_and_wait(page.locator("#lang-switch"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    for name, path in pages.items():
        page.goto(base + path)
        assert page.locator("h1").first.is_visible()
        shot(page, f"{name}-en")
    # French: a catalogue file, offered like the others; left-to-right, the navigation in French
    click_and_wait(page.locator("a.lang-link[lang=fr]"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("html").get_attribute("dir") == "ltr"
    nav = page.locator("nav").first.inner_text()
    assert "Offices" not in nav and "المكاتب" not in nav and nav.strip()
    assert "connexion" in page.locator("#audit-table").inner_text()  # what an action means, not only its code
    shot(page, "audit-fr")
    click_and_wait(page.locator("#lang-switch"))  # the first other language: Arabic
    assert page.locator("html").get_attribute("lang") == "ar"
    for name in ("audit",):
        page.goto(base + pages[name])
        assert "سليمة" in page.locator("#chain-state").inner_text()
        assert "تسجيل دخول" in page.locator("#audit-table").inner_text()
        shot(page, f"{name}-ar")
    page.goto(base + pages["record"])
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and page.locator("h1").is_visible()
    shot(page, "record-print-ar")
    page.emulate_media(media="screen")
    # keyboard only: Tab from the top reaches the skip link first, then the navigation
    page.goto(f"{base}/console/offices")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"


def test_rotate_hq_keys_needs_confirmation_and_offices_adopt_the_new_key(world, page):
    from fundclient.sync.device import Device
    base = world["hq"].url
    login(page, base, "amal", PASSWORD)
    page.goto(f"{base}/console/devices")
    old = world["hq"].ingestor.keys.active_decrypt
    page.fill("#rotate-confirm", "rotate please")
    click_and_wait(page.locator("#rotate-form button"))
    assert "لم يُؤكَّد" in page.locator("main").inner_text()
    assert world["hq"].ingestor.keys.active_decrypt == old
    page.goto(f"{base}/console/devices")
    page.fill("#rotate-confirm", "ROTATE")
    click_and_wait(page.locator("#rotate-form button"))
    new = world["hq"].ingestor.keys.active_decrypt
    assert new != old and new in page.locator("main").inner_text()
    assert run_sync(world["sbh"]).status in ("ok", "partial")  # the office adopts the new key set
    assert Device.load(world["sbh"]).hq_active_key_id == new
    late = people(1, office="SBH", seed=901)
    Outbox(world["sbh"]).seal([p.to_dict() for p in late])  # sealed to the new key, ingested
    assert run_sync(world["sbh"]).batches_acknowledged == 1


def test_staff_change_their_own_password(world, page):
    base, engine = world["hq"].url, world["hq"].ingestor.engine
    add_user(engine, "fatma", "viewer", PASSWORD)
    login(page, base, "fatma", PASSWORD)
    click_and_wait(page.locator("#account-link"))
    assert page.url.endswith("/console/account") and page.locator("#current").is_visible()

    def change(current: str, new: str, again: str) -> None:
        page.fill("#current", current)
        page.fill("#new", new)
        page.fill("#again", again)
        press_and_wait(page)

    change("not my password", "a new long password", "a new long password")
    assert "الحالية غير صحيحة" in page.locator("#account-error").inner_text()
    change(PASSWORD, "short", "short")
    assert "قصيرة" in page.locator("#account-error").inner_text()
    change(PASSWORD, "a new long password", "a new long passwort")
    assert "غير متطابقتين" in page.locator("#account-error").inner_text()
    change(PASSWORD, "a new long password", "a new long password")
    assert "غُيّرت كلمة المرور" in page.locator("#account-saved").inner_text()
    shot(page, "account-ar")
    click_and_wait(page.locator("form[action='/console/logout'] button"))
    login(page, base, "fatma", PASSWORD)  # the old password no longer opens the console
    assert "/console/login" in page.url
    login(page, base, "fatma", "a new long password")
    assert page.url.endswith("/console/offices")
    ok, _, _ = audit.verify(engine)
    actions = [r.action for r in audit.recent(engine) if r.actor == "fatma"]
    assert ok and "password_changed" in actions and "password_change_failed" in actions


def test_offices_highlight_silence_for_the_days_staff_choose(world, page):
    base = world["hq"].url
    login(page, base, "amal", PASSWORD)
    page.goto(f"{base}/console/offices")
    page.fill("#silent", "30")
    press_and_wait(page)
    assert "silent=30" in page.url and page.locator("#silent").input_value() == "30"
    assert page.locator("svg.chart circle").count() >= 6  # Sebha registered on six different days
    assert "30" in page.locator("p.hint").first.inner_text()
    page.goto(f"{base}/console/offices?silent=abc")  # nonsense falls back to the default, never an error
    assert page.locator("#offices-table").is_visible()


def test_categories_are_edited_at_hq_and_offices_register_in_them(world, page):
    from fundclient.domain.categories import categories
    from fundclient.services.reference import office_reference
    base = world["hq"].url
    login(page, base, "amal", PASSWORD)
    page.goto(f"{base}/console/reference?kind=categories")
    assert "شريحة المتقاعدين" in page.locator("#reference-table").inner_text()
    click_and_wait(page.locator("a[aria-label='تعديل social_support']"))
    assert page.locator("#ref-code").input_value() == "social_support"
    assert "support_file_number" in page.locator("#ref-fields").input_value()
    page.check("#ref-active")
    page.fill("#ref-fields", '[{"key": "support_file_number", "ar": "رقم ملف الدعم", "en": "Support file"')  # cut
    click_and_wait(page.locator("#reference-form button[type=submit]"))
    assert "ليست JSON صالحًا" in page.locator("#reference-error").inner_text()
    assert page.locator("#ref-active").is_checked()  # the form is kept as typed
    page.fill("#ref-fields", '[{"key": "support_file_number", "ar": "رقم ملف الدعم", "en": "Support file", '
                             '"kind": "number"}]')
    click_and_wait(page.locator("#reference-form button[type=submit]"))
    assert "الحقل 1" in page.locator("#reference-error").inner_text() and "kind" in page.locator(
        "#reference-error").inner_text()
    page.fill("#ref-fields", '[{"key": "support_file_number", "ar": "رقم ملف الدعم", "en": "Support file number", '
                             '"kind": "digits", "min_length": 1, "max_length": 20, "required": true}]')
    click_and_wait(page.locator("#reference-form button[type=submit]"))
    assert page.locator("#reference-error").count() == 0
    shot(page, "categories-ar")
    before = {c.code for c in categories(office_reference(world["sbh"])) if c.active}
    assert "social_support" not in before
    assert run_sync(world["sbh"]).status in ("ok", "partial")
    offered = {c.code: c for c in categories(office_reference(world["sbh"])) if c.active}
    assert "social_support" in offered and offered["social_support"].field("support_file_number").required
    assert "retiree" in offered  # the bundled category stays


def test_a_record_refused_on_arrival_waits_on_the_decisions_page_until_corrected(world, page):
    base = world["hq"].url
    person = people(1, office="SBH", seed=4242)[0]
    person.card_number = world["sebha"][1].card_number  # a number another record holds at HQ
    Outbox(world["sbh"]).seal([person.to_dict()], {})
    assert run_sync(world["sbh"]).status in ("ok", "partial")
    login(page, base, "salem", PASSWORD)
    page.goto(f"{base}/console/decisions")
    refused = page.locator("#refused-table").inner_text()
    assert person.national_number in refused and "رقم البطاقة" in refused
    shot(page, "decisions-refused-ar")
    fixed = person.next_revision(card_number=make_card_number("SBH", 1, 700))
    Outbox(world["sbh"]).seal([fixed.to_dict()], {})
    assert run_sync(world["sbh"]).status in ("ok", "partial")
    page.goto(f"{base}/console/decisions")
    assert person.national_number not in page.locator("#refused-table").inner_text()


def test_sign_in_is_rate_limited_per_client(tmp_path):
    hq_dir = tmp_path / "hq"
    init_keys(hq_dir)
    hq = start_in_thread(hq_dir)  # the console's real sign-in rate
    try:
        base = hq.url
        s = requests.Session()
        s.trust_env = False
        codes = [s.post(f"{base}/console/login", data={"csrf": "x", "username": f"u{i}", "password": "p"}).status_code
                 for i in range(60)]
        assert 429 in codes and codes[0] == 400
        assert s.get(f"{base}/console/static/console.css").status_code == 200  # the rest of HQ still answers
    finally:
        hq.stop()
