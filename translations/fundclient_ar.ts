<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar" sourcelanguage="en">
    <context>
        <name>AdminPage</name>
        <message>
            <source>First administrator</source>
            <translation>المدير الأول</translation>
        </message>
        <message>
            <source>The administrator adds the employees and changes the settings. Choose a password of at least 8 characters that others cannot guess. When you press Next the office is created on this computer.</source>
            <translation>المدير يضيف الموظفين ويغيّر الإعدادات. اختر كلمة مرور من 8 أحرف على الأقل لا يستطيع غيرك تخمينها. عند الضغط على «إنشاء المكتب» يُنشأ المكتب على هذا الحاسوب.</translation>
        </message>
        <message>
            <source>&amp;User name (Latin letters):</source>
            <translation>اسم الم&amp;ستخدم (بأحرف لاتينية):</translation>
        </message>
        <message>
            <source>&amp;Full name:</source>
            <translation>الاسم ال&amp;كامل:</translation>
        </message>
        <message>
            <source>&amp;Password:</source>
            <translation>كلمة الم&amp;رور:</translation>
        </message>
        <message>
            <source>Password &amp;again:</source>
            <translation>كلمة المرور &amp;مرة أخرى:</translation>
        </message>
    </context>
    <context>
        <name>CardChooser</name>
        <message>
            <source>Cards to print (Space ticks or unticks):</source>
            <translation>البطاقات المطلوب طباعتها (مفتاح المسافة يحدّد أو يلغي التحديد):</translation>
        </message>
        <message>
            <source>holder</source>
            <translation>المنتفع</translation>
        </message>
    </context>
    <context>
        <name>ChooseCardsDialog</name>
        <message>
            <source>Print cards</source>
            <translation>طباعة البطاقات</translation>
        </message>
        <message>
            <source>Preview</source>
            <translation>معاينة</translation>
        </message>
    </context>
    <context>
        <name>DayCloseScreen</name>
        <message>
            <source>Day close</source>
            <translation>إقفال اليوم</translation>
        </message>
        <message>
            <source>Corrected, not decided</source>
            <translation>صُحّح، دون قرار</translation>
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
            <source>Corrected after</source>
            <translation>صُحّح بعد ملاحظة</translation>
        </message>
        <message>
            <source>No photo</source>
            <translation>لا توجد صورة</translation>
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
            <source>To check</source>
            <translation>للتحقق</translation>
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
        <name>DevicesPage</name>
        <message>
            <source>Camera and printers</source>
            <translation>الكاميرا والطابعات</translation>
        </message>
        <message>
            <source>Check that the camera shows a picture and that the printers work. You can skip this step and do it later from the settings.</source>
            <translation>تأكد أن الكاميرا تعرض الصورة وأن الطابعات تعمل. يمكنك تخطي هذه الخطوة وإجراؤها لاحقاً من الإعدادات.</translation>
        </message>
        <message>
            <source>&amp;Camera:</source>
            <translation>ال&amp;كاميرا:</translation>
        </message>
        <message>
            <source>Show the &amp;picture</source>
            <translation>اعرض ال&amp;صورة</translation>
        </message>
        <message>
            <source>Insurance card p&amp;rinter:</source>
            <translation>طابعة البطاقة الت&amp;أمينية:</translation>
        </message>
        <message>
            <source>R&amp;eceipt printer:</source>
            <translation>طابعة إ&amp;يصال التسجيل:</translation>
        </message>
        <message>
            <source>Print a &amp;test page</source>
            <translation>اطبع صفحة &amp;تجريبية</translation>
        </message>
        <message>
            <source>No camera found</source>
            <translation>لم يُعثر على كاميرا</translation>
        </message>
    </context>
    <context>
        <name>DonePage</name>
        <message>
            <source>Write the enrolment request to a &amp;USB drive…</source>
            <translation>اكتب طلب تسجيل الحاسوب على ذاكرة &amp;USB…</translation>
        </message>
        <message>
            <source>The office is ready</source>
            <translation>المكتب جاهز</translation>
        </message>
        <message>
            <source>Press “Open the system” and sign in with the administrator's user name and password.</source>
            <translation>اضغط «افتح المنظومة» ثم ادخل باسم المستخدم وكلمة المرور الخاصين بالمدير.</translation>
        </message>
    </context>
    <context>
        <name>EnrolByUsbBox</name>
        <message>
            <source>Register this computer with headquarters by USB</source>
            <translation>تسجيل هذا الحاسوب لدى الإدارة العامة عبر USB</translation>
        </message>
        <message>
            <source>This computer is not registered with headquarters yet, so registrations wait here.
1) Write the request onto a USB drive and take it to headquarters.
2) Headquarters gives back an answer file on the drive and the token on paper: type the token, then import the answer.</source>
            <translation>هذا الحاسوب غير مسجَّل لدى الإدارة العامة بعد، لذلك تبقى التسجيلات هنا.
