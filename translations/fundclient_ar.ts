<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar" sourcelanguage="en">
    <context>
        <name>DayCloseScreen</name>
        <message>
            <source>Day close</source>
            <translation>إقفال اليوم</translation>
        </message>
        <message>
            <source>Approved</source>
            <translation>معتمد</translation>
        </message>
        <message>
            <source>Sent back</source>
            <translation>أُعيد للموظف</translation>
        </message>
        <message>
            <source>Not decided</source>
            <translation>لم يُبت فيه</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>نعم</translation>
        </message>
        <message>
            <source>%1 registrations: %2 approved, %3 sent back, %4 not decided</source>
            <translation>عدد التسجيلات %1: معتمد %2، أُعيد %3، لم يُبت فيه %4</translation>
        </message>
        <message>
            <source>Select a registration</source>
            <translation>اختر تسجيلًا</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>الاسم</translation>
        </message>
        <message>
            <source>National number</source>
            <translation>الرقم الوطني</translation>
        </message>
        <message>
            <source>Date of birth</source>
            <translation>تاريخ الميلاد</translation>
        </message>
        <message>
            <source>Card number</source>
            <translation>رقم البطاقة</translation>
        </message>
        <message>
            <source>Dependants</source>
            <translation>التابعون</translation>
        </message>
        <message>
            <source>Comment</source>
            <translation>الملاحظة</translation>
        </message>
        <message>
            <source>No photo</source>
            <translation>لا توجد صورة</translation>
        </message>
        <message>
            <source>Send back</source>
            <translation>إعادة للموظف</translation>
        </message>
        <message>
            <source>What should the clerk correct?</source>
            <translation>ما الذي يجب أن يصححه الموظف؟</translation>
        </message>
        <message>
            <source>Save the day-close report</source>
            <translation>حفظ تقرير إقفال اليوم</translation>
        </message>
    </context>
    <context>
        <name>DayCloseView</name>
        <message>
            <source>Day:</source>
            <translation>اليوم:</translation>
        </message>
        <message>
            <source>Show</source>
            <translation>عرض</translation>
        </message>
        <message>
            <source>Beneficiary</source>
            <translation>المنتفع</translation>
        </message>
        <message>
            <source>National number</source>
            <translation>الرقم الوطني</translation>
        </message>
        <message>
            <source>Clerk</source>
            <translation>الموظف</translation>
        </message>
        <message>
            <source>Possible duplicate</source>
            <translation>تسجيل مكرر محتمل</translation>
        </message>
        <message>
            <source>Decision</source>
            <translation>القرار</translation>
        </message>
        <message>
            <source>Selected registration</source>
            <translation>التسجيل المحدد</translation>
        </message>
        <message>
            <source>Approve selected</source>
            <translation>اعتماد المحدد</translation>
        </message>
        <message>
            <source>Approve all without remarks</source>
            <translation>اعتماد كل ما ليس عليه ملاحظات</translation>
        </message>
        <message>
            <source>Send back to the clerk…</source>
            <translation>إعادة إلى الموظف…</translation>
        </message>
        <message>
            <source>Close the day and save the report…</source>
            <translation>إقفال اليوم وحفظ التقرير…</translation>
        </message>
    </context>
    <context>
        <name>FundStatusBar</name>
        <message>
            <source>Office: %1</source>
            <translation>المكتب: %1</translation>
        </message>
        <message>
            <source>Employee: %1</source>
            <translation>الموظف: %1</translation>
        </message>
        <message>
            <source>Waiting to send: —</source>
            <translation>قيد الإرسال: —</translation>
        </message>
        <message>
            <source>Waiting to send: %1</source>
            <translation>قيد الإرسال: %1</translation>
        </message>
        <message>
            <source>Never sent to headquarters</source>
            <translation>لم تُرسل أي بيانات إلى الإدارة العامة بعد</translation>
        </message>
        <message>
            <source>Last sent: %1</source>
            <translation>آخر إرسال ناجح: %1</translation>
        </message>
        <message>
            <source>Data has not reached headquarters for more than %1 days. Connect and press "Send now" on the Send data page, or send by USB.</source>
            <translation>لم تصل البيانات إلى الإدارة العامة منذ أكثر من %1 أيام. اتصل بالشبكة واضغط «إرسال الآن» في صفحة إرسال البيانات، أو أرسلها بذاكرة USB.</translation>
        </message>
        <message>
            <source>Connection: unknown</source>
            <translation>الاتصال: غير معروف</translation>
        </message>
        <message>
            <source>Connected to headquarters</source>
            <translation>متصل بالإدارة العامة</translation>
        </message>
        <message>
            <source>Offline (work continues)</source>
            <translation>غير متصل (العمل مستمر)</translation>
        </message>
    </context>
    <context>
        <name>LockScreen</name>
        <message>
            <source>The system is locked</source>
            <translation>المنظومة مقفلة</translation>
        </message>
        <message>
            <source>Locked after a period without use. %1, enter your password to continue where you left off.</source>
            <translation>أُقفلت المنظومة بعد مدة دون استخدام. %1، أدخل كلمة المرور لتكمل من حيث توقفت.</translation>
        </message>
        <message>
            <source>Unlock</source>
            <translation>فتح القفل</translation>
        </message>
        <message>
            <source>Sign out (unsaved work will be lost)</source>
            <translation>تسجيل الخروج (يضيع العمل غير المحفوظ)</translation>
        </message>
        <message>
            <source>Could not check the password.</source>
            <translation>تعذّر التحقق من كلمة المرور.</translation>
        </message>
    </context>
    <context>
        <name>LoginScreen</name>
        <message>
            <source>Sign in – Registration system</source>
            <translation>تسجيل الدخول – منظومة التسجيل</translation>
        </message>
        <message>
            <source>Beneficiary registration system</source>
            <translation>منظومة تسجيل المنتفعين</translation>
        </message>
        <message>
            <source>Office: %1</source>
            <translation>المكتب: %1</translation>
        </message>
        <message>
            <source>&amp;Employee name</source>
            <translation>اسم ال&amp;موظف</translation>
        </message>
        <message>
            <source>&amp;Password</source>
            <translation>&amp;كلمة المرور</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>جارٍ التحقق…</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>دخول</translation>
        </message>
        <message>
            <source>e.g. ahmed</source>
            <translation>مثال: ahmed</translation>
        </message>
        <message>
            <source>Enter your employee name and password.</source>
            <translation>أدخل اسم الموظف وكلمة المرور.</translation>
        </message>
        <message>
            <source>The database part of the system is not installed.</source>
            <translation>جزء قاعدة البيانات غير مثبّت في هذه المنظومة.</translation>
        </message>
        <message>
            <source>This computer is not set up yet. Ask the IT team to set up the office.</source>
            <translation>هذا الجهاز غير مهيأ بعد. اطلب من فريق تقنية المعلومات تهيئة المكتب.</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Registration system – %1</source>
            <translation>منظومة التسجيل – %1</translation>
        </message>
        <message>
            <source>&amp;System</source>
            <translation>ال&amp;منظومة</translation>
        </message>
        <message>
            <source>&amp;Beneficiaries</source>
            <translation>المن&amp;تفعون</translation>
        </message>
        <message>
            <source>Su&amp;pervisor</source>
            <translation>الم&amp;شرف</translation>
        </message>
        <message>
            <source>&amp;Administration</source>
            <translation>الإ&amp;دارة</translation>
        </message>
        <message>
            <source>New registration</source>
            <translation>تسجيل جديد</translation>
        </message>
        <message>
            <source>Find a beneficiary</source>
            <translation>البحث عن منتفع</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>حفظ</translation>
        </message>
        <message>
            <source>Reports</source>
            <translation>التقارير</translation>
        </message>
        <message>
            <source>Send data to headquarters</source>
            <translation>إرسال البيانات إلى الإدارة العامة</translation>
        </message>
        <message>
            <source>English interface</source>
            <translation>English interface</translation>
        </message>
        <message>
            <source>Lock the screen</source>
            <translation>قفل الشاشة</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>تسجيل الخروج</translation>
        </message>
        <message>
            <source>Exit</source>
            <translation>خروج</translation>
        </message>
        <message>
            <source>Close the day…</source>
            <translation>إقفال اليوم…</translation>
        </message>
        <message>
            <source>Mark a beneficiary inactive…</source>
            <translation>إيقاف قيد منتفع…</translation>
        </message>
        <message>
            <source>Batches held back by headquarters</source>
            <translation>الدفعات المحجوزة لدى الإدارة العامة</translation>
        </message>
        <message>
            <source>Settings…</source>
            <translation>الإعدادات…</translation>
        </message>
        <message>
            <source>Employees…</source>
            <translation>الموظفون…</translation>
        </message>
    </context>
    <context>
        <name>MarkInactiveDialog</name>
        <message>
            <source>Mark the beneficiary inactive</source>
            <translation>إيقاف قيد المنتفع</translation>
        </message>
        <message>
            <source>New status</source>
            <translation>الحالة الجديدة</translation>
        </message>
        <message>
            <source>Reason (required)</source>
            <translation>السبب (إلزامي)</translation>
        </message>
        <message>
            <source>e.g. death certificate no. …, or moved to …</source>
            <translation>مثال: شهادة وفاة رقم …، أو انتقل إلى …</translation>
        </message>
        <message>
            <source>Write the reason before saving.</source>
            <translation>اكتب السبب قبل الحفظ.</translation>
        </message>
    </context>
    <context>
        <name>OperatorsDialog</name>
        <message>
            <source>Clerk</source>
            <translation>مدخل بيانات</translation>
        </message>
        <message>
            <source>Supervisor</source>
            <translation>مشرف</translation>
        </message>
        <message>
            <source>Administrator</source>
            <translation>مدير المنظومة</translation>
        </message>
        <message>
            <source>Employees</source>
            <translation>الموظفون</translation>
        </message>
        <message>
            <source>Add an employee…</source>
            <translation>إضافة موظف…</translation>
        </message>
        <message>
            <source>New password…</source>
            <translation>كلمة مرور جديدة…</translation>
        </message>
        <message>
            <source>Stop access</source>
            <translation>إيقاف الدخول</translation>
        </message>
        <message>
            <source>Give access again…</source>
            <translation>إعادة السماح بالدخول…</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>اسم المستخدم</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>الاسم الكامل</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>الصلاحية</translation>
        </message>
        <message>
            <source>Access</source>
            <translation>الدخول</translation>
        </message>
        <message>
            <source>Active</source>
            <translation>مسموح</translation>
        </message>
        <message>
            <source>Stopped</source>
            <translation>موقوف</translation>
        </message>
        <message>
            <source>The employee was added.</source>
            <translation>تمت إضافة الموظف.</translation>
        </message>
        <message>
            <source>Access was given again.</source>
            <translation>أُعيد السماح بالدخول.</translation>
        </message>
        <message>
            <source>The new password is set. Tell it to the employee in person.</source>
            <translation>تم تعيين كلمة المرور الجديدة. أبلغها للموظف شخصيًا.</translation>
        </message>
        <message>
            <source>Access was stopped.</source>
            <translation>تم إيقاف الدخول.</translation>
        </message>
    </context>
    <context>
        <name>PasswordForm</name>
        <message>
            <source>User name</source>
            <translation>اسم المستخدم</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>الاسم الكامل</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>الصلاحية</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>كلمة المرور</translation>
        </message>
        <message>
            <source>Password again</source>
            <translation>تأكيد كلمة المرور</translation>
        </message>
        <message>
            <source>New employee</source>
            <translation>موظف جديد</translation>
        </message>
        <message>
            <source>New password</source>
            <translation>كلمة مرور جديدة</translation>
        </message>
        <message>
            <source>The user name may have letters, digits, dot, dash and underscore only (no spaces).</source>
            <translation>اسم المستخدم حروف وأرقام ونقطة وشرطة فقط (بدون مسافات).</translation>
        </message>
        <message>
            <source>The two passwords are not the same.</source>
            <translation>كلمتا المرور غير متطابقتين.</translation>
        </message>
    </context>
    <context>
        <name>PlaceholderScreen</name>
        <message>
            <source>New registration</source>
            <translation>تسجيل جديد</translation>
        </message>
        <message>
            <source>This part of the system is not available in this installation.</source>
            <translation>هذا الجزء من المنظومة غير متاح في هذا التثبيت.</translation>
        </message>
    </context>
    <context>
        <name>RecordScreen</name>
        <message>
            <source>Beneficiary record</source>
            <translation>بيانات المنتفع</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>جارٍ التحميل…</translation>
        </message>
        <message>
            <source>Headquarters: %1</source>
            <translation>الإدارة العامة: %1</translation>
        </message>
        <message>
            <source>No photo</source>
            <translation>لا توجد صورة</translation>
        </message>
        <message>
            <source>The record was marked inactive.</source>
            <translation>تم إيقاف قيد المنتفع.</translation>
        </message>
    </context>
    <context>
        <name>RecordView</name>
        <message>
            <source>Back to search</source>
            <translation>رجوع إلى البحث</translation>
        </message>
        <message>
            <source>Edit</source>
            <translation>تعديل</translation>
        </message>
        <message>
            <source>Print insurance card</source>
            <translation>طباعة البطاقة التأمينية</translation>
        </message>
        <message>
            <source>Print registration receipt</source>
            <translation>طباعة إيصال التسجيل</translation>
        </message>
        <message>
            <source>Mark inactive</source>
            <translation>إيقاف القيد</translation>
        </message>
        <message>
            <source>Dependants</source>
            <translation>التابعون</translation>
        </message>
        <message>
            <source>History of changes</source>
            <translation>سجل التعديلات</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>الاسم</translation>
        </message>
        <message>
            <source>Relation</source>
            <translation>صلة القرابة</translation>
        </message>
        <message>
            <source>Date of birth</source>
            <translation>تاريخ الميلاد</translation>
        </message>
        <message>
            <source>National number</source>
            <translation>الرقم الوطني</translation>
        </message>
        <message>
            <source>Card number</source>
            <translation>رقم البطاقة</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>النسخة</translation>
        </message>
        <message>
            <source>Saved on</source>
            <translation>تاريخ الحفظ</translation>
        </message>
        <message>
            <source>Saved by</source>
            <translation>حفظه</translation>
        </message>
        <message>
            <source>Headquarters</source>
            <translation>الإدارة العامة</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>السبب</translation>
        </message>
    </context>
    <context>
        <name>RegistrationReview</name>
        <message>
            <source>… and %1 more</source>
            <translation>… و%1 غيرها</translation>
        </message>
        <message>
            <source>No photo</source>
            <translation>لا توجد صورة</translation>
        </message>
        <message>
            <source>Please correct before saving:</source>
            <translation>يرجى التصحيح قبل الحفظ:</translation>
        </message>
        <message>
            <source>A possible duplicate must be resolved (see the box at the top).</source>
            <translation>يجب حسم التسجيل المحتمل تكراره (انظر المربع في الأعلى).</translation>
        </message>
        <message>
            <source>Everything is filled in. Read the data to the beneficiary, then press Save (Ctrl+S).</source>
            <translation>اكتملت البيانات. اقرأها على المنتفع ثم اضغط حفظ (Ctrl+S).</translation>
        </message>
    </context>
    <context>
        <name>ReportsScreen</name>
        <message>
            <source>Reports</source>
            <translation>التقارير</translation>
        </message>
        <message>
            <source>(not set)</source>
            <translation>(غير محدد)</translation>
        </message>
        <message>
            <source>Beneficiaries</source>
            <translation>المنتفعون</translation>
        </message>
        <message>
            <source>Dependants</source>
            <translation>التابعون</translation>
        </message>
        <message>
            <source>Total: %1 beneficiaries, %2 dependants</source>
            <translation>المجموع: %1 منتفع، %2 تابع</translation>
        </message>
        <message>
            <source>Save report</source>
            <translation>حفظ التقرير</translation>
        </message>
        <message>
            <source>Registrations from %1 to %2</source>
            <translation>التسجيلات من %1 إلى %2</translation>
        </message>
        <message>
            <source>Saved: %1</source>
            <translation>تم الحفظ: %1</translation>
        </message>
    </context>
    <context>
        <name>ReportsView</name>
        <message>
            <source>Registration reports</source>
            <translation>تقارير التسجيل</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>اليوم</translation>
        </message>
        <message>
            <source>This month</source>
            <translation>هذا الشهر</translation>
        </message>
        <message>
            <source>&amp;From</source>
            <translation>&amp;من</translation>
        </message>
        <message>
            <source>&amp;To</source>
            <translation>&amp;إلى</translation>
        </message>
        <message>
            <source>&amp;Count by</source>
            <translation>ال&amp;عدّ حسب</translation>
        </message>
        <message>
            <source>Employee</source>
            <translation>الموظف</translation>
        </message>
        <message>
            <source>Registration channel</source>
            <translation>طريقة التسجيل</translation>
        </message>
        <message>
            <source>Municipality</source>
            <translation>البلدية</translation>
        </message>
        <message>
            <source>Show</source>
            <translation>عرض</translation>
        </message>
        <message>
            <source>Save as CSV</source>
            <translation>حفظ بصيغة CSV</translation>
        </message>
        <message>
            <source>Save as Excel</source>
            <translation>حفظ بصيغة Excel</translation>
        </message>
        <message>
            <source>Beneficiaries</source>
            <translation>المنتفعون</translation>
        </message>
        <message>
            <source>Dependants</source>
            <translation>التابعون</translation>
        </message>
    </context>
    <context>
        <name>SearchResultsModel</name>
        <message>
            <source>Name</source>
            <translation>الاسم</translation>
        </message>
        <message>
            <source>National number</source>
            <translation>الرقم الوطني</translation>
        </message>
        <message>
            <source>Card number</source>
            <translation>رقم البطاقة</translation>
        </message>
        <message>
            <source>Municipality</source>
            <translation>البلدية</translation>
        </message>
    </context>
    <context>
        <name>SearchScreen</name>
        <message>
            <source>Find a beneficiary</source>
            <translation>البحث عن منتفع</translation>
        </message>
        <message>
            <source>Searching…</source>
            <translation>جارٍ البحث…</translation>
        </message>
        <message>
            <source>No beneficiary found. Check the spelling or search by the national number.</source>
            <translation>لا يوجد منتفع بهذه البيانات. تأكد من الكتابة أو ابحث بالرقم الوطني.</translation>
        </message>
        <message>
            <source>Find the beneficiary, open the record, then press "Mark inactive".</source>
            <translation>ابحث عن المنتفع وافتح بياناته ثم اضغط «إيقاف القيد».</translation>
        </message>
        <message>
            <source>%1 result(s). Enter opens the selected record.</source>
            <translation>عدد النتائج: %1. اضغط Enter لفتح المنتفع المحدد.</translation>
        </message>
    </context>
    <context>
        <name>SearchView</name>
        <message>
            <source>Find a beneficiary</source>
            <translation>البحث عن منتفع</translation>
        </message>
        <message>
            <source>National number, card number, mobile or name</source>
            <translation>الرقم الوطني أو رقم البطاقة أو رقم الهاتف أو الاسم</translation>
        </message>
        <message>
            <source>Type at least two letters of the name, or the number. Press Enter or the down arrow to go to the results, Enter again to open a record.</source>
            <translation>اكتب حرفين على الأقل من الاسم، أو الرقم. اضغط Enter أو السهم إلى الأسفل للانتقال إلى النتائج، ثم Enter لفتح بيانات المنتفع.</translation>
        </message>
    </context>
    <context>
        <name>SettingsDialog</name>
        <message>
            <source>Settings</source>
            <translation>الإعدادات</translation>
        </message>
        <message>
            <source>Interface language</source>
            <translation>لغة الواجهة</translation>
        </message>
        <message>
            <source>Numbers</source>
            <translation>الأرقام</translation>
        </message>
        <message>
            <source>Lock after (minutes, 0 = never)</source>
            <translation>القفل بعد (دقائق، 0 = أبدًا)</translation>
        </message>
        <message>
            <source>Camera</source>
            <translation>الكاميرا</translation>
        </message>
        <message>
            <source>Headquarters address (https)</source>
            <translation>عنوان الإدارة العامة (https)</translation>
        </message>
        <message>
            <source>Headquarters certificate (CA file)</source>
            <translation>شهادة الإدارة العامة (ملف CA)</translation>
        </message>
        <message>
            <source>Nightly sending window</source>
            <translation>فترة الإرسال الليلي</translation>
        </message>
        <message>
            <source>Warn when not sent for (days)</source>
            <translation>التنبيه عند عدم الإرسال لمدة (أيام)</translation>
        </message>
        <message>
            <source>Card printer</source>
            <translation>طابعة البطاقات</translation>
        </message>
        <message>
            <source>Receipt paper</source>
            <translation>ورق الإيصال</translation>
        </message>
        <message>
            <source>Show Arabic-Indic digits (٠١٢٣)</source>
            <translation>عرض الأرقام الهندية (٠١٢٣)</translation>
        </message>
        <message>
            <source>Empty = the first camera found</source>
            <translation>فارغ = أول كاميرا متصلة</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>اختيار…</translation>
        </message>
        <message>
            <source>Empty = ask every time</source>
            <translation>فارغ = السؤال في كل مرة</translation>
        </message>
        <message>
            <source>Headquarters certificate</source>
            <translation>شهادة الإدارة العامة</translation>
        </message>
        <message>
            <source>The headquarters address must start with https://</source>
            <translation>يجب أن يبدأ عنوان الإدارة العامة بـ https://</translation>
        </message>
        <message>
            <source>Write the sending window like 22:00-05:00</source>
            <translation>اكتب فترة الإرسال بهذا الشكل: 22:00-05:00</translation>
        </message>
    </context>
    <context>
        <name>SyncScreen</name>
        <message>
            <source>Sent</source>
            <translation>أُرسلت</translation>
        </message>
        <message>
            <source>Partly sent</source>
            <translation>أُرسل جزء منها</translation>
        </message>
        <message>
            <source>No connection</source>
            <translation>لا يوجد اتصال</translation>
        </message>
        <message>
            <source>Failed</source>
            <translation>فشل الإرسال</translation>
        </message>
        <message>
            <source>Send data to headquarters</source>
            <translation>إرسال البيانات إلى الإدارة العامة</translation>
        </message>
        <message>
            <source>Registrations are sent automatically at night and whenever the connection is available. Press the button to send now.</source>
            <translation>تُرسل التسجيلات تلقائيًا ليلًا وكلما توفر الاتصال. اضغط الزر للإرسال الآن.</translation>
        </message>
        <message>
            <source>Sending…</source>
            <translation>جارٍ الإرسال…</translation>
        </message>
        <message>
            <source>Send now</source>
            <translation>إرسال الآن</translation>
        </message>
        <message>
            <source>Previous sendings</source>
            <translation>عمليات الإرسال السابقة</translation>
        </message>
        <message>
            <source>Batches refused by headquarters (supervisor)</source>
            <translation>الدفعات التي رفضتها الإدارة العامة (للمشرف)</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>الوقت</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>النتيجة</translation>
        </message>
        <message>
            <source>Batches received</source>
            <translation>الدفعات المستلمة</translation>
        </message>
        <message>
            <source>Refused</source>
            <translation>المرفوضة</translation>
        </message>
        <message>
            <source>Batch</source>
            <translation>الدفعة</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>السبب</translation>
        </message>
        <message>
            <source>Batch %1 of %2 (%3 KB of %4 KB)</source>
            <translation>الدفعة %1 من %2 (%3 ك.ب من %4 ك.ب)</translation>
        </message>
        <message>
            <source>Records waiting to be sent: %1</source>
            <translation>السجلات قيد الإرسال: %1</translation>
        </message>
    </context>
    <context>
        <name>SyncState</name>
        <message>
            <source>Waiting to send</source>
            <translation>قيد الإرسال</translation>
        </message>
        <message>
            <source>Sent, awaiting reply</source>
            <translation>أُرسل، بانتظار الرد</translation>
        </message>
        <message>
            <source>Accepted</source>
            <translation>مقبول</translation>
        </message>
        <message>
            <source>Duplicate registration</source>
            <translation>تسجيل مكرر</translation>
        </message>
        <message>
            <source>Rejected</source>
            <translation>مرفوض</translation>
        </message>
    </context>
    <context>
        <name>errors</name>
        <message>
            <source>Something went wrong and the action was not completed. Your data is safe. If it happens again, tell the IT team.</source>
            <translation>حدث خطأ ولم تكتمل العملية. بياناتك محفوظة. إذا تكرر ذلك فأبلغ فريق تقنية المعلومات.</translation>
        </message>
        <message>
            <source>Not allowed</source>
            <translation>غير مسموح</translation>
        </message>
        <message>
            <source>Please check the data</source>
            <translation>يرجى مراجعة البيانات</translation>
        </message>
        <message>
            <source>Could not complete</source>
            <translation>تعذّر إتمام العملية</translation>
        </message>
        <message>
            <source>Unexpected error</source>
            <translation>خطأ غير متوقع</translation>
        </message>
    </context>
    <context>
        <name>ops</name>
        <message>
            <source>Please wait…</source>
            <translation>يرجى الانتظار…</translation>
        </message>
        <message>
            <source>Working</source>
            <translation>جارٍ العمل</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>إلغاء</translation>
        </message>
    </context>
    <context>
        <name>printing</name>
        <message>
            <source>Print preview</source>
            <translation>معاينة الطباعة</translation>
        </message>
    </context>
    <context>
        <name>RegistrationDependants</name>
        <message>
            <source>Add a dependant (Alt+A)</source>
            <translation>إضافة تابع (Alt+A)</translation>
        </message>
        <message>
            <source>No dependants yet. Press “Add a dependant” for the spouse(s) and children covered with this beneficiary.</source>
            <translation>لا يوجد تابعون بعد. اضغط «إضافة تابع» لإضافة الزوج/الزوجة والأبناء المشمولين مع هذا المنتفع.</translation>
        </message>
        <message>
            <source>— choose —</source>
            <translation>— اختر —</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>حذف</translation>
        </message>
        <message>
            <source>Dependant %1</source>
            <translation>التابع %1</translation>
        </message>
        <message>
            <source>Remove dependant %1</source>
            <translation>حذف التابع %1</translation>
        </message>
    </context>
    <context>
        <name>RegistrationScreen</name>
        <message>
            <source>Unfinished registration restored.</source>
            <translation>تمت استعادة التسجيل غير المكتمل.</translation>
        </message>
        <message>
            <source>Draft saved automatically.</source>
            <translation>حُفظت المسودة تلقائيًا.</translation>
        </message>
        <message>
            <source>— choose —</source>
            <translation>— اختر —</translation>
        </message>
        <message>
            <source>Registration saved.</source>
            <translation>تم حفظ التسجيل.</translation>
        </message>
        <message>
            <source>Registration</source>
            <translation>التسجيل</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>جارٍ الحفظ…</translation>
        </message>
        <message>
            <source>This person may already be registered: resolve the duplicate warning first.</source>
            <translation>قد يكون هذا المنتفع مسجلًا من قبل: احسم تنبيه التسجيل المكرر أولًا.</translation>
        </message>
        <message>
            <source>Please correct the fields marked in red (%1).</source>
            <translation>يرجى تصحيح الحقول المعلّمة بالأحمر (%1).</translation>
        </message>
        <message>
            <source>Insurance card number: %1</source>
            <translation>رقم البطاقة التأمينية: %1</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>الاسم الرباعي</translation>
        </message>
        <message>
            <source>None</source>
            <translation>لا يوجد</translation>
        </message>
        <message>
            <source>Home visit</source>
            <translation>زيارة منزلية</translation>
        </message>
        <message>
            <source>Home visit: the registration is saved on this computer and sent later; no network or printer is needed. The card is printed at the office.</source>
            <translation>زيارة منزلية: يُحفظ التسجيل على هذا الجهاز ويُرسل لاحقًا، ولا حاجة إلى شبكة أو طابعة. تُطبع البطاقة في المكتب.</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>السابق</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>التالي</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>حفظ (Ctrl+S)</translation>
        </message>
        <message>
            <source>Information for this category</source>
            <translation>بيانات هذه الشريحة</translation>
        </message>
        <message>
            <source>Beneficiary</source>
            <translation>المنتفع</translation>
        </message>
        <message>
            <source>Address and phone</source>
            <translation>العنوان والهاتف</translation>
        </message>
        <message>
            <source>Category</source>
            <translation>الشريحة</translation>
        </message>
        <message>
            <source>Dependants</source>
            <translation>التابعون</translation>
        </message>
        <message>
            <source>Photo</source>
            <translation>الصورة</translation>
        </message>
        <message>
            <source>Photo taken</source>
            <translation>تم التقاط الصورة</translation>
        </message>
        <message>
            <source>No photo yet</source>
            <translation>لا توجد صورة بعد</translation>
        </message>
        <message>
            <source>Person</source>
            <translation>البيانات الشخصية</translation>
        </message>
        <message>
            <source>Beneficiary's personal data</source>
            <translation>البيانات الشخصية للمنتفع</translation>
        </message>
        <message>
            <source>Copy from the national ID card or the family booklet. Press Enter to go to the next field.</source>
            <translation>انقل البيانات من البطاقة الشخصية أو كتيب العائلة. اضغط Enter للانتقال إلى الحقل التالي.</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>العنوان</translation>
        </message>
        <message>
            <source>Where the beneficiary lives and a phone number to reach the family.</source>
            <translation>مكان سكن المنتفع ورقم هاتف للتواصل مع العائلة.</translation>
        </message>
        <message>
            <source>Category and registration details</source>
            <translation>الشريحة وبيانات التسجيل</translation>
        </message>
        <message>
            <source>Retirees: copy the pension number from the pension statement.</source>
            <translation>المتقاعدون: انقل رقم المعاش من كشف المعاش.</translation>
        </message>
        <message>
            <source>Spouse(s) and children covered with the beneficiary. Alt+A adds one.</source>
            <translation>الزوج/الزوجة والأبناء المشمولون مع المنتفع. Alt+A لإضافة تابع.</translation>
        </message>
        <message>
            <source>Photo and documents</source>
            <translation>الصورة والمستندات</translation>
        </message>
        <message>
            <source>Take the photo with the camera, or import a scanned photo from a file.</source>
            <translation>التقط الصورة بالكاميرا، أو استورد صورة ممسوحة ضوئيًا من ملف.</translation>
        </message>
        <message>
            <source>Review</source>
            <translation>المراجعة</translation>
        </message>
        <message>
            <source>Review and save</source>
            <translation>المراجعة والحفظ</translation>
        </message>
        <message>
            <source>Read the data back to the beneficiary. Save with Ctrl+S.</source>
            <translation>اقرأ البيانات على المنتفع ثم احفظ بـ Ctrl+S.</translation>
        </message>
        <message>
            <source>Edit a beneficiary's record</source>
            <translation>تعديل بيانات منتفع</translation>
        </message>
        <message>
            <source>New registration</source>
            <translation>تسجيل جديد</translation>
        </message>
        <message>
            <source>%1 scanned document(s)</source>
            <translation>عدد المستندات الممسوحة: %1</translation>
        </message>
    </context>
    <context>
        <name>RegistrationDrafts</name>
        <message>
            <source>(no name yet)</source>
            <translation>(بدون اسم بعد)</translation>
        </message>
        <message>
            <source>Unfinished registrations</source>
            <translation>تسجيلات غير مكتملة</translation>
        </message>
        <message>
            <source>These registrations were not finished (the program was closed or the power went off). Continue one of them?</source>
            <translation>لم تكتمل هذه التسجيلات (أُغلقت المنظومة أو انقطعت الكهرباء). هل تريد إكمال أحدها؟</translation>
        </message>
        <message>
            <source>Continue this registration</source>
            <translation>إكمال هذا التسجيل</translation>
        </message>
        <message>
            <source>Delete it</source>
            <translation>حذفه</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>لاحقًا</translation>
        </message>
    </context>
    <context>
        <name>RegistrationDuplicates</name>
        <message>
            <source>Name</source>
            <translation>الاسم</translation>
        </message>
        <message>
            <source>Office</source>
            <translation>المكتب</translation>
        </message>
        <message>
            <source>Match</source>
            <translation>التطابق</translation>
        </message>
        <message>
            <source>Save despite a duplicate</source>
            <translation>الحفظ رغم التكرار</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>جارٍ التحقق…</translation>
        </message>
        <message>
            <source>Save anyway…</source>
            <translation>الحفظ رغم التنبيه…</translation>
        </message>
        <message>
            <source>Supervisor approval…</source>
            <translation>موافقة المشرف…</translation>
        </message>
        <message>
            <source>certain</source>
            <translation>مؤكد</translation>
        </message>
        <message>
            <source>The registration will be saved and sent with the reason; the general administration reviews it.</source>
            <translation>سيُحفظ التسجيل ويُرسل مع ذكر السبب، وتراجعه الإدارة العامة.</translation>
        </message>
        <message>
            <source>Write why this is a different person (for example: a relative with the same name).</source>
            <translation>اكتب لماذا هو شخص آخر (مثال: قريب بنفس الاسم).</translation>
        </message>
        <message>
            <source>Supervisor's user name</source>
            <translation>اسم المستخدم للمشرف</translation>
        </message>
        <message>
            <source>Supervisor's password</source>
            <translation>كلمة المرور للمشرف</translation>
        </message>
        <message>
            <source>The supervisor types their user name and password.</source>
            <translation>يكتب المشرف اسم المستخدم وكلمة المرور الخاصة به.</translation>
        </message>
        <message>
            <source>Saving it anyway needs your supervisor's approval.</source>
            <translation>الحفظ رغم التنبيه يحتاج إلى موافقة المشرف.</translation>
        </message>
        <message>
            <source>Save is blocked until the duplicate is resolved.</source>
            <translation>الحفظ متوقف حتى يُحسم التسجيل المكرر.</translation>
        </message>
        <message>
            <source>This person is already registered (same national number).</source>
            <translation>هذا المنتفع مسجل من قبل (نفس الرقم الوطني).</translation>
        </message>
        <message>
            <source>A registered person has a similar name and date of birth. Ask the beneficiary before you continue.</source>
            <translation>يوجد منتفع مسجل باسم وتاريخ ميلاد مشابهين. اسأل المنتفع قبل المتابعة.</translation>
        </message>
        <message>
            <source>Saving anyway. Reason: %1</source>
            <translation>سيُحفظ رغم التنبيه. السبب: %1</translation>
        </message>
        <message>
            <source>Write the reason in a few words (at least %1 letters).</source>
            <translation>اكتب السبب في كلمات قليلة (%1 أحرف على الأقل).</translation>
        </message>
    </context>
    <context>
        <name>RegistrationPhoto</name>
        <message>
            <source>Choose the photo</source>
            <translation>اختر الصورة</translation>
        </message>
        <message>
            <source>Checking the photo…</source>
            <translation>جارٍ فحص الصورة…</translation>
        </message>
        <message>
            <source>Use the photo without the face check</source>
            <translation>استخدام الصورة دون فحص الوجه</translation>
        </message>
        <message>
            <source>Choose the scanned document</source>
            <translation>اختر المستند الممسوح</translation>
        </message>
        <message>
            <source>The camera is not available on this computer. Import the photo from a file (a scanned photo is fine).</source>
            <translation>الكاميرا غير متاحة على هذا الجهاز. استورد الصورة من ملف (تصلح صورة ممسوحة ضوئيًا).</translation>
        </message>
        <message>
            <source>Import photo from file…</source>
            <translation>استيراد صورة من ملف…</translation>
        </message>
        <message>
            <source>Supervisor: use this photo anyway…</source>
            <translation>المشرف: استخدام هذه الصورة على أي حال…</translation>
        </message>
        <message>
            <source>Photo on the card</source>
            <translation>صورة البطاقة</translation>
        </message>
        <message>
            <source>Scanned documents (optional)</source>
            <translation>المستندات الممسوحة (اختياري)</translation>
        </message>
        <message>
            <source>Add scanned document…</source>
            <translation>إضافة مستند ممسوح…</translation>
        </message>
        <message>
            <source>Remove document</source>
            <translation>حذف المستند</translation>
        </message>
        <message>
            <source>No photo yet</source>
            <translation>لا توجد صورة بعد</translation>
        </message>
        <message>
            <source>Photo ready.</source>
            <translation>الصورة جاهزة.</translation>
        </message>
        <message>
            <source>Images</source>
            <translation>الصور</translation>
        </message>
        <message>
            <source>Document %1 (%2 KB)</source>
            <translation>المستند %1 (%2 ك.ب)</translation>
        </message>
    </context>
</TS>
