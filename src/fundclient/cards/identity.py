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

from fundclient.domain.card_numbers import PROVISIONAL_DEVICE_NUMBERS, make_card_number
from fundclient.cards.payload import KeySigner
from fundclient.config import Settings
from fundclient.errors import FundError, Message, SyncError

NO_DEVICE_NUMBER = Message("This device is not enrolled with HQ and has no provisional device number "
                           "(900-999) from setup")


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
    from fundclient import device_key  # lazy: start-up (cryptography)
    from fundclient.sync.device import Device, ensure_signing_key  # lazy: start-up (cryptography)

    try:
        device_id = Device.load(Path(data_dir)).device_id
    except SyncError:
        device_id = provisional_device_id(settings or Settings.load(Path(data_dir)))
        ensure_signing_key(Path(data_dir))
    # Locked (SyncError device_key_locked) unless an operator logged in in this process.
    return KeySigner(device_id, Ed25519PrivateKey.from_private_bytes(device_key.private_key(Path(data_dir))))


def own_device_keys(data_dir: Path, settings: Settings | None = None) -> dict[str, Ed25519PublicKey]:
    """{device id: public key} of this device alone, for checking cards it printed (public key
    only: no password needed). Empty when this data dir has no device key or no device id."""
    from fundclient import device_key  # lazy: start-up (cryptography)
    from fundclient.sync.device import Device  # lazy: start-up (cryptography)

    public = device_key.public_key(Path(data_dir))
    if public is None:
        return {}
    try:
        device_id = Device.load(Path(data_dir)).device_id
    except SyncError:
        try:
            device_id = provisional_device_id(settings or Settings.load(Path(data_dir)))
        except FundError:
            return {}
    return {device_id: Ed25519PublicKey.from_public_bytes(public)}


def card_device_number(data_dir: Path, settings: Settings) -> int:
    from fundclient.sync.device import Device  # lazy: start-up (cryptography)

    try:
        return Device.load(Path(data_dir)).device_number
    except SyncError:
        return provisional_device_number(settings)


def card_number_maker(data_dir: Path, settings: Settings) -> Callable[[int], str]:
    """sequence -> card number of this device; fits BeneficiaryRepository.add(card_number_from=...).
    Each dependant needs its own number: one more value of the same "card" sequence each."""
    office, device_number = settings.office_code, card_device_number(data_dir, settings)
    return lambda sequence: make_card_number(office, device_number, sequence)
