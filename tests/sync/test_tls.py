"""TLS is always verified: HQ's own certificate in `ca_bundle` (a pin) works; without it, or
with another certificate, the client refuses to talk (offline), never falls back to plain."""

from __future__ import annotations

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fundclient.config import Settings
from fundclient.errors import SyncError
from fundclient.hq.devices import create_token
from fundclient.hq.server import start_in_thread
from fundclient.sync.engine import run_sync
from fundclient.sync.enrol import enrol
from fundclient.sync.outbox import Outbox

from sync_helpers import people


def _self_signed(folder, name="127.0.0.1"):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def test_pinned_certificate_required(hq_dir, data_dir, tmp_path):
    cert, key = _self_signed(tmp_path / "tls")
    other_cert, _ = _self_signed(tmp_path / "other")
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
