"""Name lists for `synthetic.py`: common Libyan (Fezzan) names as (Arabic, Latin) pairs."""

from __future__ import annotations

MALE_FIRST = tuple(p.replace("_", " ").split(":") for p in """
محمد:Mohamed أحمد:Ahmed علي:Ali عمر:Omar عبد_الله:Abdullah عبد_الرحمن:Abdulrahman
عبد_السلام:Abdulsalam عبد_القادر:Abdulgader عبد_الحميد:Abdulhamid عبد_الكريم:Abdulkarim
مصطفى:Mustafa إبراهيم:Ibrahim يوسف:Yousef خالد:Khaled سالم:Salem سليمان:Suleiman
الطاهر:Altaher الهادي:Alhadi المبروك:Almabrouk مفتاح:Muftah ميلاد:Milad رمضان:Ramadan
صالح:Saleh حسين:Hussein حسن:Hassan عثمان:Othman موسى:Mousa عيسى:Eisa منصور:Mansour
فرج:Faraj جمعة:Juma خليفة:Khalifa بشير:Bashir الصادق:Alsadeg الصديق:Alseddig
عبد_الحفيظ:Abdulhafid عبد_العزيز:Abdulaziz إدريس:Idris أبو_بكر:Abubaker امحمد:Amhamed
محمود:Mahmoud مسعود:Masoud ضو:Daw عياد:Ayad علوة:Alwa الشريف:Alsharif المهدي:Almahdi
عمران:Omran نوري:Nouri فتحي:Fathi سعد:Saad سعيد:Saeed أحمد_الصغير:Ahmedalsaghir
عبد_الباسط:Abdulbaset عبد_المولى:Abdulmawla بلقاسم:Belgasem حامد:Hamed جبريل:Jibril
قاسم:Gasem عبد_النبي:Abdulnabi عبد_الجليل:Abduljalil إسماعيل:Ismail العربي:Alarabi
أمبارك:Ambarak مختار:Mukhtar الحسين:Alhussein عوض:Awad حمزة:Hamza طارق:Tarek
""".split())

FEMALE_FIRST = tuple(p.replace("_", " ").split(":") for p in """
فاطمة:Fatima عائشة:Aisha خديجة:Khadija مريم:Maryam زينب:Zainab آمنة:Amna حليمة:Halima
سالمة:Salma مبروكة:Mabrouka فاطمة_الزهراء:Fatimazahra نعيمة:Naima سعاد:Suad نجاة:Najat
حواء:Hawa زهرة:Zahra مفيدة:Mufida فتحية:Fathia خيرية:Khairiya جميلة:Jamila رقية:Ruqaya
سكينة:Sakina عزيزة:Aziza صالحة:Saliha مسعودة:Masouda نورية:Nouria هنية:Hania تبرة:Tibra
أم_السعد:Umalsaad ربيعة:Rabia فاطنة:Fatna عيشة:Isha منى:Muna هدى:Huda ليلى:Laila
سلوى:Salwa نادية:Nadia سميرة:Samira كريمة:Karima حنان:Hanan وداد:Widad إيمان:Iman
أسماء:Asma سارة:Sara نورة:Noura زعيمة:Zaeema مباركة:Mubaraka رحمة:Rahma بخيتة:Bakhita
""".split())

FAMILY = tuple(p.replace("_", " ").split(":") for p in """
الورفلي:Alwarfalli المقرحي:Almagrahi التباوي:Altabawi الحضيري:Alhudiri السليماني:Alsulaimani
الحسوني:Alhassouni الزوي:Alzway المحمودي:Almahmoudi الرياحي:Alriyahi الحطماني:Alhatmani
البوسيفي:Albousifi الخالدي:Alkhaldi التارقي:Altargi الفزاني:Alfazzani السبهاوي:Alsabhawi
القطروني:Algatroni المرزوقي:Almarzougi الغاتي:Alghati الأنصاري:Alansari الشريف:Alsharif
السنوسي:Alsenussi المجبري:Almajbari العبيدي:Alobaidi البرعصي:Albarasi الفرجاني:Alfarjani
الككلي:Alkikli الجهاني:Aljahani الشيباني:Alshaibani العرفي:Alorfi القايدي:Algaidi
المنفي:Almenfi الزيداني:Alzaidani الأوجلي:Alawjali الهوني:Alhouni السوكني:Alsokni
الوداني:Alwaddani الطوير:Altuwair الشاطي:Alshati البكوش:Albakoush الدرسي:Aldarsi
المشاي:Almashai الشلماني:Alshalmani العماري:Alammari القاضي:Algadi بن_سليمان:Bensuleiman
أبو_زيد:Abuzaid بوخريص:Boukhris الكوني:Alkouni الحاسي:Alhasi الترهوني:Altarhouni
المصراتي:Almisrati الزنتاني:Alzintani الفيتوري:Alfitouri الغدامسي:Alghadamsi القرقني:Algargni
""".split())
