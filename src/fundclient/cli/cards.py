"""`fundclient card` (PDF/PNG/print a card and the registration receipt) and `fundclient verify-card`.

Qt is imported inside the handlers only: `verify-card` and `--help` work without PySide6.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from fundclient import drive
from fundclient.cli.output import done, partly
from fundclient.cli.parser import N_
from fundclient.cli.storage import open_store_from_args  # the same login as the storage commands
from fundclient.config import Settings
from fundclient.cards.qr_read import MAX_IMAGE_BYTES, qr_texts_from_file
from fundclient.errors import FundError, Message, SyncError
from fundclient.domain.records import Beneficiary

NEEDS_RECORD = Message("Give the record: a record id, --from-json or --sample")
NEEDS_OUTPUT = Message("Say what to produce: --pdf, --png, --receipt or --print")
NEEDS_DEVICE_ID = Message("--key needs --device-id")
NO_QR_FOUND = Message("No QR code found in {file}")
NEEDS_QT = Message("Drawing cards needs the GUI extra (PySide6): pip install 'fundclient[gui]'")
CARDS_MADE = Message("{count} card(s) made (principal's card {number}).")
CARDS_CHECKED = Message("{count} card(s) checked: {valid} valid, {invalid} not valid.")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}
BAD_JSON_FILE = Message("{file} is not valid JSON of the expected layout")
BAD_KEY_FILE = Message("{file} is not a valid private key (PEM)")
# Every file a person names here is read the hostile way (fundclient.drive), within these sizes.
MAX_SMALL_FILE_BYTES = 4 * 1024 * 1024


def register(sub) -> None:
    p = sub.add_parser("card", help=N_("make a beneficiary's insurance card (PDF, PNG, printer) and receipt"))
    p.add_argument("record_id", nargs="?", help=N_("record id in the local database (needs --user)"))
    p.add_argument("--from-json", help=N_("a Beneficiary as JSON (Beneficiary.to_dict()) instead of the database"))
    p.add_argument("--sample", action="store_true", help=N_("a made-up beneficiary with a very long name (demo)"))
    p.add_argument("--photo", help=N_("portrait JPEG/PNG (default: the record's photo in the database)"))
    p.add_argument("--pdf", help=N_("write front and back of every card to this PDF"))
    p.add_argument("--png", help=N_("write PREFIX_front.png / PREFIX_back.png (300 dpi) of the principal's card"))
    p.add_argument("--receipt", help=N_("write the registration receipt to this PDF (or .png, 150 dpi)"))
    p.add_argument("--receipt-paper", help=N_("A4, A5 or 80mm (default: the receipt_format setting)"))
    p.add_argument("--print", dest="printer", nargs="?", const="", default=None,
                   help=N_("print on this printer (no name: the card_printer setting, else the default)"))
    p.add_argument("--no-dependants", action="store_true", help=N_("only the principal's card"))
    p.add_argument("--key", help=N_("Ed25519 private key (PEM) to sign with instead of this device's key"))
    p.add_argument("--device-id", help=N_("device id that goes with --key"))
    p.add_argument("--logo", help=N_("logo image (default: settings extra.logo_path)"))
    p.add_argument("--issued", type=date.fromisoformat, help=N_("issue date YYYY-MM-DD (default: today)"))
    p.add_argument("--user", help=N_("operator user name: reads RECORD_ID from the database, and the password "
                                  "unlocks this device's signing key (needed to sign with it)"))
    p.add_argument("--password-file", help=N_("file holding the operator's password (else a prompt)"))
    p.set_defaults(handler=cmd_card)

    p = sub.add_parser("verify-card", help=N_("check a card's QR code offline (image, PDF or the QR text)"))
    p.add_argument("source", metavar="FILE_OR_TEXT", help=N_("PNG/JPG/PDF of the card, a .txt file, or the QR text"))
    p.add_argument("--devices", help=N_("HQ's signed devices list (`fundclient hq devices --export FILE`) or a JSON of "
                                     "device ids and public keys; added to this device's own key and the devices "
                                     "list pulled from HQ with the reference data"))
    p.add_argument("--json", action="store_true", help=N_("machine-readable output"))
    p.set_defaults(handler=cmd_verify_card)


# --- fundclient card -------------------------------------------------------------------

def load_record(args: argparse.Namespace):
    """(Beneficiary, photo bytes | None) from --sample, --from-json (+ --photo) or the local database."""
    photo = drive.read_user_file(args.photo, MAX_IMAGE_BYTES) if args.photo else None
    if args.sample:
        from fundclient.cards.sample import sample_record, silhouette_photo  # lazy: start-up (cryptography)

        return sample_record(), photo or silhouette_photo()
    if args.from_json:
        data = drive.read_user_file(args.from_json, MAX_SMALL_FILE_BYTES)
        try:
            return Beneficiary.from_dict(json.loads(data.decode("utf-8"))), photo
        except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            raise FundError(BAD_JSON_FILE.format(file=drive.display_name(args.from_json)), code="bad_file") from None
    if not args.record_id or not args.user:
        raise FundError(NEEDS_RECORD, code="usage")
    from fundclient.storage.beneficiaries import BeneficiaryRepository  # lazy: start-up (rapidfuzz, SQLAlchemy)

    store, _operator = open_store_from_args(args)
    try:
        repo = BeneficiaryRepository(store)
        record = repo.get(args.record_id)
        clerk = store.operators.get(record.created_by) if record.created_by else None
        args.registered_by = (clerk.full_name if clerk is not None else "") or record.created_by  # a name, not a login
        if photo is None:
            stored = repo.photo(args.record_id)
            photo = stored.data if stored else None
    finally:
        store.close()
    return record, photo


def load_signer(args: argparse.Namespace):
    """--key/--device-id when given, a throwaway demo key for --sample, else this device's identity."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # lazy: start-up (cryptography)

    from fundclient.cards.identity import device_signer  # lazy: start-up (cryptography)
    from fundclient.cards.payload import KeySigner  # lazy: start-up (cryptography)

    if args.sample and not args.key:
        return KeySigner("DEMO", Ed25519PrivateKey.generate())
    if args.key:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key  # lazy: start-up (cryptography)

        if not args.device_id:
            raise FundError(NEEDS_DEVICE_ID, code="usage")
        try:
            key = load_pem_private_key(drive.read_user_file(args.key, MAX_SMALL_FILE_BYTES), password=None)
        except (ValueError, TypeError):
            raise FundError(BAD_KEY_FILE.format(file=drive.display_name(args.key)), code="bad_file") from None
        return KeySigner(args.device_id, key)
    from fundclient import device_key  # lazy: start-up (cryptography)

    if args.user and not device_key.is_unlocked(args.data_dir):
        # --from-json with --user: the operator's password unlocks the device key (a login, audited).
        store, _operator = open_store_from_args(args)
        store.close()
    return device_signer(args.data_dir)  # SyncError device_key_locked without a login: nothing is signed


