"""What goes on a card and a receipt: plain data built from a record (no Qt).

The renderers (`cards.render`, `cards.receipt`) only draw a `CardData` / `ReceiptData`;
every wording and every derived value (expiry, QR text, machine-readable line) is made here,
so tests and the CLI can check them without painting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from fundclient.domain.card_numbers import mod97_check, parse as parse_card_number
from fundclient.cards.payload import Signer, make_claims, sign_payload
from fundclient.config import Settings
from fundclient.domain import display
from fundclient.domain.reference import default_reference, label_message
from fundclient.domain.records import Beneficiary, Dependant, Photo, Relation, Sex
from fundclient.errors import FundError, Message

DEFAULT_VALIDITY_YEARS = 5

# The fund's printed documents — the card, the registration receipt, the day-close report —
# are Arabic whatever the screen's language (docs/decisions/printed-documents-arabic.md). Their
# texts are catalogue entries like every other string (English msgids, context DOCUMENT), shown
# in this language by `printed`.
DOCUMENT_LANGUAGE = "ar"
DOCUMENT = "printed document"


def printed(message: Message) -> str:
    """A catalogue text as the printed documents show it (in DOCUMENT_LANGUAGE)."""
    return message.text(DOCUMENT_LANGUAGE)


CARD_TITLE = Message("Insurance card", context=DOCUMENT)
DEPENDANT_MARK = Message("Dependant", context=DOCUMENT)
# What the photo box says when there is no photo (never an empty box): the approved photo
# exception's reason, or plainly that the card has no photo (docs/cards.md).
PHOTO_EXCEPTION_MARK = Message("Photo exception", context=DOCUMENT)
NO_PHOTO_MARK = Message("No photo", context=DOCUMENT)
HUSBAND = Message("Husband", context=DOCUMENT)
WIFE = Message("Wife", context=DOCUMENT)

LABELS = {
    "national_number": Message("National number", context=DOCUMENT),
    "card_number": Message("Card number", context=DOCUMENT),
    "date_of_birth": Message("Date of birth", context=DOCUMENT),
    "office": Message("Office", context=DOCUMENT),
    "issued_on": Message("Issued on", context=DOCUMENT),
    "expires_on": Message("Expires on", context=DOCUMENT),
    "principal_card": Message("Beneficiary's card", context=DOCUMENT),
}
TERMS_TITLE = Message("Terms of use", context=DOCUMENT)
TERMS = [
    Message("This card is personal; nobody but its holder may use it.", context=DOCUMENT),
    Message("Show the card with proof of identity when asking for care at the health facilities "
            "under contract with the fund.", context=DOCUMENT),
    Message("Tell the nearest fund office at once if the card is lost or damaged.", context=DOCUMENT),
    Message("The card belongs to the fund and goes back to it when the cover ends.", context=DOCUMENT),
]
RETURN_TO = Message("If you find this card, please hand it to {office} or to the nearest fund office",
                    context=DOCUMENT)
CONTACT = Message("Office phone: {phone}   Address: {address}", context=DOCUMENT)
CONTACT_PLACEHOLDER = "...................."

NO_CARD_NUMBER = Message("No card number has been assigned yet")


class CardContentError(FundError):
    """The record lacks what a card needs."""


@dataclass(frozen=True)
class OfficeInfo:
    """The issuing office as printed (its name in the documents' language: Brak office)."""

    code: str
    name_ar: str
    phone: str = ""
    address: str = ""


@dataclass
class CardData:
    fund_name: str
    office: OfficeInfo
    card_number: str
    full_name: str
    latin_name: str
    national_number: str
    date_of_birth: date | None
    issued_on: date
    expires_on: date
    qr_text: str
    photo: bytes | None = None
    photo_note: str = ""  # printed in the photo box when there is no photo (a photo exception)
    logo_path: str = ""
    principal_card_number: str = ""  # set on a dependant's card
    relation: str = ""  # a dependant's relation to the principal, as printed
    category: str = ""  # the beneficiary category's name as printed (Retirees)
    machine_line: str = ""
    terms: list[str] = field(default_factory=lambda: [printed(t) for t in TERMS])

    @property
    def is_dependant(self) -> bool:
        return bool(self.principal_card_number)

    def return_to(self) -> str:
        return printed(RETURN_TO.format(office=Message.plain(self.office.name_ar)))

    def contact(self) -> str:
        return printed(CONTACT.format(phone=Message.plain(self.office.phone or CONTACT_PLACEHOLDER),
                                      address=Message.plain(self.office.address or CONTACT_PLACEHOLDER)))


def validity_years(settings: Settings) -> int:
    """Years a card is valid: the `card_validity_years` setting (kept in `extra` until Settings has it)."""
    value = getattr(settings, "card_validity_years", None) or settings.extra.get("card_validity_years")
    return int(value or DEFAULT_VALIDITY_YEARS)


def expiry_date(issued_on: date, years: int) -> date:
    try:
        return issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February -> 28 February
        return issued_on.replace(year=issued_on.year + years, day=28)


def format_date(value: date | None) -> str:
    """Day/month/year as on Libyan documents, digits by the office's display rule
    (domain.display, the same rule as the screens); "—" when unknown."""
    return display.rule().date(value, DOCUMENT_LANGUAGE) if value else "—"


def display_digits(text: str) -> str:
    """A number printed for people (national number, counts) by the display rule. Card numbers,
    the QR code and the machine-readable line stay Western: clinics type and scan them."""
    return display.rule().digits(text, DOCUMENT_LANGUAGE)


def machine_line(card_number: str, national_number: str, expires_on: date) -> str:
    """One OCR-friendly line for the back: IFC<card<national<expiry YYMMDD<check.

    Only [A-Z0-9<]; the two check digits are MOD 97-10 over the line without '<'.
    """
    national = "".join(ch for ch in national_number if ch.isascii() and ch.isalnum()).upper()
    body = f"IFC<{parse_card_number(card_number).compact}<{national}<{expires_on:%y%m%d}"
    return f"{body}<{mod97_check(body.replace('<', ''))}"


def relation_label(dependant: Dependant) -> str:
    """The relation as printed next to "Dependant": husband/wife by sex, else the reference list's word."""
    if dependant.relation == Relation.SPOUSE:
        return printed(HUSBAND if dependant.sex == Sex.MALE else WIFE)
    if dependant.relation == Relation.OTHER:
        return ""  # "Dependant" alone says it
    item = default_reference().item("relations", dependant.relation.value)
    return item.label(DOCUMENT_LANGUAGE) if item else ""


def category_label(code: str) -> str:
    spec = default_reference().category_spec(code) if code else None
    return label_message(spec).template(DOCUMENT_LANGUAGE) if spec else ""


def office_info(code: str, settings: Settings | None = None) -> OfficeInfo:
    """The office as printed: Arabic name from the reference data, contact from the settings
    (`extra["office_phone"]`, `extra["office_address"]`) when this is the device's own office."""
    item = default_reference().item("offices", code)
    extra = settings.extra if settings and settings.office_code == code else {}
    return OfficeInfo(code=code, name_ar=item.label(DOCUMENT_LANGUAGE) if item else code, phone=str(extra.get("office_phone", "")),
                      address=str(extra.get("office_address", "")))


def card_for_beneficiary(record: Beneficiary, *, office: OfficeInfo, settings: Settings, signer: Signer,
                         photo: Photo | bytes | None = None, issued_on: date | None = None,
                         logo_path: str = "") -> CardData:
    """The principal's card: signs the QR payload with `signer` (the issuing device)."""
    return _card(
        card_number=record.card_number, full_name=record.name.full(), first=record.name.first,
        family=record.name.family, latin_name=record.latin_name, national_number=record.national_number,
        date_of_birth=record.date_of_birth, principal="", relation="", category=record.category, office=office,
        settings=settings, signer=signer, photo=photo, issued_on=issued_on, logo_path=logo_path,
        photo_note=record.photo_exception.short(DOCUMENT_LANGUAGE) if record.photo_exception is not None else "")


def card_for_dependant(record: Beneficiary, dependant: Dependant, *, office: OfficeInfo, settings: Settings,
                       signer: Signer, photo: Photo | bytes | None = None, issued_on: date | None = None,
                       logo_path: str = "") -> CardData:
    """A dependant's card: own number, marked "Dependant", showing the principal's card number."""
    if not record.card_number:
        raise CardContentError(NO_CARD_NUMBER, code="card_content")
    return _card(
        card_number=dependant.card_number, full_name=dependant.name.full(), first=dependant.name.first,
        family=dependant.name.family, latin_name="", national_number=dependant.national_number,
        date_of_birth=dependant.date_of_birth, principal=record.card_number,
        relation=relation_label(dependant), category=record.category, office=office, settings=settings,
        signer=signer, photo=photo, issued_on=issued_on, logo_path=logo_path)


def _card(*, card_number, full_name, first, family, latin_name, national_number, date_of_birth, principal,
          relation, category, office, settings, signer, photo, issued_on, logo_path, photo_note="") -> CardData:
    if not card_number:
        raise CardContentError(NO_CARD_NUMBER, code="card_content")
    issued_on = issued_on or date.today()
    expires_on = expiry_date(issued_on, validity_years(settings))
    claims = make_claims(
        card_number=card_number, national_number=national_number, first_name=first, family_name=family,
        full_name=full_name, date_of_birth=date_of_birth, issued_on=issued_on, expires_on=expires_on,
        device_id=signer.device_id, principal_card_number=principal)
    return CardData(
        fund_name=settings.fund_name, office=office, card_number=claims.card_number, full_name=full_name,
        latin_name=latin_name, national_number=national_number, date_of_birth=date_of_birth,
        issued_on=issued_on, expires_on=expires_on, qr_text=sign_payload(claims, signer),
        photo=photo.data if isinstance(photo, Photo) else photo, photo_note=photo_note, logo_path=logo_path,
        principal_card_number=claims.principal_card_number, relation=relation, category=category_label(category),
        machine_line=machine_line(claims.card_number, national_number, expires_on))


# --- registration receipt -------------------------------------------------------------------

RECEIPT_TITLE = Message("Registration receipt", context=DOCUMENT)
RECEIPT_LABELS = {
    "name": Message("Beneficiary's name", context=DOCUMENT),
    "national_number": LABELS["national_number"],
    "card_number": LABELS["card_number"],
    "registered_at": Message("Registered on", context=DOCUMENT),
    "office": LABELS["office"],
    "operator": Message("Clerk", context=DOCUMENT),
    "dependants": Message("Number of dependants", context=DOCUMENT),
}
RECEIPT_DEPENDANT = Message("Dependant ({relation})", context=DOCUMENT)
RECEIPT_DEPENDANT_CARD = Message("Dependant's card number", context=DOCUMENT)
RECEIPT_FOOTER = Message("The electronic system — {fund}", context=DOCUMENT)
BRING_NEXT_TIME_TITLE = Message("Please bring the following at your next visit:", context=DOCUMENT)
BRING_NEXT_TIME = [
    Message("This receipt", context=DOCUMENT),
    Message("Identity card or passport", context=DOCUMENT),
    Message("Pension number statement (retirees)", context=DOCUMENT),
    Message("The national number and a recent photograph of every dependant not yet registered",
            context=DOCUMENT),
]


@dataclass
class ReceiptDependant:
    name: str
    relation: str
    card_number: str


@dataclass
class ReceiptData:
    fund_name: str
    office: OfficeInfo
    beneficiary_name: str
    national_number: str
    record_id: str
    card_number: str
    registered_at: datetime
    operator: str
    dependants: list[ReceiptDependant] = field(default_factory=list)
    bring_next_time: list[str] = field(default_factory=lambda: [printed(m) for m in BRING_NEXT_TIME])

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) in print order; values are plain text, Latin or Arabic. The record's
        internal id (a UUID) is not printed: the card number is the beneficiary's reference."""
        return [
            (printed(RECEIPT_LABELS["name"]), self.beneficiary_name),
            (printed(RECEIPT_LABELS["national_number"]), display_digits(self.national_number) or "—"),
            (printed(RECEIPT_LABELS["card_number"]), self.card_number or "—"),
            (printed(RECEIPT_LABELS["registered_at"]), display.rule().datetime(self.registered_at, DOCUMENT_LANGUAGE)),
            (printed(RECEIPT_LABELS["office"]), self.office.name_ar),
            (printed(RECEIPT_LABELS["operator"]), self.operator or "—"),
            (printed(RECEIPT_LABELS["dependants"]), display_digits(str(len(self.dependants)))),
        ]


def receipt_for(record: Beneficiary, *, office: OfficeInfo, settings: Settings, operator: str = "",
                registered_at: datetime | None = None) -> ReceiptData:
    return ReceiptData(
        fund_name=settings.fund_name, office=office, beneficiary_name=record.name.full(),
        national_number=record.national_number, record_id=record.record_id, card_number=record.card_number,
        registered_at=registered_at or record.created_at, operator=operator or record.created_by,
        dependants=[ReceiptDependant(d.name.full(), relation_label(d), d.card_number) for d in record.dependants])

