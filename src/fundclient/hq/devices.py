"""Enrolment tokens, device enrolment and revocation.

A token is `<secret>.<HQ signing key id>`: the secret is one-time and expires; the key id lets
the device check that the key set it receives really comes from the HQ that issued the token
(a man in the middle cannot sign with that key).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from fundclient.domain.card_numbers import HQ_DEVICE_NUMBERS
from fundclient.errors import Message, SyncError
from fundclient.hq.db import batches, changes, devices, enrol_tokens

BAD_TOKEN = Message("The enrolment token is invalid, already used, or expired.")
UNKNOWN_DEVICE = Message("No device with this id.")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(engine: Engine, office_code: str, signing_key_id: str, *, valid_hours: float = 72) -> str:
    """A one-time token for a device of this office (its canonical code; an unknown office is refused)."""
    from fundclient.hq.refdata import canonical_office  # lazy: start-up (11 more modules)

    office_code = canonical_office(engine, office_code)
    secret = secrets.token_urlsafe(24)
    while secret.startswith("-"):  # typed after `--token`: a leading "-" reads as an option
        secret = secrets.token_urlsafe(24)
    with engine.begin() as conn:
        conn.execute(insert(enrol_tokens).values(token_hash=_hash(secret), office_code=office_code,
                                                 expires_at=_now() + timedelta(hours=valid_hours)))
    return f"{secret}.{signing_key_id}"


OFFICE_FULL = Message("HQ has no device numbers left for this office.")


TOKEN_FOR_OTHER_OFFICE = Message("The enrolment token is for office '{token}' but the request comes from "
                                 "office '{request}': the token was not used.")


def enrol_device(engine: Engine, token: str, public_key: bytes, label: str = "", *,
                 office_code: str | None = None) -> dict:
    """Consume the token (once) and register the device; returns id, number and office. With
    `office_code` (a USB request names its office) a token of another office is refused
    without being used."""
    secret = token.split(".", 1)[0]
    with engine.begin() as conn:
        row = conn.execute(select(enrol_tokens).where(enrol_tokens.c.token_hash == _hash(secret))
                           .with_for_update()).first()
        expires = row.expires_at if row else None
        if expires is not None and expires.tzinfo is None:  # SQLite returns naive datetimes
            expires = expires.replace(tzinfo=timezone.utc)
        if row is None or row.used_at is not None or expires < _now() or len(public_key) != 32:
            raise SyncError(BAD_TOKEN, code="bad_token")
        if office_code is not None and office_code != row.office_code:
            raise SyncError(TOKEN_FOR_OTHER_OFFICE.format(token=row.office_code, request=office_code),
                            code="wrong_office")
        device_id = str(uuid.uuid4())
        number = (conn.execute(select(func.max(devices.c.device_number))
                               .where(devices.c.office_code == row.office_code)).scalar() or 0) + 1
        if number not in HQ_DEVICE_NUMBERS:  # 900-999 belong to PCs not yet enrolled
            raise SyncError(OFFICE_FULL, code="office_full")
        enrolled_at = _now()
        conn.execute(insert(devices).values(device_id=device_id, office_code=row.office_code, device_number=number,
                                            public_key=public_key, label=label[:200], enrolled_at=enrolled_at))
        _publish(conn, device_id)
        done = conn.execute(update(enrol_tokens).where(enrol_tokens.c.token_hash == row.token_hash,
                                                       enrol_tokens.c.used_at.is_(None))
                            .values(used_at=_now(), device_id=device_id))
        if done.rowcount != 1:  # another request used it in between
            raise SyncError(BAD_TOKEN, code="bad_token")
    return {"device_id": device_id, "device_number": number, "office_code": row.office_code}


def revoke_device(engine: Engine, device_id: str, reason: str = "") -> None:
    with engine.begin() as conn:
        done = conn.execute(update(devices).where(devices.c.device_id == device_id, devices.c.revoked_at.is_(None))
                            .values(revoked_at=_now(), revoke_reason=reason))
        if done.rowcount != 1:
            if conn.execute(select(devices.c.device_id).where(devices.c.device_id == device_id)).first() is None:
                raise SyncError(UNKNOWN_DEVICE, code="unknown_device")
            return  # revoked already: the first day of revocation stands
        _publish(conn, device_id)


# --- the signed devices list (sync/devices_list.py) ------------------------------------------

def _entry(row) -> dict:
    from fundclient.sync.devices_list import entry_data  # lazy: start-up (cryptography)

    return entry_data(public_key=bytes(row.public_key), office_code=row.office_code, device_number=row.device_number,
                      enrolled_at=_aware(row.enrolled_at), revoked_at=_aware(row.revoked_at))


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite returns naive datetimes
        value = value.replace(tzinfo=timezone.utc)
    return value


def _publish(conn, device_id: str) -> None:
    """Put the device's entry into the change log every office pulls with its reference data."""
    import json

    row = conn.execute(select(devices).where(devices.c.device_id == device_id)).first()
    conn.execute(insert(changes).values(kind="device", key=device_id, data=json.dumps(_entry(row)), deleted=False,
                                        at=_now()))


def publish_devices(engine: Engine) -> int:
    """Publish the devices whose entry the change log does not hold yet as it is now (devices
    enrolled or revoked by a version that did not publish them). Idempotent; run at HQ start."""
    import json

    with engine.begin() as conn:
        latest: dict[str, dict] = {}
        for key, data in conn.execute(select(changes.c.key, changes.c.data).where(changes.c.kind == "device")
                                      .order_by(changes.c.id)):
            latest[key] = json.loads(data)
        done = 0
        for row in conn.execute(select(devices)).all():
            if latest.get(row.device_id) != json.loads(json.dumps(_entry(row))):
                _publish(conn, row.device_id)
                done += 1
        return done


def devices_list(engine: Engine, hq_signing_private: dict[str, bytes]) -> dict:
    """Every device HQ ever enrolled (revoked ones with their day of revocation), signed by HQ."""
    from fundclient.sync.devices_list import sign_devices_list  # lazy: start-up (cryptography)

    with engine.connect() as conn:
        entries = {r.device_id: _entry(r) for r in conn.execute(select(devices).order_by(devices.c.device_id))}
    return sign_devices_list(entries, hq_signing_private, _now())


def list_devices(engine: Engine) -> list[dict]:
    """Devices with their batch counts; `missing` = sequence numbers below the highest one
    received that HQ has not seen (still on the device, in quarantine, or on a drive)."""
    with engine.connect() as conn:
        stats = {r.device_id: (r.count, r.last) for r in conn.execute(
            select(batches.c.device_id, func.count().label("count"), func.max(batches.c.seq).label("last"))
            .group_by(batches.c.device_id))}
        out = []
        for r in conn.execute(select(devices).order_by(devices.c.office_code, devices.c.device_number)):
            count, last = stats.get(r.device_id, (0, 0))
            out.append({"device_id": r.device_id, "office_code": r.office_code, "device_number": r.device_number,
                        "label": r.label, "enrolled_at": r.enrolled_at.isoformat(),
                        "revoked": r.revoked_at is not None, "batches": count, "last_seq": last,
                        "missing": last - count})
        return out