def cmd_card(args: argparse.Namespace) -> int:
    if not any((args.pdf, args.png, args.receipt, args.printer is not None)):
        raise FundError(NEEDS_OUTPUT, code="usage")
    # The files the person named are read (and refused when hostile) before anything else,
    # so a bad file is reported the same way with or without the GUI extra.
    record, photo = load_record(args)
    signer = load_signer(args)
    try:
        from PySide6.QtGui import QGuiApplication  # lazy: Qt (the gui extra) only when used
    except ImportError:
        raise FundError(NEEDS_QT, code="usage") from None

    from fundclient.cards import content, printing, receipt, render  # lazy: Qt (the gui extra) only when used

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (kept alive)
    settings = Settings.load(args.data_dir)
    if args.sample:
        from fundclient.cards.sample import SAMPLE_OFFICE as office  # lazy: start-up (cryptography)
    else:
        office = content.office_info(record.office_code or settings.office_code, settings)
    logo = args.logo or str(settings.extra.get("logo_path", ""))
    common = dict(office=office, settings=settings, signer=signer, issued_on=args.issued, logo_path=logo)
    cards = [content.card_for_beneficiary(record, photo=photo, **common)]
    if not args.no_dependants:
        cards += [content.card_for_dependant(record, d, **common) for d in record.dependants if d.card_number]
    if args.pdf:
        print(render.card_pdf(cards, args.pdf))
    if args.png:
        for side in ("front", "back"):
            out = f"{args.png}_{side}.png"
            render.card_image(cards[0], side).save(out)
            print(out)
    if args.receipt:
        data = content.receipt_for(record, office=office, settings=settings,
                                   operator=getattr(args, "registered_by", ""))
        paper_name = args.receipt_paper or settings.receipt_format
        if args.receipt.lower().endswith(".png"):
            receipt.receipt_image(data, paper_name).save(args.receipt)
            print(args.receipt)
        else:
            print(receipt.receipt_pdf(data, args.receipt, paper_name))
    if args.printer is not None:
        printer = printing.card_printer(settings, args.printer or None)
        printing.print_cards(cards, printer, margins_mm=settings.card_margins_mm)
    return done(CARDS_MADE.format(count=len(cards), number=cards[0].card_number if cards else "—"))


