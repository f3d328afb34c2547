"""Journey: the first sign-in after an update that changed the duplicate check's keys (an office
keyed by an older rule, or one from before the keys). Huda signs in as every morning; the login
window says that the office's records are being prepared for the new version, how far it has
got (N of M beneficiaries, a moving bar) and that it happens once; the window keeps answering
(she switches it to English and the note follows); then the main window opens and the keys
are those of the current rule.

A small office and a test hook (`duplicate_rule.after_slice`) hold the upgrade after its first
slice, so the journey sees it mid-way; a 1 M office takes minutes (docs/performance.md)."""

from __future__ import annotations

import threading

from fundclient.ui.i18n import read_digits

from keys_journey_helpers import ADMIN, ADMIN_PW, CLERK, CLERK_PW, keys_office, keys_office_template  # noqa: F401



def _held_after_the_first_slice(monkeypatch, upgrade) -> tuple[threading.Event, threading.Event]:
    """The upgrade module's fill held after its first slice (`held` set) until `go_on` is set:
    the sign-in window is looked at mid-upgrade."""
    held, go_on = threading.Event(), threading.Event()

    def hold_after_the_first_slice(next_id: int) -> None:
        if not held.is_set():
            held.set()
            go_on.wait(60)

    monkeypatch.setattr(upgrade, "after_slice", hold_after_the_first_slice)
    return held, go_on


def _signed_in_while_held(open_app, office, held):
    """The app opened on `office` and the clerk signed in by keyboard, as every morning (name,
    Enter, password, Enter), until the held upgrade's note shows. Returns (journey, login window)."""
    j = open_app(office)
    login = j.gui.login
    j.select_all_and_type(CLERK)
    j.enter()
    j.type(CLERK_PW)
    j.enter()
    j.wait_until(lambda: held.is_set() and login.upgrade_note.isVisible(), 30000, "the upgrade's note")
    return j, login


def _in_english_then_let_go(j, login, note: str, go_on):
    """The window answers while the upgrade runs: the language button (Tab past the disabled Sign
    in), Space — the note in English; then the upgrade let go, until the main window shows (the
    note and bar gone). Returns the office's store."""
    j.tab_to(lambda w: w is login.language_button)
    j.space()
    j.wait_until(lambda: note in login.upgrade_note.text(), 5000, "the note in English")
    go_on.set()
    j.wait_until(lambda: j.gui.window is not None and j.gui.window.isVisible(), 30000, "the main window")
    j.guard.allowed_windows.add(id(j.gui.window))
    assert not login.upgrade_note.isVisible() and not login.upgrade_bar.isVisible()
    return j.gui.session.store


def _keyed_by_an_older_rule(data_dir) -> int:
    """The office as the version before left it: other keys, an older rule's number. Returns
    how many holders it has."""
    from fundclient.storage import open_store
    from fundclient.storage.duplicate_rule import META_ROW

    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        with store.writer_connection() as conn:
            conn.exec_driver_sql("UPDATE meta SET value = '1' WHERE name = ?", (META_ROW,))
            conn.exec_driver_sql("UPDATE beneficiaries SET dup_keys = 'x|old'")
            return conn.exec_driver_sql("SELECT count(*) FROM beneficiaries").scalar_one()
    finally:
        store.close()


def test_the_first_sign_in_after_an_update_shows_how_far_the_upgrade_is(open_app, keys_office, monkeypatch):
    from fundclient.storage import duplicate_rule

    holders = _keyed_by_an_older_rule(keys_office)
    assert holders == 12
    monkeypatch.setattr(duplicate_rule, "SLICE", 4)  # 12 holders: three slices
    held, go_on = _held_after_the_first_slice(monkeypatch, duplicate_rule)
    j, login = _signed_in_while_held(open_app, keys_office, held)
    j.wait_until(lambda: "3 من 12" in read_digits(login.upgrade_note.text()), 5000, "the first slice's count")
    note = read_digits(login.upgrade_note.text())
    assert "تجهيز سجلات هذا المكتب للإصدار الجديد" in note, note
    assert "3 من 12 منتفع (25٪)" in note, note  # ids from 1: the first slice [0, 4) holds three
    assert "يحدث هذا مرة واحدة بعد التحديث" in note, note
    assert login.upgrade_bar.isVisible() and (login.upgrade_bar.value(), login.upgrade_bar.maximum()) == (3, 12)
    assert login.busy and not login.login_button.isEnabled()  # no second sign-in meanwhile
    j.assert_layout_ok()
    j.screenshot("login-upgrade-progress")

    # The window answers meanwhile: the language button (Tab past the disabled Sign in), Space.
    store = _in_english_then_let_go(j, login, "Preparing this office's records for the new version: 3 of 12 "
                                    "beneficiaries (25%)", go_on)
    with store.read() as conn:
        assert duplicate_rule.is_current(conn.driver_connection)
        assert conn.exec_driver_sql("SELECT count(*) FROM beneficiaries WHERE dup_keys = 'x|old'").scalar_one() == 0
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = ?", (duplicate_rule.PENDING_TABLE,)).scalar_one() == 0