١) اكتب الطلب على ذاكرة USB وسلّمها إلى الإدارة العامة.
٢) تعيد الإدارة العامة ملف الرد على الذاكرة والرمز على ورقة: اكتب الرمز ثم استورد الرد.</translation>
        </message>
        <message>
            <source>1. &amp;Write the request to a USB drive…</source>
            <translation>١. ا&amp;كتب الطلب على ذاكرة USB…</translation>
        </message>
        <message>
            <source>2. &amp;Import headquarters' answer…</source>
            <translation>٢. ا&amp;ستورد رد الإدارة العامة…</translation>
        </message>
        <message>
            <source>Enrolment &amp;token:</source>
            <translation>&amp;رمز التسجيل:</translation>
        </message>
        <message>
            <source>Choose the USB drive</source>
            <translation>اختر ذاكرة USB</translation>
        </message>
        <message>
            <source>The request {file} is on the drive: take it to headquarters.</source>
            <translation>طلب التسجيل {file} على الذاكرة: سلّمها إلى الإدارة العامة.</translation>
        </message>
        <message>
            <source>Type the enrolment token given by headquarters.</source>
            <translation>اكتب رمز التسجيل الذي أعطته لك الإدارة العامة.</translation>
        </message>
        <message>
            <source>Headquarters' answer</source>
            <translation>رد الإدارة العامة</translation>
        </message>
        <message>
            <source>Registered with headquarters; computer number {number}. The waiting registrations are ready to be sent.</source>
            <translation>سُجِّل الحاسوب لدى الإدارة العامة؛ رقم الحاسوب {number}. التسجيلات التي كانت تنتظر جاهزة للإرسال.</translation>
        </message>
    </context>
    <context>
        <name>FirstRunWizard</name>
        <message>
            <source>Step {step} of {steps}</source>
            <translation>الخطوة {step} من {steps}</translation>
        </message>
        <message>
            <source>&amp;Create the office</source>
            <translation>&amp;إنشاء المكتب</translation>
        </message>
        <message>
            <source>&amp;Open the system</source>
            <translation>ا&amp;فتح المنظومة</translation>
        </message>
        <message>
            <source>&amp;Try again</source>
            <translation>&amp;حاول مرة أخرى</translation>
        </message>
        <message>
            <source>&amp;Next</source>
            <translation>ال&amp;تالي</translation>
        </message>
        <message>
            <source>Type the headquarters address, starting with https://</source>
            <translation>اكتب عنوان الإدارة العامة، ويبدأ بـ https://</translation>
        </message>
        <message>
            <source>Type the enrolment token given by headquarters.</source>
            <translation>اكتب رمز التسجيل الذي أعطته لك الإدارة العامة.</translation>
        </message>
        <message>
            <source>The user name may use only Latin letters, digits, dot, dash and underscore, with no spaces.</source>
            <translation>اسم المستخدم يُكتب بأحرف لاتينية وأرقام والنقطة والشرطة والشرطة السفلية فقط، دون مسافات.</translation>
        </message>
        <message>
            <source>The two passwords are not the same. Type them again.</source>
            <translation>كلمتا المرور ليستا متطابقتين. اكتبهما مرة أخرى.</translation>
        </message>
        <message>
            <source>Creating the office on this computer…</source>
            <translation>جارٍ إنشاء المكتب على هذا الحاسوب…</translation>
        </message>
        <message>
            <source>Print or write down the key first, then tick the box.</source>
            <translation>اطبع المفتاح أو اكتبه أولاً، ثم ضع علامة في المربع.</translation>
        </message>
        <message>
            <source>Registering this computer with headquarters…</source>
            <translation>جارٍ تسجيل هذا الحاسوب لدى الإدارة العامة…</translation>
        </message>
        <message>
            <source>Choose the USB drive</source>
            <translation>اختر ذاكرة USB</translation>
        </message>
        <message>
            <source>This folder is on this computer. Choose the USB drive: the recovery key must never be kept on this computer.</source>
            <translation>هذا المجلد على هذا الحاسوب. اختر ذاكرة USB: لا يُحفظ مفتاح الاسترداد على هذا الحاسوب أبداً.</translation>
        </message>
        <message>
            <source>Check the address and the token and try again, or choose “{option}”.</source>
            <translation>تحقق من العنوان ورمز التسجيل وحاول مرة أخرى، أو اختر «{option}».</translation>
        </message>
        <message>
            <source>The request {file} is on the drive. Take it to headquarters; they give back an answer file and the token. Then:
{command}</source>
            <translation>طلب التسجيل {file} على الذاكرة. سلّمها إلى الإدارة العامة، فتعيد إليك ملف الرد ورمز التسجيل. ثم نفّذ:
{command}</translation>
        </message>
        <message>
            <source>Registered with headquarters; computer number {number}.</source>
            <translation>مسجَّل لدى الإدارة العامة؛ رقم الحاسوب {number}.</translation>
        </message>
        <message>
            <source>Not linked with headquarters yet: registrations stay pending until this computer is registered. Provisional computer number: {number}.</source>
            <translation>غير مرتبط بالإدارة العامة بعد: تبقى التسجيلات قيد الإرسال حتى يُسجَّل هذا الحاسوب. الرقم المؤقت للحاسوب: {number}.</translation>
        </message>
        <message>
            <source>Office: {office}</source>
            <translation>المكتب: {office}</translation>
        </message>
        <message>
            <source>Administrator: {user}</source>
            <translation>المدير: {user}</translation>
        </message>
        <message>
            <source>Camera: {camera}</source>
            <translation>الكاميرا: {camera}</translation>
        </message>
        <message>
            <source>Warning: headquarters registered this computer for the office {code}, not for the office chosen here. Tell headquarters before registering beneficiaries.</source>
            <translation>تنبيه: سجّلت الإدارة العامة هذا الحاسوب للمكتب {code} وليس للمكتب المختار هنا. أبلغ الإدارة العامة قبل تسجيل المنتفعين.</translation>
        </message>
        <message>
            <source>Setting up the office</source>
            <translation>إعداد المكتب</translation>
        </message>
        <message>
            <source>&amp;Back</source>
            <translation>&amp;رجوع</translation>
        </message>
        <message>
            <source>&amp;Skip this step</source>
            <translation>&amp;تخطَّ هذه الخطوة</translation>
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
            <source>DEMO — practice data, deleted when the app closes</source>
            <translation>نسخة تجريبية — بيانات للتدريب تُحذف عند إغلاق المنظومة</translation>
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
        <name>HqLinkPage</name>
        <message>
            <source>Link with headquarters</source>
            <translation>الاتصال بالإدارة العامة</translation>
        </message>
        <message>
            <source>Headquarters gives each computer an address and a one-time enrolment token. The computer is registered with headquarters after the administrator is created.</source>
            <translation>تعطي الإدارة العامة لكل حاسوب عنواناً ورمز تسجيل يُستعمل مرة واحدة. يُسجَّل الحاسوب لدى الإدارة العامة بعد إنشاء المدير.</translation>
        </message>
        <message>
            <source>I have the &amp;address and the token</source>
            <translation>لديّ ال&amp;عنوان ورمز التسجيل</translation>
        </message>
        <message>
            <source>Headquarters address:</source>
            <translation>عنوان الإدارة العامة:</translation>
        </message>
        <message>
            <source>Enrolment token:</source>
            <translation>رمز التسجيل:</translation>
        </message>
        <message>
            <source>No link yet — register &amp;later or by USB</source>
            <translation>لا يوجد اتصال بعد — التسجيل &amp;لاحقاً أو عبر USB</translation>
        </message>
        <message>
            <source>Without a link the office works normally; new registrations stay pending until the computer is registered: with the command {command} once there is a link, or by USB — the last page writes the enrolment request onto a drive for headquarters.</source>
            <translation>بدون اتصال يعمل المكتب بشكل عادي، وتبقى التسجيلات الجديدة قيد الإرسال حتى يُسجَّل الحاسوب: بالأمر {command} عند توفر الاتصال، أو عبر USB — تكتب الصفحة الأخيرة طلب التسجيل على ذاكرة تُسلَّم إلى الإدارة العامة.</translation>
        </message>
    </context>
    <context>
        <name>KeyboardLayoutHint</name>
        <message>
            <source>The keyboard is typing Arabic letters, but user names and passwords are in Latin letters. Switch the keyboard to English (Alt+Shift) and type again.</source>
            <translation>لوحة المفاتيح تكتب حروفًا عربية، لكن اسم المستخدم وكلمة المرور بحروف لاتينية. بدّل لوحة المفاتيح إلى الإنجليزية (Alt+Shift) واكتب من جديد.</translation>
        </message>
    </context>
    <context>
        <name>LanguagePage</name>
        <message>
            <source>Welcome — setting up this office</source>
            <translation>مرحباً — إعداد هذا المكتب</translation>
        </message>
        <message>
            <source>This assistant prepares the system on this computer in a few steps. Choose the language of the screens (you can change it later in the settings).</source>
            <translation>يجهّز هذا المساعد المنظومة على هذا الحاسوب في خطوات قليلة. اختر لغة الشاشات (يمكن تغييرها لاحقاً من الإعدادات).</translation>
        </message>
    </context>
    <context>
        <name>LockScreen</name>
        <message>
            <source>The system is locked</source>
            <translation>المنظومة مقفلة</translation>
        </message>
        <message>
            <source>You locked the screen (Ctrl+L). %1, enter your password to continue where you left off.</source>
            <translation>أقفلتَ الشاشة بنفسك (Ctrl+L). %1، أدخل كلمة المرور لتكمل من حيث توقفت.</translation>
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
            <source>Wrong password.</source>
            <translation>كلمة المرور غير صحيحة.</translation>
        </message>
        <message>
            <source>Your work stays on screen under this lock; enter the password after that time, or sign out (unsaved work will be lost).</source>
            <translation>عملك باقٍ تحت هذا القفل؛ أدخل كلمة المرور بعد ذلك الوقت، أو سجّل الخروج (يضيع ما لم يُحفظ).</translation>
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
            <source>Version %1</source>
            <translation>الإصدار %1</translation>
        </message>
        <message>
            <source>Enter your user name and password.</source>
            <translation>أدخل اسم المستخدم وكلمة المرور.</translation>
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
            <source>Import beneficiaries from a spreadsheet…</source>
            <translation>استيراد المنتفعين من جدول بيانات…</translation>
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
        <name>OfficePage</name>
        <message>
            <source>Office and computer</source>
            <translation>المكتب والحاسوب</translation>
        </message>
        <message>
            <source>Choose the office where this computer is used.</source>
            <translation>اختر المكتب الذي يُستعمل فيه هذا الحاسوب.</translation>
        </message>
        <message>
            <source>&amp;Office:</source>
            <translation>ال&amp;مكتب:</translation>
        </message>
        <message>
            <source>&amp;Number of this computer:</source>
            <translation>&amp;رقم هذا الحاسوب:</translation>
        </message>
        <message>
            <source>Give every computer of the office its own number between 900 and 999 (for example 901 for the first computer, 902 for the second). Two computers must never have the same number: it is printed inside the insurance card numbers until headquarters registers this computer and gives it its final number.</source>
            <translation>أعطِ كل حاسوب في المكتب رقماً خاصاً به بين 900 و999 (مثلاً 901 للحاسوب الأول و902 للثاني). لا يجوز أن يحمل حاسوبان الرقم نفسه: فهو يدخل في أرقام البطاقات التأمينية إلى أن تسجّل الإدارة العامة هذا الحاسوب وتعطيه رقمه النهائي.</translation>
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
            <source>Stop the access of {name}? Their password will no longer open the program; giving access again needs a new password.</source>
            <translation>إيقاف دخول {name}؟ لن تفتح كلمة مروره البرنامج بعد الآن، وإعادة الدخول تحتاج كلمة مرور جديدة.</translation>
        </message>
        <message>
            <source>Keep access</source>
            <translation>إبقاء الدخول</translation>
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
            <source>Nothing was changed.</source>
            <translation>لم يتغير شيء.</translation>
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
        <name>PhotoException</name>
        <message>
            <source>(approved by %1)</source>
            <translation>(وافق عليه: %1)</translation>
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
            <source>Card to print: %1</source>
            <translation>البطاقة المطلوب طباعتها: %1</translation>
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
            <source>Replace card…</source>
            <translation>بطاقة بديلة…</translation>
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
        <name>RecoveryPage</name>
        <message>
            <source>Recovery key — shown only once</source>
            <translation>مفتاح الاسترداد — يظهر مرة واحدة فقط</translation>
        </message>
        <message>
            <source>The office has been created. This key opens the office's data when every password is lost. It is not saved anywhere on this computer and will not be shown again.</source>
            <translation>تم إنشاء المكتب. هذا المفتاح يفتح بيانات المكتب إذا فُقدت كل كلمات المرور. لا يُحفظ في أي مكان على هذا الحاسوب ولن يظهر مرة أخرى.</translation>
        </message>
        <message>
            <source>&amp;Print</source>
            <translation>&amp;طباعة</translation>
        </message>
        <message>
            <source>Save as P&amp;DF on a USB drive…</source>
            <translation>احفظه &amp;PDF على ذاكرة USB…</translation>
        </message>
        <message>
            <source>Print it or write it down, and lock the paper in a safe away from the computer. Use it only to set a new password when the administrator's password is forgotten, or to move the data to a new computer. Whoever holds this paper can open all the beneficiaries' data: if it is lost, or the computer is stolen, tell headquarters at once.</source>
            <translation>اطبعه أو اكتبه، واحفظ الورقة في خزنة مغلقة بعيداً عن الحاسوب. لا تستعمله إلا لتعيين كلمة مرور جديدة عند نسيان كلمة مرور المدير، أو لنقل البيانات إلى حاسوب جديد. من يملك هذه الورقة يستطيع فتح كل بيانات المنتفعين: إذا ضاعت أو سُرق الحاسوب فأبلغ الإدارة العامة فوراً.</translation>
        </message>
        <message>
            <source>I have &amp;printed or written down the recovery key</source>
            <translation>&amp;طبعتُ مفتاح الاسترداد أو كتبته</translation>
        </message>
    </context>
    <context>
        <name>RegistrationReview</name>
        <message>
            <source>… and %1 more</source>
            <translation>… و%1 غيرها</translation>
        </message>
        <message>
            <source>Please correct before saving:</source>
            <translation>يرجى التصحيح قبل الحفظ:</translation>
        </message>
        <message>
            <source>Photo</source>
            <translation>الصورة</translation>
        </message>
        <message>
            <source>No photo</source>
            <translation>لا توجد صورة</translation>
        </message>
        <message>
            <source>A possible duplicate must be resolved (see the box at the top).</source>
            <translation>يجب حسم التسجيل المحتمل تكراره (انظر المربع في الأعلى).</translation>
        </message>
        <message>
            <source>Everything else is filled in. Read the data to the beneficiary, then press Save (Ctrl+S).</source>
            <translation>بقية البيانات مكتملة. اقرأ البيانات على المنتفع ثم اضغط حفظ (Ctrl+S).</translation>
        </message>
        <message>
            <source>Everything is filled in. Read the data to the beneficiary, then press Save (Ctrl+S).</source>
            <translation>اكتملت البيانات. اقرأها على المنتفع ثم اضغط حفظ (Ctrl+S).</translation>
        </message>
    </context>
    <context>
        <name>ReplaceCardDialog</name>
        <message>
            <source>Card of</source>
            <translation>بطاقة</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>السبب</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>ملاحظة</translation>
        </message>
        <message>
            <source>Print the card again</source>
            <translation>إعادة طباعة البطاقة التأمينية</translation>
        </message>
        <message>
            <source>A card spoiled in the printer keeps its number. For any other reason the card gets a new number and the old one stops being valid everywhere.</source>
            <translation>البطاقة التي تلفت أثناء الطباعة تحتفظ برقمها. لأي سبب آخر تأخذ البطاقة رقماً جديداً ويُلغى الرقم القديم في كل مكان.</translation>
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
        <name>ReturnedScreen</name>
        <message>
            <source>Sent back to me (%1)</source>
            <translation>أُرجعت إليّ (%1)</translation>
        </message>
        <message>
            <source>Sent back to me</source>
            <translation>أُرجعت إليّ</translation>
        </message>
        <message>
            <source>Registrations your supervisor sent back to you, with the reason. Select one and press Enter, correct it and save: it goes back to the supervisor.</source>
            <translation>تسجيلات أرجعها إليك المشرف مع السبب. اختر واحدًا واضغط Enter، صحّحه واحفظه: يعود إلى المشرف.</translation>
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
            <source>Sent back on</source>
            <translation>تاريخ الإرجاع</translation>
        </message>
        <message>
            <source>By</source>
            <translation>المشرف</translation>
        </message>
        <message>
            <source>What to correct</source>
            <translation>المطلوب تصحيحه</translation>
        </message>
        <message>
            <source>Open and correct (Enter)</source>
            <translation>افتح وصحّح (Enter)</translation>
        </message>
        <message>
            <source>Nothing was sent back to you.</source>
            <translation>لم يُرجَع إليك أي تسجيل.</translation>
        </message>
        <message>
            <source>%1 wrote: «%2»</source>
            <translation>كتب %1: «%2»</translation>
        </message>
    </context>
    <context>
        <name>SavedScreen</name>
        <message>
            <source>Registration saved</source>
            <translation>تم حفظ التسجيل</translation>
        </message>
        <message>
            <source>%1  Print the card</source>
            <translation>%1  طباعة البطاقة</translation>
        </message>
        <message>
            <source>%1  Print the receipt</source>
            <translation>%1  طباعة الإيصال</translation>
        </message>
        <message>
            <source>%1  New registration</source>
            <translation>%1  تسجيل جديد</translation>
        </message>
        <message>
            <source>Loading…</source>
            <translation>جارٍ التحميل…</translation>
        </message>
        <message>
            <source>Insurance card number: %1</source>
            <translation>رقم البطاقة التأمينية: %1</translation>
        </message>
        <message>
            <source>Office: %1</source>
            <translation>المكتب: %1</translation>
        </message>
        <message>
            <source>The card was printed. Next: the receipt (key %1).</source>
            <translation>طُبعت البطاقة. التالي: الإيصال (المفتاح %1).</translation>
        </message>
        <message>
            <source>The receipt was printed. Next person: key %1.</source>
            <translation>طُبع الإيصال. للمنتفع التالي: المفتاح %1.</translation>
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
        <message>
            <source>%1 (dependant of %2)</source>
            <translation>%1 (من تابعي %2)</translation>
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
        <name>SendBackDialog</name>
        <message>
            <source>Send back</source>
            <translation>إرجاع إلى الموظف</translation>
        </message>
        <message>
            <source>What should the clerk correct in the registration of %1?</source>
            <translation>ما الذي يجب أن يصحّحه الموظف في تسجيل %1؟</translation>
        </message>
        <message>
            <source>Send back to the clerk</source>
            <translation>أرجِعه إلى الموظف (Ctrl+Enter)</translation>
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
            <source>Nightly sending</source>
            <translation>الإرسال الليلي</translation>
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
            <source>Daily at %1 (scheduled task)</source>
            <translation>كل يوم الساعة %1 (مهمة مجدولة)</translation>
        </message>
        <message>
            <source>This PC's scheduled task sends the records at this time every day, even with the program closed. It is set when the program is installed.</source>
            <translation>ترسل مهمة مجدولة على هذا الجهاز السجلات في هذه الساعة كل يوم، ولو كان البرنامج مغلقاً. تُضبط عند تثبيت البرنامج.</translation>
        </message>
        <message>
            <source>Headquarters certificate</source>
            <translation>شهادة الإدارة العامة</translation>
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
            <source>Records needing attention (answer from headquarters)</source>
            <translation>تسجيلات تحتاج إلى مراجعة (رد الإدارة العامة)</translation>
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
            <source>Answer</source>
            <translation>الرد</translation>
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
        <name>main</name>
        <message>
            <source>The app cannot open</source>
            <translation>تعذّر فتح البرنامج</translation>
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
        <name>FirstRunDevices</name>
        <message>
            <source>Looking for cameras…</source>
            <translation>جارٍ البحث عن الكاميرات…</translation>
        </message>
        <message>
            <source>When you see the picture and “one face” is ticked, the camera works.</source>
            <translation>إذا ظهرت الصورة وعليها علامة ✓ أمام «وجه واحد» فالكاميرا تعمل.</translation>
        </message>
        <message>
            <source>Insurance card printer</source>
            <translation>طابعة البطاقة التأمينية</translation>
        </message>
        <message>
            <source>Receipt printer</source>
            <translation>طابعة إيصال التسجيل</translation>
        </message>
        <message>
            <source>Test page sent. Check that the Arabic text is clear.</source>
            <translation>أُرسلت الصفحة التجريبية. تأكد أن الكتابة العربية واضحة.</translation>
        </message>
        <message>
            <source>No camera found. Connect the camera and start the system again, or choose it later in the settings.</source>
            <translation>لم يُعثر على كاميرا. وصّل الكاميرا وأعد تشغيل المنظومة، أو اخترها لاحقاً من الإعدادات.</translation>
        </message>
        <message>
            <source>(none — save as PDF)</source>
            <translation>(لا توجد — حفظ كملف PDF)</translation>
        </message>
        <message>
            <source>Save the test page</source>
            <translation>حفظ الصفحة التجريبية</translation>
        </message>
        <message>
            <source>Cameras found: {count}</source>
            <translation>الكاميرات الموجودة: {count}</translation>
        </message>
    </context>
    <context>
        <name>FirstRunPaper</name>
        <message>
            <source>Keep this paper locked in a safe, away from the computer. It opens all the data of the office when every password is lost. If it is lost, or the computer is stolen, tell headquarters at once.</source>
            <translation>احفظ هذه الورقة في خزنة مغلقة بعيداً عن الحاسوب. فهي تفتح كل بيانات المكتب إذا فُقدت كل كلمات المرور. إذا ضاعت أو سُرق الحاسوب فأبلغ الإدارة العامة فوراً.</translation>
        </message>
        <message>
            <source>Recovery key</source>
            <translation>مفتاح الاسترداد</translation>
        </message>
        <message>
            <source>Office</source>
            <translation>المكتب</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>التاريخ</translation>
        </message>
        <message>
            <source>Test page</source>
            <translation>صفحة تجريبية</translation>
        </message>
        <message>
            <source>If this Arabic text reads correctly, the printer works:</source>
            <translation>إذا ظهرت هذه الكتابة العربية بشكل صحيح فالطابعة تعمل:</translation>
        </message>
    </context>
    <context>
        <name>ImportScreen</name>
        <message>
            <source>Import from a spreadsheet</source>
            <translation>الاستيراد من جدول بيانات</translation>
        </message>
        <message>
            <source>Possible duplicate</source>
            <translation>تسجيل مكرر محتمل</translation>
        </message>
        <message>
            <source>Whole row</source>
            <translation>السطر كله</translation>
        </message>
        <message>
            <source>Import beneficiaries from a spreadsheet</source>
            <translation>استيراد المنتفعين من جدول بيانات</translation>
        </message>
        <message>
            <source>A CSV or Excel (.xlsx) file with one beneficiary per row and the column names of the import guide. Check the file first: every row is checked as the registration form checks it. Rows already registered are skipped; a possible duplicate is not imported but listed for you to check.</source>
            <translation>ملف CSV أو Excel ‏(.xlsx) فيه منتفع واحد في كل سطر وبأسماء الأعمدة المذكورة في دليل الاستيراد. افحص الملف أولاً: يُفحص كل سطر كما تفحصه استمارة التسجيل. الأسطر المسجلة من قبل تُتخطّى، والتسجيل المكرر المحتمل لا يُستورد بل يُعرض عليك لتتحقق منه.</translation>
        </message>
        <message>
            <source>&amp;File:</source>
            <translation>ال&amp;ملف:</translation>
        </message>
        <message>
            <source>Choose a file…</source>
            <translation>اختر ملفاً…</translation>
        </message>
        <message>
            <source>Check the file</source>
            <translation>افحص الملف</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>استورد</translation>
        </message>
        <message>
            <source>Stop the import</source>
            <translation>إيقاف الاستيراد</translation>
        </message>
        <message>
            <source>Save the refused rows…</source>
            <translation>احفظ الأسطر المرفوضة…</translation>
        </message>
        <message>
            <source>Choose the spreadsheet</source>
            <translation>اختر جدول البيانات</translation>
        </message>
        <message>
            <source>%1 of %2 rows checked (%3%), %4 rows per second</source>
            <translation>فُحص %1 من %2 سطراً (%3٪)، %4 صف في الثانية</translation>
        </message>
        <message>
            <source>%1 of %2 rows done (%3%), %4 rows per second</source>
            <translation>أُنجز %1 من %2 سطراً (%3٪)، %4 صف في الثانية</translation>
        </message>
        <message>
            <source>Save the refused rows</source>
            <translation>حفظ الأسطر المرفوضة</translation>
        </message>
        <message>
            <source>Row</source>
            <translation>السطر</translation>
        </message>
        <message>
            <source>National number</source>
            <translation>الرقم الوطني</translation>
        </message>
        <message>
            <source>Field</source>
            <translation>الحقل</translation>
        </message>
        <message>
            <source>Problem</source>
            <translation>المشكلة</translation>
        </message>
        <message>
            <source>Spreadsheets</source>
            <translation>جداول البيانات</translation>
        </message>
        <message>
            <source>Type the file's path or choose the file.</source>
            <translation>اكتب مسار الملف أو اختر الملف.</translation>
        </message>
        <message>
            <source>Stopping after the rows being saved now…</source>
            <translation>يتوقف الاستيراد بعد حفظ الأسطر الجاري حفظها الآن…</translation>
        </message>
        <message>
            <source>The file could not be written there. Choose another folder.</source>
            <translation>تعذّر حفظ الملف هناك. اختر مجلداً آخر.</translation>
        </message>
        <message>
            <source>Saved: %1</source>
            <translation>حُفظ: %1</translation>
        </message>
        <message>
            <source>Already registered (skipped): </source>
            <translation>مسجل من قبل (تُخطّي): </translation>
        </message>
        <message>
            <source>Dependant %1: %2</source>
            <translation>التابع %1: %2</translation>
        </message>
        <message>
            <source>Import finished: %1 rows.</source>
            <translation>انتهى الاستيراد: %1 سطراً.</translation>
        </message>
        <message>
            <source>The import was stopped after %1 of %2 rows. The rows imported before the stop are saved; the rest of the file was not imported — import the same file again to add them (rows already registered are skipped).</source>
            <translation>توقف الاستيراد بعد %1 من %2 سطراً. الأسطر التي استُوردت قبل الإيقاف محفوظة، وبقية الملف لم تُستورد — استورد الملف نفسه مرة أخرى لإضافتها (الأسطر المسجلة من قبل تُتخطّى).</translation>
        </message>
        <message>
            <source>%1 rows in the file: %2 ready to import, %3 with problems (listed below; they will not be imported).</source>
            <translation>%1 سطراً في الملف: %2 جاهزة للاستيراد، و%3 فيها مشكلات (مبيّنة أدناه؛ لن تُستورد).</translation>
        </message>
        <message>
            <source>Imported: %1 · Already registered (skipped): %2 · Refused: %3, of them possible duplicates to check: %4</source>
            <translation>استُورد: %1 · مسجل من قبل (تُخطّي): %2 · مرفوض: %3، منها تسجيل مكرر محتمل للتحقق: %4</translation>
        </message>
    </context>
    <context>
        <name>printing</name>
        <message>
            <source>No card chosen</source>
            <translation>لم تُختر أي بطاقة</translation>
        </message>
        <message>
            <source>Print (Enter)</source>
            <translation>اطبع (Enter)</translation>
        </message>
        <message>
            <source>Save as PDF…</source>
            <translation>حفظ كملف PDF…</translation>
        </message>
        <message>
            <source>Close (Esc)</source>
            <translation>إغلاق (Esc)</translation>
        </message>
        <message>
            <source>Save as PDF</source>
            <translation>حفظ كملف PDF</translation>
        </message>
        <message>
            <source>Print the card</source>
            <translation>طباعة البطاقة</translation>
        </message>
        <message>
            <source>Print the receipt</source>
            <translation>طباعة الإيصال</translation>
        </message>
        <message>
            <source>%1 card(s), %2 pages (front and back of each card)</source>
            <translation>عدد البطاقات: %1 — عدد الصفحات: %2 (وجه وظهر لكل بطاقة)</translation>
        </message>
        <message>
            <source>%1 page(s)</source>
            <translation>عدد الصفحات: %1</translation>
        </message>
        <message>
            <source>Receipt %1</source>
            <translation>إيصال %1</translation>
        </message>
        <message>
            <source>Card %1</source>
            <translation>بطاقة %1</translation>
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
            <source>%1 field(s) to correct</source>
            <translation>حقول يجب تصحيحها: %1</translation>
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
            <source>Sent back by %1: «%2». Correct it and save: it goes back to the supervisor.</source>
            <translation>أرجعه %1: «%2». صحّحه واحفظه: يعود إلى المشرف.</translation>
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
            <source>Edit a beneficiary's record</source>
            <translation>تعديل بيانات منتفع</translation>
        </message>
        <message>
            <source>New registration</source>
            <translation>تسجيل جديد</translation>
        </message>
        <message>
            <source>Home visit</source>
            <translation>زيارة منزلية</translation>
        </message>
        <message>
            <source>Home visit mode is ON: this registration is saved as a home visit, on this computer, and sent later; no network or printer is needed. The card is printed at the office. Untick “Home visit” for a registration at the office.</source>
            <translation>وضع الزيارة المنزلية مُفعَّل: يُحفظ هذا التسجيل كزيارة منزلية على هذا الحاسوب ويُرسل لاحقًا؛ لا يلزم اتصال بالشبكة ولا طابعة، وتُطبع البطاقة في المكتب. أزِل علامة «زيارة منزلية» للتسجيل في المكتب.</translation>
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
            <source>home visit</source>
            <translation>زيارة منزلية</translation>
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
            <source>Save the registration without an accepted photo. The reason is kept with the record, shown in day close and sent to the general administration.</source>
            <translation>حفظ التسجيل دون صورة مقبولة. يُحفظ السبب مع السجل ويظهر في إقفال اليوم ويُرسل إلى الإدارة العامة.</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>جارٍ التحقق…</translation>
        </message>
        <message>
            <source>card valid</source>
            <translation>البطاقة سارية</translation>
        </message>
        <message>
            <source>card cancelled</source>
            <translation>البطاقة ملغاة</translation>
        </message>
        <message>
            <source>record inactive</source>
            <translation>السجل غير نشط</translation>
        </message>
        <message>
            <source>no card yet</source>
            <translation>لم تصدر له بطاقة بعد</translation>
        </message>
        <message>
            <source>a dependant, initials %1</source>
            <translation>تابع، اختصار اسمه %1</translation>
        </message>
        <message>
            <source>initials %1</source>
            <translation>اختصار الاسم %1</translation>
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
            <source>another office</source>
            <translation>مكتب آخر</translation>
        </message>
        <message>
            <source>certain</source>
            <translation>مؤكد</translation>
        </message>
        <message>
            <source>Save despite a duplicate</source>
            <translation>الحفظ رغم التكرار</translation>
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
            <source>Reason</source>
            <translation>السبب</translation>
        </message>
        <message>
            <source>Details (required for another reason)</source>
            <translation>التفاصيل (مطلوبة عند اختيار سبب آخر)</translation>
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
            <source>name and birth date</source>
            <translation>الاسم وتاريخ الميلاد</translation>
        </message>
        <message>
            <source>Write the reason in a few words (at least %1 letters).</source>
            <translation>اكتب السبب في كلمات قليلة (%1 أحرف على الأقل).</translation>
        </message>
        <message>
            <source>This national number is registered at another office.</source>
            <translation>هذا الرقم الوطني مسجل في مكتب آخر.</translation>
        </message>
        <message>
            <source>Saving anyway. Reason: %1</source>
            <translation>سيُحفظ رغم التنبيه. السبب: %1</translation>
        </message>
        <message>
            <source>%1 (dependant of %2)</source>
            <translation>%1 (من تابعي %2)</translation>
        </message>
        <message>
            <source>registered at %1</source>
            <translation>مسجل في %1</translation>
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
            <source>The dependant %1 on this form is already registered (same national number).</source>
            <translation>التابع %1 في هذا النموذج مسجل من قبل (الرقم الوطني نفسه).</translation>
        </message>
        <message>
            <source>registered at %1 on %2</source>
            <translation>مسجل في %1 بتاريخ %2</translation>
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
            <source>Photo exception…</source>
            <translation>استثناء من الصورة…</translation>
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
            <source>Add document…</source>
            <translation>إضافة مستند…</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>حذف</translation>
        </message>
        <message>
            <source>No photo yet</source>
            <translation>لا توجد صورة بعد</translation>
        </message>
        <message>
            <source>Images</source>
            <translation>الصور</translation>
        </message>
        <message>
            <source>Photo ready.</source>
            <translation>الصورة جاهزة.</translation>
        </message>
        <message>
            <source>Document %1 (%2 KB)</source>
            <translation>المستند %1 (%2 ك.ب)</translation>
        </message>
    </context>
</TS>