# --- fundclient verify-card --------------------------------------------------------------

def _texts(source: str) -> list[str]:
    path = Path(source)
    if len(source) < 1024 and os.path.lexists(path):  # a named file (even a link or FIFO): read the hostile way
        if path.suffix.lower() in IMAGE_SUFFIXES | {".pdf"}:
            texts = qr_texts_from_file(path)
            if not texts:
                raise FundError(NO_QR_FOUND.format(file=path.name), code="no_qr")
            return texts
        return [drive.read_user_file(path, MAX_SMALL_FILE_BYTES).decode("utf-8", "replace").strip()]
    return [source.strip()]


UNCHECKED_DEVICES_LIST = Message("Note: HQ's signature on the devices list {file} was not checked (this PC "
                                 "is not enrolled with HQ).")


def _known_devices(args: argparse.Namespace):
    """(device id -> public key, device id -> day of revocation): this device's own key, HQ's
    devices list pulled with the reference data, and the `--devices` file (HQ's signed list —
    its signature checked against HQ's keys this PC trusts — or a plain {id: key} file)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # lazy: start-up (cryptography)

    from fundclient.cards.identity import own_device_keys  # lazy: start-up (cryptography)
    from fundclient.cards.payload import load_public_keys  # lazy: start-up (cryptography)

    keys, revoked = dict(own_device_keys(args.data_dir)), {}
    entries = dict(_pulled_devices(args.data_dir))
    if args.devices:
        doc = _read_devices_doc(Path(args.devices))
        if doc is None:
            keys.update(load_public_keys(Path(args.devices)))
        else:
            entries.update(_signed_devices(doc, args))
    for device_id, entry in entries.items():
        keys[device_id] = Ed25519PublicKey.from_public_bytes(entry.public_key)
        if entry.revoked_on is not None:
            revoked[device_id] = entry.revoked_on
    return keys, revoked


def _read_devices_doc(path: Path) -> dict | None:
    """HQ's signed devices list, or None for the older plain {id: key} form."""
    from fundclient.cards.payload import BAD_DEVICES_FILE, MAX_DEVICES_FILE_BYTES  # lazy: start-up (cryptography)
    from fundclient.sync.devices_list import is_devices_list  # lazy: start-up (cryptography)

    data = drive.read_user_file(path, MAX_DEVICES_FILE_BYTES)  # a link, FIFO, folder or oversize file: refused
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FundError(BAD_DEVICES_FILE.format(file=drive.display_name(str(path))), code="bad_file") from None
    return doc if is_devices_list(doc) else None


def _signed_devices(doc: dict, args: argparse.Namespace):
    from fundclient.sync.device import Device  # lazy: start-up (cryptography)
    from fundclient.sync.devices_list import parse_entries, verify_devices_list  # lazy: start-up (cryptography)

    try:
        hq_keys = Device.load(args.data_dir).hq_signing_keys
    except (SyncError, OSError, ValueError, KeyError):
        hq_keys = None
    if hq_keys is None:  # a clinic's PC: it trusts the file it was handed, and is told so
        note = UNCHECKED_DEVICES_LIST.format(file=drive.display_name(args.devices))
        print(note.in_language(args.lang) if getattr(args, "lang", None) else f"{note.ar}\n{note.en}",
              file=sys.stderr)
        return parse_entries(doc.get("devices"))
    return verify_devices_list(doc, hq_keys)  # SyncError not_hq: a forged or edited list is refused