def _names_from_before_their_ends_table(data_dir) -> int:
    """The office as a version before migration 0010 left it (its names not filed by their ends'
    sound): the migration notes the fill, the next sign-in does it. Returns how many holders."""
    from fundclient.storage import migrate, open_store

    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        migrate.downgrade(store._engines.writer, "0009")
        migrate.upgrade(store._engines.writer)
        with store.read() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM beneficiaries").scalar_one()
    finally:
        store.close()


def test_the_first_sign_in_after_the_update_that_files_names_by_their_ends_shows_its_progress(
        open_app, keys_office, monkeypatch):
    """The same window, the same sentence, for the other upgrade at the opening
    (`storage.name_ends_fill`, review finding 2): Huda sees how far it is, then her main window."""
    from fundclient.storage import name_ends_fill

    holders = _names_from_before_their_ends_table(keys_office)
    assert holders == 12
    monkeypatch.setattr(name_ends_fill.NameEndsFill, "slice", 4)
    held, go_on = _held_after_the_first_slice(monkeypatch, name_ends_fill)
    j, login = _signed_in_while_held(open_app, keys_office, held)
    j.wait_until(lambda: "3 من 12" in read_digits(login.upgrade_note.text()), 5000, "the first slice's count")
    note = read_digits(login.upgrade_note.text())
    assert "تجهيز سجلات هذا المكتب للإصدار الجديد: 3 من 12 منتفع (25٪)" in note, note
    assert login.upgrade_bar.isVisible() and (login.upgrade_bar.value(), login.upgrade_bar.maximum()) == (3, 12)
    assert login.busy and not login.login_button.isEnabled()
    go_on.set()
    j.wait_until(lambda: j.gui.window is not None and j.gui.window.isVisible(), 30000, "the main window")
    j.guard.allowed_windows.add(id(j.gui.window))
    store = j.gui.session.store
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = ?",
                                    (name_ends_fill.PENDING_TABLE,)).scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM name_ends WHERE person > 0").scalar_one() == 12
        # and by their heads (migration 0014, the same mechanism, after it): filed too, nothing left noted
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = ?",
                                    (name_ends_fill.NAME_HEADS.pending,)).scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM name_heads WHERE person > 0").scalar_one() == 12


def _keys_of_rule_2_before_0013(data_dir) -> int:
    """The office as the version before migration 0013 left it: at 0012, rule 2's text keys (~15 a
    person) in its rows and its keys' table. Returns how many keys that table holds."""
    from fundclient.storage import duplicate_rule, migrate, open_store

    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        migrate.downgrade(store._engines.writer, "0012")
        with store._engines.writer.begin() as conn:
            conn.exec_driver_sql("INSERT OR REPLACE INTO meta (name, value) VALUES (?, '2')", (duplicate_rule.META_ROW,))
            for table, sign in (("beneficiaries", 1), ("dependants", -1)):
                conn.exec_driver_sql(
                    f"UPDATE {table} SET dup_keys = (SELECT group_concat('k' || n.value || '|' || ({sign} * {table}.id)"
                    " || '|1980-01-01|مد', ' ') FROM json_each('[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14]') n)")
            conn.exec_driver_sql("INSERT INTO duplicate_keys SELECT key, person FROM duplicate_keys_new")
            conn.exec_driver_sql("DELETE FROM duplicate_keys_new")
            return conn.exec_driver_sql("SELECT count(*) FROM duplicate_keys").scalar_one()
    finally:
        store.close()


