"""Every console string, Arabic first. Templates call t("key"); one table, one place."""

from __future__ import annotations

LANGS = ("ar", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("وحدة الإدارة العامة", "HQ console"),
    "fund": ("صندوق التأمين الصحي العام", "Public Health Insurance Fund"),
    "skip": ("انتقل إلى المحتوى", "Skip to content"),
    "nav_offices": ("المكاتب", "Offices"),
    "nav_records": ("السجلات", "Records"),
    "nav_decisions": ("القرارات", "Decisions"),
    "nav_devices": ("الأجهزة والتسجيل", "Devices and enrolment"),
    "nav_reference": ("البيانات المرجعية", "Reference data"),
    "nav_exports": ("التصدير", "Exports"),
    "nav_audit": ("سجل التدقيق", "Audit log"),
    "logout": ("خروج", "Log out"),
    "other_lang": ("English", "العربية"),
    "signed_in_as": ("المستخدم", "Signed in as"),
    "role_viewer": ("مطّلع", "viewer"), "role_reviewer": ("مراجع", "reviewer"), "role_admin": ("مسؤول", "admin"),
    # login
    "login_title": ("الدخول إلى وحدة الإدارة العامة", "Sign in to the HQ console"),
    "username": ("اسم المستخدم", "User name"),
    "password": ("كلمة المرور", "Password"),
    "totp": ("رمز التحقق (إن كان مفعّلًا)", "Verification code (if enabled)"),
    "login": ("دخول", "Sign in"),
    "session_ended": ("انتهت الجلسة، ادخل من جديد.", "Your session ended; please sign in again."),
    "csrf_failed": ("انتهت صلاحية النموذج، أعد المحاولة.", "The form expired; please try again."),
    "forbidden": ("هذه الصفحة أو العملية ليست ضمن صلاحياتك.", "This page or action is not within your role."),
    "not_found": ("غير موجود.", "Not found."),
    "refused_records": ("سجلات رفضتها الإدارة العامة عند الاستلام", "Records HQ refused on arrival"),
    "refused_records_note": ("عرف المكتب سبب الرفض في مزامنته؛ يبقى السجل هنا حتى يرسل المكتب نسخة مصححة منه.",
                             "The office was told why at its sync; a record stays here until the office sends a "
                             "corrected revision."),
    # own account
    "account_title": ("حسابي", "My account"), "change_password": ("تغيير كلمة المرور", "Change password"),
    "current_password": ("كلمة المرور الحالية", "Current password"),
    "new_password": ("كلمة المرور الجديدة (10 أحرف على الأقل)", "New password (at least 10 characters)"),
    "new_password_again": ("أعد كتابة كلمة المرور الجديدة", "New password again"),
    "password_changed": ("غُيّرت كلمة المرور، وأُنهيت جلساتك الأخرى.", "Password changed; your other sessions were ended."),
    # offices
    "offices_title": ("المكاتب والأجهزة", "Offices and devices"),
    "office": ("المكتب", "Office"), "device": ("الجهاز", "Device"), "label": ("الوصف", "Label"),
    "last_contact": ("آخر اتصال", "Last contact"), "last_batch": ("آخر دفعة", "Last batch"),
    "today": ("وصل اليوم", "Received today"), "this_week": ("وصل هذا الأسبوع", "Received this week"),
    "refused": ("دفعات مرفوضة", "Batches refused"), "gaps": ("فجوات التسلسل", "Sequence gaps"),
    "never": ("لم يتصل", "never"), "silent": ("صامت", "silent"), "revoked": ("ملغى", "revoked"),
    "silent_note": ("الأجهزة التي لم تتصل منذ أكثر من {n} أيام مظللة.",
                    "Devices silent for more than {n} days are highlighted."),
    "silent_days_label": ("تظليل الأجهزة الصامتة منذ أكثر من (أيام):", "Highlight devices silent for more than (days):"), "show": ("عرض", "Show"),
    "chart_title": ("التسجيلات اليومية لكل مكتب حسب تاريخ التسجيل في المكتب (آخر 14 يومًا)",
                    "Registrations per day per office, by the date the office registered them (last 14 days)"),
    "recent_refusals": ("آخر الدفعات المرفوضة", "Latest refused batches"),
    "when": ("الوقت", "When"), "reason": ("السبب", "Reason"), "batch": ("الدفعة", "Batch"),
    "no_devices": ("لا توجد أجهزة مسجلة بعد.", "No devices enrolled yet."),
    # records
    "records_title": ("البحث في السجلات", "Search records"),
    "search_hint": ("الرقم الوطني أو رقم البطاقة أو الهاتف أو الاسم", "National number, card number, phone or name"),
    "search": ("بحث", "Search"), "all": ("الكل", "All"),
    "status": ("الحالة", "Status"), "date_from": ("من تاريخ", "From"), "date_to": ("إلى تاريخ", "To"),
    "st_accepted": ("مقبول", "accepted"), "st_duplicate": ("مكرر", "duplicate"), "st_rejected": ("مرفوض", "rejected"),
    "national_number": ("الرقم الوطني", "National number"), "name": ("الاسم", "Name"),
    "received": ("تاريخ الاستلام", "Received"), "phone": ("الهاتف", "Phone"), "birth": ("تاريخ الميلاد", "Born"),
    "no_results": ("لا توجد نتائج.", "No results."), "next": ("التالي", "Next"), "prev": ("السابق", "Previous"),
    "score": ("التطابق", "Match"), "export_csv": ("تصدير CSV", "Export CSV"), "export_xlsx": ("تصدير XLSX", "Export XLSX"),
    # record page
    "record_title": ("سجل منتفع", "Beneficiary record"), "photo": ("الصورة", "Photo"), "no_photo": ("لا صورة", "No photo"),
    "mother": ("اسم الأم", "Mother's name"), "category": ("الفئة", "Category"), "municipality": ("البلدية", "Municipality"),
    "address": ("العنوان", "Address"), "card": ("رقم البطاقة", "Card number"),
    "dependants": ("المعالون", "Dependants"), "relation": ("الصلة", "Relation"),
    "revisions": ("النسخ", "Revisions"), "revision": ("النسخة", "Revision"), "source": ("الوسيلة", "Source"),
    "cards": ("البطاقات", "Cards"), "card_revoked": ("ملغاة", "revoked"), "card_valid": ("سارية", "valid"),
    "same_number": ("سجلات أخرى بنفس الرقم الوطني", "Other records with the same national number"),
    "decisions_on": ("قرارات الإدارة العامة", "HQ decisions"), "print": ("طباعة", "Print"),
    # decisions
    "decisions_title": ("قائمة القرارات", "Decisions queue"),
    "queue_empty": ("لا توجد سجلات بانتظار قرار.", "No records waiting for a decision."),
    "flag": ("سبب الإحالة", "Flagged because"), "flag_duplicate": ("الرقم الوطني مسجل في سجل آخر", "national number held by another record"),
    "registered_at": ("مسجل في", "registered at"),
    "decide": ("القرار", "Decision"), "keep": ("إبقاء السجل", "Keep"), "reject": ("رفض", "Reject"),
    "record_id": ("معرّف السجل", "record id"),
    "mark_duplicate": ("تكرار لسجل آخر", "Duplicate of another"), "duplicate_of": ("تكرار للسجل", "Duplicate of"),
    "note": ("ملاحظة (تبقى في الإدارة العامة)", "Note (stays at HQ)"), "save_decision": ("حفظ القرار", "Save decision"),
    "decided_recently": ("قرارات اتُّخذت مؤخرًا", "Recent decisions"), "by": ("بواسطة", "By"),
    "decision_saved": ("حُفظ القرار وسيصل إلى المكتب في مزامنته القادمة.",
                       "Decision saved; it reaches the office at its next sync."),
    "act_keep": ("أُبقي", "kept"), "act_reject": ("رُفض", "rejected"), "act_duplicate": ("تكرار", "duplicate"),
    # devices
    "devices_title": ("الأجهزة والتسجيل", "Devices and enrolment"),
    "issue_token": ("إصدار رمز تسجيل جهاز", "Issue an enrolment token"), "valid_hours": ("صالح لمدة (ساعات)", "Valid for (hours)"),
    "issue": ("إصدار", "Issue"), "token_issued": ("رمز التسجيل (يُستعمل مرة واحدة)", "Enrolment token (one use)"),
    "expires": ("ينتهي في", "Expires"), "token_hint": ("اكتبه في معالج التشغيل الأول على جهاز المكتب أو امسح الرمز.",
                                                      "Type it into the office PC's first-run wizard, or scan the code."),
    "rename": ("إعادة تسمية", "Rename"), "revoke": ("إلغاء الجهاز", "Revoke"), "enrolled": ("تاريخ التسجيل", "Enrolled"),
    "revoke_reason": ("سبب الإلغاء", "Reason"), "rotate_keys": ("تدوير مفاتيح الإدارة العامة", "Rotate HQ keys"),
    "rotate_signing": ("مع مفتاح التوقيع", "Signing key too"),
    "rotate_confirm": ("للتأكيد اكتب ROTATE", "Type ROTATE to confirm"),
    "rotate_warning": ("يحتفظ الخادم بالمفاتيح القديمة للدفعات الجارية؛ تأخذ الأجهزة المفاتيح الجديدة في مزامنتها القادمة.",
                       "HQ keeps the old keys for batches in flight; devices adopt the new keys at their next sync."),
    "keys_rotated": ("دُوِّرت المفاتيح. المفتاح النشط:", "Keys rotated. Active key:"),
    "not_confirmed": ("لم يُؤكَّد التدوير.", "The rotation was not confirmed."),
    "done": ("تم.", "Done."),
    # reference
    "reference_title": ("البيانات المرجعية", "Reference data"), "code": ("الرمز", "Code"),
    "name_ar": ("الاسم بالعربية", "Arabic name"), "name_en": ("الاسم بالإنجليزية", "English name"),
    "version": ("الإصدار", "Version"), "save": ("حفظ", "Save"), "delete": ("حذف", "Delete"),
    "kind_offices": ("المكاتب", "Offices"), "kind_municipalities": ("البلديات", "Municipalities"),
    "kind_pension_authorities": ("جهات صرف المعاش", "Pension authorities"),
    "kind_categories": ("الشرائح", "Categories"), "active": ("فعّالة", "Active"), "yes": ("نعم", "yes"),
    "no": ("لا", "no"), "min_age": ("أدنى عمر", "Minimum age"), "fields": ("حقول الشريحة", "Category fields"),
    "edit": ("تعديل", "Edit"),
    "fields_hint": ("الحقول بصيغة JSON: قائمة، لكل حقل key و ar و en و kind (text أو digits أو choice أو date …) "
                    "و required و max_length.",
                    "Fields as JSON: a list; each field has key, ar, en, kind (text, digits, choice, date …), "
                    "required and max_length."),
    "category_note": ("لا تُحذف الشريحة لأن سجلات تحملها؛ ألغِ «فعّالة» لإيقاف التسجيل فيها.",
                      "A category is never deleted (records hold it): untick Active to stop new registrations in it."),
    "bad_fields_json": ("«حقول الشريحة» ليست JSON صالحًا (السطر {line}، العمود {col}).",
                        "'Category fields' is not valid JSON (line {line}, column {col})."),
    "reference_note": ("كل تعديل إصدار جديد تسحبه المكاتب في مزامنتها القادمة.",
                       "Every edit is a new version that offices pull at their next sync."),
    "add_or_edit": ("إضافة أو تعديل", "Add or edit"), "bad_code": ("الرمز: حروف لاتينية كبيرة وأرقام، حتى 32.",
                                                                  "Code: capital Latin letters and digits, up to 32."),
    # exports
    "exports_title": ("التصدير", "Exports"),
    "exports_note": ("الخلايا التي تبدأ بـ = + - @ تُصدَّر نصًا (لا تُنفَّذ كصيغ في الجداول).",
                     "Cells starting with = + - @ are exported as text (never run as spreadsheet formulas)."),
    "export_records": ("السجلات (بالمرشحات المختارة في صفحة السجلات)", "Records (with the filters chosen on the Records page)"),
    "export_intake": ("سجل الاستلام (الدفعات المقبولة والمرفوضة)", "Intake log (batches received and refused)"),
    "export_audit": ("سجل التدقيق", "Audit log"),
    # audit
    "audit_title": ("سجل تدقيق الإدارة العامة", "HQ audit log"), "actor": ("المستخدم", "Actor"),
    "action": ("العملية", "Action"), "target": ("الهدف", "Target"),
    "chain_ok": ("سلسلة التدقيق سليمة ({n} قيد).", "The audit chain is intact ({n} entries)."),
    "chain_broken": ("سلسلة التدقيق مكسورة عند القيد {id}!", "The audit chain is broken at entry {id}!"),
}


def translate(key: str, lang: str, **values) -> str:
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "ar" else pair[1]
    return text.format(**values) if values else text
