"""Receipts, printing through QPrinter (to PDF), and the `card` / `verify-card` commands."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timezone

import pytest
from card_test_helpers import DEVICE_ID, SAMPLE_OFFICE, comparable, mm, page_sizes_pt, pdftotext
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fundclient.cards import printing, receipt
from fundclient.cards.content import card_for_beneficiary, receipt_for
from fundclient.cli import main
from fundclient.domain.records import Photo

pytestmark = pytest.mark.qt


@pytest.mark.parametrize("paper, width_mm, height_mm", [("A5", 148, 210), ("A4", 210, 297), ("80mm", 80, None)])
def test_receipt_pdf_on_each_paper(qt_app, tmp_path, record, settings, paper, width_mm, height_mm):
    record.record_id = "97561ff7-e250-44a5-85a4-5d44d595d636"  # "ff" must not become a ligature
    data = receipt_for(record, office=SAMPLE_OFFICE, settings=settings, operator="Clerk One",
                       registered_at=datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc))
    pdf = receipt.receipt_pdf(data, tmp_path / f"receipt-{paper}.pdf", paper)
    [(w, h)] = page_sizes_pt(pdf)
    assert mm(w) == pytest.approx(width_mm, abs=0.5)
    if height_mm:
        assert mm(h) == pytest.approx(height_mm, abs=0.5)
    else:  # a roll: as long as the content, no longer
        assert 90 < mm(h) < 260
    text = pdftotext(pdf)
    for value in (record.national_number, record.card_number, "Clerk One", record.dependants[0].card_number):
        assert value in text, value
    assert record.record_id not in text  # a UUID means nothing to a beneficiary
    for words in ("إيصال التسجيل", settings.fund_name, "مكتب براك", "عدد التابعين", "البطاقة الشخصية أو جواز السفر"):
        assert comparable(words) in comparable(text), words
    # The name may wrap beside its label, and pdftotext interleaves the two columns: every word.
    assert all(comparable(word) in comparable(text) for word in record.name.full().split())


def test_unknown_paper_is_a_user_error(qt_app, tmp_path, record, settings):
    data = receipt_for(record, office=SAMPLE_OFFICE, settings=settings)
    with pytest.raises(Exception) as info:
        receipt.receipt_pdf(data, tmp_path / "x.pdf", "Letter")
    assert "Letter" in info.value.message.en


@pytest.mark.parametrize("margins", [0.0, 3.0])
def test_printing_path_writes_cr80_pages(qt_app, tmp_path, record, signer, settings, margins):
    cards = [card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer)]
    out = tmp_path / "printed.pdf"
    printer = printing.card_printer(settings, pdf_path=out)
    assert printing.print_cards(cards, printer, margins_mm=margins) == 2
    sizes = page_sizes_pt(out)
    assert len(sizes) == 2 and all(mm(w) == pytest.approx(85.6, abs=0.3) and mm(h) == pytest.approx(54, abs=0.3)
                                   for w, h in sizes)
    assert record.card_number in pdftotext(out, page=1)


def test_receipt_printer_path(qt_app, tmp_path, record, settings):
    data = receipt_for(record, office=SAMPLE_OFFICE, settings=settings)
    out = tmp_path / "receipt-printed.pdf"
    printer = printing.receipt_printer(settings, data, paper_name="80mm", pdf_path=out)
    printing.print_receipt(data, printer, "80mm")
    [(w, _h)] = page_sizes_pt(out)
    assert mm(w) == pytest.approx(80, abs=0.5) and record.national_number in pdftotext(out)


def test_a_missing_printer_is_reported(qt_app, settings):
    with pytest.raises(printing.PrintError) as info:
        printing.card_printer(settings, "No Such Card Printer 9000")
    assert "No Such Card Printer 9000" in info.value.message.ar


def _key_files(tmp_path, private):
    pem = tmp_path / "device.pem"
    pem.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    devices = tmp_path / "devices.json"
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    devices.write_text(json.dumps({"devices": [{"device_id": DEVICE_ID, "public_key": raw.hex()}]}))
    return pem, devices


def test_cli_card_from_json_then_verify_the_pdf_png_and_text(qt_app, tmp_path, record, face_jpeg, capsys):
    private = Ed25519PrivateKey.generate()
    pem, devices = _key_files(tmp_path, private)
    (tmp_path / "record.json").write_text(json.dumps(record.to_dict(), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "face.jpg").write_bytes(face_jpeg)
    data_dir = tmp_path / "data"
    code = main(["--data-dir", str(data_dir), "card", "--from-json", str(tmp_path / "record.json"),
                 "--photo", str(tmp_path / "face.jpg"), "--key", str(pem), "--device-id", DEVICE_ID,
                 "--pdf", str(tmp_path / "cards.pdf"), "--png", str(tmp_path / "card"),
                 "--receipt", str(tmp_path / "receipt.pdf"), "--receipt-paper", "80mm"])
    assert code == 0
    assert len(page_sizes_pt(tmp_path / "cards.pdf")) == 4  # principal + spouse, front and back
    capsys.readouterr()

    assert main(["--data-dir", str(data_dir), "verify-card", str(tmp_path / "card_front.png"),
                 "--devices", str(devices)]) == 0
    out = capsys.readouterr().out
    assert DEVICE_ID in out and record.card_number in out and "VALID" in out and "صالحة" in out

    assert main(["--data-dir", str(data_dir), "verify-card", str(tmp_path / "cards.pdf"), "--devices",
                 str(devices), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["Card number"] for r in results] == [record.card_number, record.dependants[0].card_number]
    assert results[1]["Principal's card (dependant)"] == record.card_number

    # Another device's key list: the same card is not accepted (exit 1), and the signer is named.
    other = tmp_path / "other.json"
    other.write_text(json.dumps({DEVICE_ID: Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()}))
    assert main(["--data-dir", str(data_dir), "verify-card", str(tmp_path / "card_front.png"),
                 "--devices", str(other)]) == 1
    assert "INVALID" in capsys.readouterr().out


def test_verify_card_as_a_process_with_tampered_text(tmp_path, record, signer):
    from fundclient.cards.payload import make_claims, sign_payload

    claims = make_claims(card_number=record.card_number, national_number=record.national_number,
                         first_name=record.name.first, family_name=record.name.family,
                         full_name=record.name.full(), date_of_birth=record.date_of_birth,
                         issued_on=date.today(), expires_on=date(date.today().year + 5, 1, 1), device_id=DEVICE_ID)
    text = sign_payload(claims, signer)
    devices = tmp_path / "devices.json"
    devices.write_text(json.dumps({DEVICE_ID: signer.private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()}))
    run = [sys.executable, "-m", "fundclient", "--data-dir", str(tmp_path / "d"), "verify-card"]
    good = subprocess.run([*run, text, "--devices", str(devices)], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert record.national_number in good.stdout and DEVICE_ID in good.stdout
    tampered = text[:10] + ("0" if text[10] != "0" else "1") + text[11:]
    bad = subprocess.run([*run, tampered, "--devices", str(devices)], capture_output=True, text=True)
    assert bad.returncode == 1 and "INVALID" in bad.stdout


def test_cli_card_by_record_id_from_the_encrypted_store(qt_app, tmp_path, record, face_jpeg):
    """load_record(args): the record and its photo come from the real SQLCipher store."""
    from fundclient.storage import open_store
    from fundclient.storage.beneficiaries import BeneficiaryRepository
    from fundclient.storage.store import initialise

    data_dir = tmp_path / "data"
    password = "correct horse battery staple"
    initialise(data_dir, "BRK", "admin", password)
    store, _operator = open_store(data_dir, "admin", password)
    try:
        BeneficiaryRepository(store).add(record, by="admin", photos=[Photo(data=face_jpeg)])
    finally:
        store.close()
    (tmp_path / "pw").write_text(password + "\n")
    pem, _devices = _key_files(tmp_path, Ed25519PrivateKey.generate())
    out = tmp_path / "from-db.pdf"
    assert main(["--data-dir", str(data_dir), "card", record.record_id, "--user", "admin", "--password-file",
                 str(tmp_path / "pw"), "--key", str(pem), "--device-id", DEVICE_ID, "--no-dependants",
                 "--pdf", str(out)]) == 0
    assert len(page_sizes_pt(out)) == 2
    text = pdftotext(out, page=1)
    assert record.card_number in text and record.national_number in text
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) > 2  # the stored photo is on the card


def test_a_big_family_continues_on_more_a5_pages(qt_app, tmp_path, record, settings):
    from fundclient.domain.card_numbers import make_card_number
    from fundclient.domain.records import ArabicName, Dependant, Relation, Sex

    record.dependants = [
        Dependant(name=ArabicName(first=f"ابن{i}", father="عبدالرحمن", grandfather="محمد", family="الزنتاني"),
                  relation=Relation.SON, sex=Sex.MALE, card_number=make_card_number("BRK", 2, 2000 + i))
        for i in range(14)]
    data = receipt_for(record, office=SAMPLE_OFFICE, settings=settings)
    pdf = receipt.receipt_pdf(data, tmp_path / "family.pdf", "A5")
    pages = len(page_sizes_pt(pdf))
    assert pages >= 2 and all(pdftotext(pdf, page=n).strip() for n in range(1, pages + 1))
    text = pdftotext(pdf)
    assert all(d.card_number in text for d in record.dependants)
    assert "14" in pdftotext(pdf, page=1)
    image = receipt.receipt_image(data, "A5", dpi=50)  # a preview is one tall image instead
    assert image.height() > 210 * 50 / 25.4
