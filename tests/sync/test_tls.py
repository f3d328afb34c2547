"""TLS is always verified: HQ's own certificate in `ca_bundle` (a pin) works; without it, or
with another certificate, the client refuses to talk (offline), never falls back to plain."""

from __future__ import annotations

import pytest

from fundclient.config import Settings
from fundclient.errors import SyncError
from fundclient.hq.devices import create_token
from fundclient.hq.server import start_in_thread
from fundclient.sync.engine import run_sync
from fundclient.sync.enrol import enrol
from fundclient.sync.outbox import Outbox

from hq_cluster import self_signed
from sync_helpers import people


def test_pinned_certificate_required(hq_dir, data_dir, tmp_path):
    cert, key = self_signed(tmp_path / "tls")
    other_cert, _ = self_signed(tmp_path / "other")
    server = start_in_thread(hq_dir, ssl_certfile=str(cert), ssl_keyfile=str(key))
    try:
        assert server.url.startswith("https://")
        token = create_token(server.ingestor.engine, "SBH", server.ingestor.keys.active_sign)
        with pytest.raises(SyncError):  # system trust store does not know HQ's certificate
            enrol(data_dir, server.url, token)
        settings = Settings.load(data_dir)
        settings.ca_bundle = str(cert)
        settings.save(data_dir)
        enrol(data_dir, server.url, token)
        Outbox(data_dir).seal([p.to_dict() for p in people(2)])
        settings = Settings.load(data_dir)
        settings.ca_bundle = str(other_cert)
        assert run_sync(data_dir, settings=settings).status == "offline"
        settings.ca_bundle = ""
        assert run_sync(data_dir, settings=settings).status == "offline"
        settings.ca_bundle = str(cert)
        assert run_sync(data_dir, settings=settings).status == "ok"
    finally:
        server.stop()
