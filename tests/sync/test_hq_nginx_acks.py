"""The signed ack through the deployed proxy (docs/hq-deploy/nginx-fundhq.conf, Debian's nginx with
TLS on 127.0.0.1 in front of a real HQ): an office that does not ask for the ack as the body gets
it in the `Fundclient-Ack` header, up to HQ's 16 KB — nginx's default room for a response's
headers (4 KB) answered 502 for any ack of more than ~25 registrations — and an office that asks
(`Prefer: return=representation`, the office's uploader) gets it as the body."""

from __future__ import annotations

import requests

from fundclient.config import Settings
from fundclient.hq.limits import Limits
from fundclient.hq.server import start_in_thread
from fundclient.sync.device import Device
from fundclient.sync.http import TransportOptions, make_session
from fundclient.sync.outbox import Outbox
from fundclient.sync.upload import BatchUploader

import hq_cluster
from sync_helpers import enrol_office, people, photos_for
from test_hq_abuse import TUS, _signed_meta
from test_hq_national_load import _need


def test_acks_pass_the_deployed_nginx_as_header_and_as_body(tmp_path, hq_dir, data_dir):
    _need("nginx")
    server = start_in_thread(hq_dir, limits=Limits(max_batch_bytes=8 * 1024 * 1024, rates=[]))
    cert, key = hq_cluster.self_signed(tmp_path / "tls")
    port = int(server.url.rsplit(":", 1)[1])
    proxy = hq_cluster.Nginx(tmp_path / "nginx", [port], cert, key).start()
    try:
        device = enrol_office(server, data_dir)
        settings = Settings.load(data_dir)
        settings.ca_bundle = str(cert)
        settings.save(data_dir)
        outbox = Outbox(data_dir)
        persons = people(140, seed=23)
        [older, newer] = (outbox.seal([p.to_dict() for p in persons[:70]], photos_for(persons[:70], size=1_000))
                          + outbox.seal([p.to_dict() for p in persons[70:]], photos_for(persons[70:], size=1_000)))
        # An office that does not ask: the ack (70 registrations, ~9 KB) in the header, through nginx.
        blob, batch_id = older.read_bytes(), older.stem.split("-", 1)[1]
        meta = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": _signed_meta(device, blob, batch_id)}
        assert requests.post(f"{proxy.url}/tus/", headers=meta, timeout=30, verify=str(cert)).status_code == 201
        done = requests.patch(f"{proxy.url}/tus/{batch_id}", data=blob, timeout=60, verify=str(cert),
                              headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
        assert done.status_code == 204, done.status_code
        assert 4_000 < len(done.headers["Fundclient-Ack"]) <= 16_000
        # The office's uploader asks for the body: creation, then one PATCH answered 200 with it.
        session = make_session(settings)
        asked: list[tuple[str, int]] = []
        session.hooks["response"].append(lambda r, *a, **k: asked.append((r.request.method, r.status_code)))
        ack = BatchUploader(session, proxy.url, outbox, Device.load(data_dir), TransportOptions()).attempt(newer)
        session.close()
        assert asked == [("POST", 201), ("PATCH", 200)]
        assert ack["batch_id"] == newer.stem.split("-", 1)[1] and len(ack["results"]) == 70
    finally:
        proxy.stop()
        server.stop()
