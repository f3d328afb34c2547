"""Connectivity probe: online means "HQ signed our fresh nonce", not "some server said 200".
A captive portal or a hotel proxy answers every request; it cannot sign with HQ's key."""

from __future__ import annotations

import secrets

import requests

from fundclient.sync.ack import verify_probe, verify_probe_standing
from fundclient.sync.device import Device
from fundclient.sync.http import TransportOptions


PROBE_OPTIONS = TransportOptions(connect_timeout=10, read_timeout=20)


def probe_status(session: requests.Session, base_url: str, device: Device,
                 options: TransportOptions = PROBE_OPTIONS) -> str:
    """"ok" (HQ signed our nonce), "unreachable" (no answer), or "not_hq" (something answered
    that cannot sign as HQ: captive portal, proxy login page, wrong server)."""
    nonce = secrets.token_hex(16)
    try:
        response = session.get(f"{base_url.rstrip('/')}/api/v1/probe", params={"nonce": nonce},
                               timeout=options.timeout, allow_redirects=False)
    except requests.RequestException:
        return "unreachable"
    try:
        ok = response.status_code == 200 and verify_probe(response.json(), nonce, device.hq_signing_keys)
    except ValueError:
        ok = False
    return "ok" if ok else "not_hq"


def probe(session: requests.Session, base_url: str, device: Device, options: TransportOptions = PROBE_OPTIONS) -> bool:
    return probe_status(session, base_url, device, options) == "ok"


def device_standing(session: requests.Session, base_url: str, device: Device,
                    options: TransportOptions = PROBE_OPTIONS) -> str | None:
    """HQ's signed word on this device: "active", "revoked" (HQ refuses its batches) or
    "unknown" (HQ never enrolled it); None when no answer signed by HQ came (offline, captive
    portal, an HQ too old to say). Used by `fundclient selftest`."""
    nonce = secrets.token_hex(16)
    try:
        response = session.get(f"{base_url.rstrip('/')}/api/v1/probe",
                               params={"nonce": nonce, "device": device.device_id},
                               timeout=options.timeout, allow_redirects=False)
        doc = response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return None
    return verify_probe_standing(doc, nonce, device.device_id, device.hq_signing_keys) if isinstance(doc, dict) else None
