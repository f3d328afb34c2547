"""Connectivity probe: online means "HQ signed our fresh nonce", not "some server said 200".
A captive portal or a hotel proxy answers every request; it cannot sign with HQ's key."""

from __future__ import annotations

import secrets

import requests

from fundclient.sync.ack import verify_probe
from fundclient.sync.device import Device
from fundclient.sync.http import TransportOptions


def probe(session: requests.Session, base_url: str, device: Device,
          options: TransportOptions = TransportOptions(connect_timeout=10, read_timeout=20)) -> bool:
    nonce = secrets.token_hex(16)
    try:
        response = session.get(f"{base_url.rstrip('/')}/api/v1/probe", params={"nonce": nonce},
                               timeout=options.timeout, allow_redirects=False)
        return response.status_code == 200 and verify_probe(response.json(), nonce, device.hq_signing_keys)
    except (requests.RequestException, ValueError):
        return False
