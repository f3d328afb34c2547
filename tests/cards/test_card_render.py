"""Cards rendered with Qt: PDF page size, text, fonts, long names, dependants, QR round trip."""

from __future__ import annotations

import subprocess
from datetime import date

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QPainter

from card_test_helpers import DEVICE_ID, comparable, mm, page_sizes_pt, pdftotext
from fundclient.cards import content, render
from fundclient.cards.qr_read import decode_qr  # what verify-card uses: OpenCV, shipped in the bundle
from fundclient.cards.content import card_for_beneficiary, card_for_dependant
from fundclient.cards.payload import QR_PREFIX, verify_payload
from fundclient.cards.sample import SAMPLE_OFFICE
from fundclient.domain.records import ArabicName

pytestmark = pytest.mark.qt
ISSUED = date(2026, 11, 23)


def _card(record, signer, settings, photo=None):
    return card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer, photo=photo,
                                issued_on=ISSUED)


def test_pdf_is_cr80_front_and_back_with_all_fields(qt_app, tmp_path, record, signer, settings, face_jpeg):
    card = _card(record, signer, settings, face_jpeg)
    pdf = render.card_pdf([card], tmp_path / "card.pdf")
    sizes = page_sizes_pt(pdf)
    assert len(sizes) == 2
    for w, h in sizes:
        assert mm(w) == pytest.approx(85.6, abs=0.2) and mm(h) == pytest.approx(54.0, abs=0.2)
    front, back = pdftotext(pdf, page=1), pdftotext(pdf, page=2)
    for value in (record.national_number, record.card_number, "04/03/1952", "23/11/2026", "23/11/2031",
                  "ABDULRAHMAN"):
        assert value in front
    for words in (settings.fund_name, "البطاقة التأمينية", "الرقم الوطني", "تاريخ الانتهاء", "مكتب براك",
                  "شريحة المتقاعدين"):
        assert comparable(words) in comparable(front), words
    assert comparable(record.name.full()) in comparable(front)  # the whole long name, nothing cut
    assert content.machine_line(record.card_number, record.national_number, card.expires_on) in back
    for words in ("شروط الاستخدام", "في حال العثور على هذه البطاقة", "0XX-0000000"):
        assert comparable(words) in comparable(back), words
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoNaskhArabic-Bold" in fonts and "NotoSansArabic" in fonts


def test_long_name_shrinks_or_wraps_and_never_overflows(qt_app, record, signer, settings):
    card = _card(record, signer, settings)
    image = render.card_image(card, "front", dpi=300)
    painter = QPainter(image)
    try:
        boxes = render.paint_card(painter, card, "front")
    finally:
        painter.end()
    name = boxes["name"]
    box_width_px = render.NAMES[2] * 300 / 25.4
    assert name.fits and name.box_width == pytest.approx(box_width_px)
    assert len(name.line_widths) == 2  # too long for one line at any legible size
    assert all(0 < w <= box_width_px for w in name.line_widths)
    assert "".join(name.line_texts).split() == card.full_name.split()  # every word laid out
    for key, fitted in boxes.items():  # no field overflows its box sideways
        assert fitted.widest <= fitted.box_width + 0.01, key


def test_extreme_name_is_still_printed_whole(qt_app, tmp_path, record, signer, settings):
    record.name = ArabicName(first="عبدالرحمن عبدالمطلب", father="محمد الأمين عبدالسلام عبدالعزيز",
                             grandfather="عبدالقادر إبراهيم مصطفى الطاهر", family="الزنتاني الشريف الورفلي المقريف")
    record.latin_name = ("Abdulrahman Abdulmuttalib Mohammed Al-Amin Abdulsalam Abdulaziz Abdulqader Ibrahim "
                         "Al-Zintani")
    card = _card(record, signer, settings)
    image = render.card_image(card, "front", dpi=150)
    painter = QPainter(image)
    try:
        boxes = render.paint_card(painter, card, "front")
    finally:
        painter.end()
    name, latin = boxes["name"], boxes["latin_name"]
    assert name.font.pointSizeF() < 10.0  # shrunk
    # Both names share the region above the fields without overlapping: the Arabic name fits the
    # height the Latin name left it, and the Latin name wraps rather than run off the side.
    assert name.fits and name.height + latin.height <= render.NAMES[3] * 150 / 25.4
    assert len(latin.line_widths) == 2 and latin.widest <= latin.box_width + 0.01
    assert all(w <= name.box_width + 0.01 for w in name.line_widths)
    assert "".join(name.line_texts).split() == card.full_name.split()
    pdf = render.card_pdf([card], tmp_path / "extreme.pdf")
    assert comparable(record.name.full()) in comparable(pdftotext(pdf, page=1))


def test_dependant_card_is_marked_and_linked(qt_app, tmp_path, record, signer, settings):
    dependant = record.dependants[0]
    card = card_for_dependant(record, dependant, office=SAMPLE_OFFICE, settings=settings, signer=signer,
                              issued_on=ISSUED)
    assert card.is_dependant and card.relation == "زوجة"
    pdf = render.card_pdf([card], tmp_path / "dependant.pdf")
    front = pdftotext(pdf, page=1)
    assert dependant.card_number in front and record.card_number in front
    assert comparable("تابع") in comparable(front) and comparable("زوجة") in comparable(front)
    assert comparable(dependant.name.full()) in comparable(front)


def _decode_qr(image) -> list[str]:
    width, height = image.width(), image.height()
    pointer = image.constBits()
    array = np.frombuffer(pointer, dtype=np.uint8, count=image.sizeInBytes()).reshape(height, image.bytesPerLine())
    bgr = array[:, : width * 4].reshape(height, width, 4)[:, :, :3].copy()
    return decode_qr(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))


def test_qr_on_a_300_dpi_render_decodes_and_verifies(qt_app, tmp_path, record, signer, settings):
    card = _card(record, signer, settings)
    path = tmp_path / "front.png"
    assert render.card_image(card, "front", dpi=300).save(str(path))
    texts = decode_qr(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE))
    assert texts == [card.qr_text] and texts[0].startswith(QR_PREFIX)
    keys = {DEVICE_ID: signer.private_key.public_key()}
    result = verify_payload(texts[0], keys, today=date(2027, 1, 1))
    assert result.valid and result.device_id == DEVICE_ID
    assert result.claims.card_number == record.card_number
    assert result.claims.national_number == record.national_number
    assert result.claims.name_matches(record.name.full())
    # A forged card: same layout, QR text changed by one character -> rejected.
    forged = texts[0][:-3] + ("A" if texts[0][-3] != "A" else "B") + texts[0][-2:]
    assert not verify_payload(forged, keys, today=date(2027, 1, 1)).valid


def test_qr_also_decodes_from_the_in_memory_image(qt_app, record, signer, settings):
    card = _card(record, signer, settings)
    assert _decode_qr(render.card_image(card, "front", dpi=300)) == [card.qr_text]


def test_logo_file_is_drawn(qt_app, tmp_path, record, signer, settings):
    logo = tmp_path / "logo.png"
    red = np.zeros((64, 64, 3), dtype=np.uint8)
    red[:, :] = (0, 0, 255)
    cv2.imwrite(str(logo), red)
    card = _card(record, signer, settings)
    card.logo_path = str(logo)
    image = render.card_image(card, "front", dpi=100)
    x, y, w, h = render.LOGO
    centre = image.pixelColor(round((x + w / 2) * 100 / 25.4), round((y + h / 2) * 100 / 25.4))
    assert (centre.red(), centre.green(), centre.blue()) == (255, 0, 0)