def test_the_first_sign_in_after_the_update_that_retired_the_old_keys_shows_their_removal(
        open_app, keys_office, monkeypatch):
    """Migration 0013 no longer drops rule 2's tables inside Alembic (review finding 1): it retires
    them, and the sign-in removes them in slices (`storage.retired_drop`) — Huda sees the same
    window say that data the new version no longer uses is being removed and how far (a bar that
    fills), then the keys' progress, then her main window; nothing retired is left."""
    from fundclient.storage import retired_drop

    keys = _keys_of_rule_2_before_0013(keys_office)
    assert keys > 400
    monkeypatch.setattr(retired_drop, "SLICE_ROWS", 100)
    held, go_on = _held_after_the_first_slice(monkeypatch, retired_drop)
    j, login = _signed_in_while_held(open_app, keys_office, held)
    j.wait_until(lambda: login.upgrade_bar.value() == 100, 5000, "the first slice's count")
    note = read_digits(login.upgrade_note.text())
    assert "تجهيز سجلات هذا المكتب للإصدار الجديد: حذف بيانات لم يعد يستخدمها" in note, note
    assert "يحدث هذا مرة واحدة بعد التحديث" in note, note
    total = login.upgrade_bar.maximum()
    assert total >= 2 * keys  # the table and its index, each emptied in its own slices
    assert f"({100 * 100 // total}٪)" in note, note
    assert login.busy and not login.login_button.isEnabled()
    j.assert_layout_ok()
    j.screenshot("login-upgrade-removing-old-data")
    go_on.set()
    j.wait_until(lambda: j.gui.window is not None and j.gui.window.isVisible(), 60000, "the main window")
    j.guard.allowed_windows.add(id(j.gui.window))
    store = j.gui.session.store
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name LIKE 'retired%'").scalar_one() == 0
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"


def _a_list_build_stopped_before_its_end(data_dir) -> int:
    """A new office whose first load from a legacy list (`storage.bulk.bulk_load`) was stopped
    before its end — the computer switched off, the process killed: its indexes and name tables
    set aside and noted, its batches written, no end. Returns how many holders it has."""
    from fundclient.domain.synthetic import generate
    from fundclient.storage import bulk, bulk_build
    from fundclient.storage.store import initialise, open_store

    initialise(data_dir, "BRK", ADMIN, ADMIN_PW, "علي المدير", provisional_device_number=901)
    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        store.operators.add(CLERK, CLERK_PW, "clerk", full_name="هدى الزوي", by=ADMIN)
        assert bulk_build.start(store) is True
        return bulk.bulk_add(store, generate(40, seed=12, sibling_rate=0.3), by=ADMIN, batch_size=20)
    finally:
        store.close()


def test_the_first_sign_in_after_a_list_load_was_stopped_shows_the_end_being_finished(open_app, tmp_path, monkeypatch):
    """Review finding (2026-11-30): after a bulk build from a list was killed, the next opening
    finished its indexes and name tables (~45 s at 1 M) in one transaction, the sign-in window
    saying nothing. Now it is one of the opening's upgrades (`storage.bulk_build.Ending`): Huda
    sees the window say that the loading is being finished and how far (a bar that fills, step by
    step), then her main window, where the records are found by name."""
    from fundclient.storage import bulk_build

    office = tmp_path / "office"
    assert _a_list_build_stopped_before_its_end(office) == 40
    held, go_on = _held_after_the_first_slice(monkeypatch, bulk_build)
    j, login = _signed_in_while_held(open_app, office, held)
    j.wait_until(lambda: login.upgrade_bar.value() > 0, 5000, "the first step's share")
    note = read_digits(login.upgrade_note.text())
    assert "إكمال تحميل سجلات هذا المكتب من قائمة، وقد توقّف قبل نهايته" in note, note
    assert "يحدث هذا مرة واحدة؛ أبقِ الحاسوب مشغّلًا." in note, note
    done, total = login.upgrade_bar.value(), login.upgrade_bar.maximum()
    assert 0 < done < total and f"({done * 100 // total}٪)" in note, (done, total, note)
    assert login.busy and not login.login_button.isEnabled()
    j.assert_layout_ok()
    j.screenshot("login-stopped-list-load-finishing")

    store = _in_english_then_let_go(j, login, "Finishing the loading of this office's records from a list", go_on)
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = ?",
                                    (bulk_build.PENDING_TABLE,)).scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM name_ends WHERE person > 0").scalar_one() == 40
        assert conn.exec_driver_sql("SELECT count(*) FROM name_heads WHERE person > 0").scalar_one() == 40
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'ix_beneficiaries_national'"
                                    ).scalar_one() == 1