def _pulled_devices(data_dir: Path):
    """HQ's devices list as this office last pulled it (empty before the first pull)."""
    if not (Path(data_dir) / "reference").is_dir():
        return {}
    from fundclient.sync.reference import ReferenceStore  # lazy: start-up (cryptography, requests)

    return ReferenceStore(data_dir).devices()


def _revoked_cards(data_dir: Path) -> dict[str, str]:
    """Revoked card numbers this device last pulled from HQ (empty before the first pull)."""
    if not (Path(data_dir) / "reference").is_dir():
        return {}
    from fundclient.sync.reference import ReferenceStore  # lazy: start-up (cryptography, requests)

    return ReferenceStore(data_dir).revoked_cards()


VERDICT_VALID, VERDICT_REVOKED_DEVICE, VERDICT_INVALID = (Message("VALID"), Message("REVOKED DEVICE"),
                                                         Message("INVALID"))
LABEL_STATUS, LABEL_REASON, LABEL_SIGNER = Message("Status"), Message("Reason"), Message("Signing device")
LABEL_CARD, LABEL_NATIONAL, LABEL_NAME = Message("Card number"), Message("National number"), Message("Name")
LABEL_BORN, LABEL_ISSUED, LABEL_EXPIRES = Message("Date of birth"), Message("Issued"), Message("Expires")
LABEL_PRINCIPAL = Message("Principal's card (dependant)")


def describe(result) -> list[tuple[Message, Message]]:
    """(label, value) lines for a verification result."""
    plain = Message.plain
    status = (VERDICT_VALID if result.valid else
              VERDICT_REVOKED_DEVICE if result.device_revoked else VERDICT_INVALID)
    lines = [(LABEL_STATUS, status)]
    if result.problem:
        lines.append((LABEL_REASON, result.problem))
    lines.append((LABEL_SIGNER, plain(result.device_id or "—")))
    claims = result.claims
    if claims:
        lines += [
            (LABEL_CARD, plain(claims.card_number)),
            (LABEL_NATIONAL, plain(claims.national_number or "—")),
            (LABEL_NAME, plain(claims.short_name)),
            (LABEL_BORN, plain(claims.date_of_birth.isoformat() if claims.date_of_birth else "—")),
            (LABEL_ISSUED, plain(claims.issued_on.isoformat())),
            (LABEL_EXPIRES, plain(claims.expires_on.isoformat())),
        ]
        if claims.is_dependant:
            lines.append((LABEL_PRINCIPAL, plain(claims.principal_card_number)))
    return lines


def _in(message: Message, languages: tuple[str, ...]) -> str:
    texts = [message.in_language(language) for language in languages]
    return texts[0] if len(set(texts)) == 1 else " / ".join(texts)


def cmd_verify_card(args: argparse.Namespace) -> int:
    from fundclient.cards.payload import verify_payload  # lazy: start-up (cryptography)

    keys, revoked_devices = _known_devices(args)
    revoked = _revoked_cards(args.data_dir)
    results = [verify_payload(text, keys, revoked=revoked, revoked_devices=revoked_devices)
               for text in _texts(args.source)]
    if args.json:
        print(json.dumps([{label.en: value.en for label, value in describe(r)} for r in results],
                         ensure_ascii=False, indent=1))
    else:
        languages = (args.lang,) if getattr(args, "lang", None) else ("ar", "en")
        for result in results:
            for label, value in describe(result):
                print(f"{_in(label, languages)}: {_in(value, languages)}")
    valid = sum(1 for r in results if r.valid)
    summary = CARDS_CHECKED.format(count=len(results), valid=valid, invalid=len(results) - valid)
    return done(summary, data_on_stdout=args.json) if results and valid == len(results) else \
        partly(summary, data_on_stdout=args.json)
