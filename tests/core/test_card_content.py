"""Card content without Qt: expiry, machine-readable line, relations, reissue, device identity."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fundclient.cards import content, identity
from fundclient.domain.card_numbers import make_card_number, mod97_valid, parse
from fundclient.cards.payload import KeySigner, decode_payload, verify_payload
from fundclient.cards.replacement import CardRevocation, ReissueReason, reissue_card
from fundclient.cards.sample import SAMPLE_OFFICE, sample_record
from fundclient.config import Settings
from fundclient.domain.records import Dependant, Relation, Sex
from fundclient.errors import FundError


def test_expiry_follows_the_validity_setting():
    assert content.expiry_date(date(2026, 11, 23), 5) == date(2031, 11, 23)
    assert content.expiry_date(date(2028, 2, 29), 5) == date(2033, 2, 28)
    settings = Settings()
    assert content.validity_years(settings) == 5
    settings.extra["card_validity_years"] = 3
    if hasattr(settings, "card_validity_years"):
        settings.card_validity_years = 3
    assert content.validity_years(settings) == 3


def test_machine_line_is_ocr_safe_and_checked():
    line = content.machine_line(make_card_number("SBH", 12, 345), "119520304567", date(2031, 11, 23))
    assert line.startswith("IFC<SBH012000345") and "<119520304567<311123<" in line
    assert set(line) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
    assert mod97_valid(line.replace("<", ""))
    wrong = line.replace("119520304567", "119520304576")
    assert not mod97_valid(wrong.replace("<", ""))


def test_relation_words_and_office_names():
    assert content.relation_label(Dependant(relation=Relation.SPOUSE, sex=Sex.MALE)) == "زوج"
    assert content.relation_label(Dependant(relation=Relation.SPOUSE, sex=Sex.FEMALE)) == "زوجة"
    assert content.relation_label(Dependant(relation=Relation.DAUGHTER)) == "ابنة"
    assert content.relation_label(Dependant(relation=Relation.OTHER)) == ""
    settings = Settings(office_code="GHT", extra={"office_phone": "0724-000000"})
    assert content.office_info("GHT", settings).name_ar == "مكتب غات"
    assert content.office_info("GHT", settings).phone == "0724-000000"
    assert content.office_info("TRG", settings).phone == ""  # another office's contact is not ours


def test_cards_for_principal_and_dependant_carry_signed_links():
    record = sample_record()
    signer = KeySigner("dev-1", Ed25519PrivateKey.generate())
    settings = Settings(office_code="BRK")
    principal = content.card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer,
                                             issued_on=date(2026, 1, 10))
    spouse = content.card_for_dependant(record, record.dependants[0], office=SAMPLE_OFFICE, settings=settings,
                                        signer=signer, issued_on=date(2026, 1, 10))
    assert principal.expires_on == date(2031, 1, 10) and not principal.is_dependant
    claims = decode_payload(spouse.qr_text)[0]
    assert claims.principal_card_number == record.card_number and claims.card_number == spouse.card_number
    assert verify_payload(spouse.qr_text, {"dev-1": signer.private_key.public_key()}, today=date(2026, 2, 1)).valid
    record.card_number = ""
    with pytest.raises(FundError):
        content.card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer)


def test_receipt_rows():
    record = sample_record()
    data = content.receipt_for(record, office=SAMPLE_OFFICE, settings=Settings(), operator="clerk7")
    rows = dict(data.rows())
    assert rows["رقم البطاقة"] == record.card_number and rows["عدد التابعين"] == "1"
    assert rows["الموظف"] == "clerk7"
    # The record's internal id (a UUID) never reaches a beneficiary's paper.
    assert "رقم القيد" not in rows and record.record_id not in {value for _, value in data.rows()}


def test_lost_card_gets_a_new_number_and_revokes_the_old():
    old = make_card_number("BRK", 2, 10)
    drawn = []

    def next_number():
        drawn.append(make_card_number("BRK", 2, 11 + len(drawn)))
        return drawn[-1]

    at = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    result = reissue_card(old, ReissueReason.LOST, by="clerk1", next_number=next_number, at=at, note="بلاغ")
    assert result.card_number == drawn[0] != old
    assert result.revocation == CardRevocation(old, drawn[0], ReissueReason.LOST, at, "clerk1", "بلاغ")
    assert CardRevocation.from_dict(json.loads(json.dumps(result.revocation.to_dict()))) == result.revocation
    # A misprint never left the office: same number, nothing revoked, no sequence used.
    reprint = reissue_card(old, "misprint", by="clerk1", next_number=next_number)
    assert reprint.card_number == old and reprint.revocation is None and len(drawn) == 1
    with pytest.raises(FundError):
        reissue_card(old, ReissueReason.DAMAGED, by=" ", next_number=next_number)
    with pytest.raises(FundError):
        reissue_card(old, ReissueReason.STOLEN, by="clerk1", next_number=lambda: old)


def test_device_identity_before_and_after_enrolment(tmp_path):
    from fundclient.sync.device import ensure_signing_key, save_enrolment

    data_dir = tmp_path / "data"
    settings = Settings(office_code="QRQ")
    settings.extra["device_number"] = 950
    if hasattr(settings, "provisional_device_number"):
        settings.provisional_device_number = 950
    settings.save(data_dir)
    # Before enrolment: provisional number and id, the device's own key.
    signer = identity.device_signer(data_dir)
    assert signer.device_id == "QRQ-950"
    assert parse(identity.card_number_maker(data_dir, settings)(7)).device_number == 950
    public = ensure_signing_key(data_dir)
    assert signer.private_key.public_key().public_bytes_raw() == public
    # After enrolment: HQ's device id and number, same key.
    save_enrolment(data_dir, {"device_id": "dev-qrq-3", "device_number": 3, "office_code": "QRQ",
                              "hq_url": "https://hq.invalid", "hq_encryption_keys": {}, "hq_active_key_id": "",
                              "hq_signing_keys": {}})
    enrolled = identity.device_signer(data_dir)
    assert enrolled.device_id == "dev-qrq-3"
    assert enrolled.private_key.public_key().public_bytes_raw() == public
    assert identity.card_number_maker(data_dir, settings)(7) == make_card_number("QRQ", 3, 7)
    assert list(identity.own_device_keys(data_dir)) == ["dev-qrq-3"]


def test_no_provisional_number_means_no_cards_before_enrolment(tmp_path):
    settings = Settings(office_code="QRQ")
    if hasattr(settings, "provisional_device_number"):
        settings.provisional_device_number = 0
    with pytest.raises(FundError) as info:
        identity.card_number_maker(tmp_path, settings)
    assert "900-999" in info.value.message.en


def test_verify_card_refuses_a_card_on_the_pulled_revocation_list(tmp_path, capsys):
    """Offline check against HQ's revoked list (DATA_DIR/reference, filled by the sync pull)."""
    from cryptography.hazmat.primitives import serialization

    from fundclient.cards.payload import make_claims, sign_payload
    from fundclient.cli import main
    from fundclient.sync.reference import ReferenceStore

    signer = KeySigner("dev-9", Ed25519PrivateKey.generate())
    old, new = make_card_number("GHT", 4, 50), make_card_number("GHT", 4, 51)
    claims = make_claims(card_number=old, national_number="119520304567", first_name="علي", family_name="التارقي",
                         full_name="علي محمد التارقي", date_of_birth=None, issued_on=date.today(),
                         expires_on=date(date.today().year + 5, 1, 1), device_id="dev-9")
    text = sign_payload(claims, signer)
    devices = tmp_path / "devices.json"
    devices.write_text(json.dumps({"dev-9": signer.private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()}))
    data_dir = tmp_path / "data"
    args = ["--data-dir", str(data_dir), "verify-card", text, "--devices", str(devices)]
    assert main(args) == 0
    capsys.readouterr()

    revocation = reissue_card(old, ReissueReason.LOST, by="clerk1", next_number=lambda: new).revocation
    item = revocation.to_outbox_item(record_id="r-1")
    assert item["card_number"] == old and item["replacement_card_number"] == new and item["reason"] == "lost"
    # What HQ sends back in the next pull after ingesting that item (hq.refdata.revoke_card):
    ReferenceStore(data_dir).apply({"token": 1, "changes": [
        {"kind": "revoked_card", "key": item["card_number"], "data": {"reason": item["reason"]}, "deleted": False}]})
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out and "revoked (lost)" in out and "dev-9" in out
