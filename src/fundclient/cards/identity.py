"""Which device issues a card: its signer and its device number (no Qt).

After enrolment both come from `sync.device.Device` (HQ assigned the device id and a device
number unique within the office). Before enrolment an office can still issue cards: the
office admin gives the device a provisional number (900-999, setting `provisional_device_number`)
at setup, and the device signs with its own Ed25519 key (created by sync.device before
enrolment) under the id "<OFFICE>-<NNN>"; enrolment sends that public key to HQ, which can then
check those cards too. Card numbers already printed never change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fundclient.cards.numbers import PROVISIONAL_DEVICE_NUMBERS, make_card_number
from fundclient.cards.payload import KeySigner
from fundclient.config import Settings
from fundclient.errors import FundError, Message, SyncError

NO_DEVICE_NUMBER = Message(
    ar="هذا الجهاز غير مسجَّل لدى الإدارة العامة ولم يُحدَّد له رقم جهاز مؤقت (900-999) عند الإعداد",
    en="This device is not enrolled with HQ and has no provisional device number (900-999) from setup",
)


def provisional_device_number(settings: Settings) -> int:
    """The setup-time device number (setting `provisional_device_number`; older settings files:
    `extra["device_number"]`)."""
    value = int(getattr(settings, "provisional_device_number", 0) or settings.extra.get("device_number") or 0)
    if value not in PROVISIONAL_DEVICE_NUMBERS:
        raise FundError(NO_DEVICE_NUMBER, code="no_device_number")
    return value


def provisional_device_id(settings: Settings) -> str:
    return f"{settings.office_code}-{provisional_device_number(settings):03d}"


def device_signer(data_dir: Path, settings: Settings | None = None) -> KeySigner:
    """This device's signer: the enrolled device id, else the provisional id (see module doc)."""
    from fundclient.sync.device import Device, device_dir, ensure_signing_key
    from fundclient.sync.keys import read_private_key_file

    try:
        device = Device.load(Path(data_dir))
    except SyncError:
        device_id = provisional_device_id(settings or Settings.load(Path(data_dir)))
        ensure_signing_key(Path(data_dir))
        private = read_private_key_file(device_dir(Path(data_dir)) / "signing_key.json")[1]
        return KeySigner(device_id, Ed25519PrivateKey.from_private_bytes(private))
    return KeySigner(device.device_id, Ed25519PrivateKey.from_private_bytes(device.signing_private()))


def own_device_keys(data_dir: Path) -> dict[str, Ed25519PublicKey]:
    """{device id: public key} of this device alone, for checking cards it printed."""
    signer = device_signer(data_dir)
    return {signer.device_id: signer.private_key.public_key()}


def card_device_number(data_dir: Path, settings: Settings) -> int:
    from fundclient.sync.device import Device

    try:
        return Device.load(Path(data_dir)).device_number
    except SyncError:
        return provisional_device_number(settings)


def card_number_maker(data_dir: Path, settings: Settings) -> Callable[[int], str]:
    """sequence -> card number of this device; fits BeneficiaryRepository.add(card_number_from=...).
    Each dependant needs its own number: one more value of the same "card" sequence each."""
    office, device_number = settings.office_code, card_device_number(data_dir, settings)
    return lambda sequence: make_card_number(office, device_number, sequence)
