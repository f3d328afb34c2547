"""HQ's check of a request an office device signed (sync.device_requests): within the replay
window, from an enrolled device that is not revoked, signature over the claim good."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.engine import Engine

from fundclient.hq.db import devices
from fundclient.sync.device_requests import REQUEST_WINDOW, claim
from fundclient.sync.keys import verify_signature


def check_request(engine: Engine, context: bytes, device_id: str, fields: tuple, at: int, signature: bytes):
    """The device's row (device_id, office_code) when the request is good, else None."""
    if abs(time.time() - at) > REQUEST_WINDOW:
        return None
    with engine.connect() as conn:
        device = conn.execute(select(devices.c.device_id, devices.c.office_code, devices.c.revoked_at,
                                     devices.c.public_key).where(devices.c.device_id == device_id)).first()
    if device is None or device.revoked_at is not None:
        return None
    if not verify_signature(bytes(device.public_key), signature, claim(context, device_id, fields, at)):
        return None
    return device
