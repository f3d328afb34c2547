"""`fundclient hq serve` as a real process: an office enrols, syncs, and HQ's export matches."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import requests

from fundclient.sync.engine import run_sync
from fundclient.sync.enrol import enrol
from fundclient.sync.outbox import Outbox

from sync_helpers import people, photos_for


def _db(url: str | None) -> list[str]:
    return ["--database-url", url] if url else []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_process_end_to_end(tmp_path, data_dir, hq_database_url):
    hq_dir = tmp_path / "hqdata"
    base = [sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir)]
    subprocess.run(base + ["init"], check=True, capture_output=True, timeout=120)
    token = subprocess.run(base + ["enroll-token", "--office", "GHT", *_db(hq_database_url)], check=True, capture_output=True, text=True,
                           timeout=120).stdout.strip()
    port = _free_port()
    db = _db(hq_database_url)
    server = subprocess.Popen([sys.executable, "-m", "fundclient", "hq", "serve", "--data-dir", str(hq_dir),
                               "--host", "127.0.0.1", "--port", str(port), *db],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(url + "/api/v1/keys", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        device = enrol(data_dir, url, token)
        assert device.office_code == "GHT"
        persons = people(5, office="GHT")
        Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons))
        assert run_sync(data_dir).status == "ok"
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = subprocess.run(base + ["export", "--format", "jsonl", *_db(hq_database_url)], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    held = [json.loads(line) for line in out.splitlines()]
    assert sorted(r["record_id"] for r in held) == sorted(p.record_id for p in persons)
    assert all(r["device_id"] == device.device_id and r["status"] == "accepted" for r in held)
    listed = json.loads(subprocess.run(base + ["devices", "--json", *_db(hq_database_url)], check=True, capture_output=True, text=True,
                                       timeout=120).stdout)
    assert listed[0]["device_number"] == 1 and not listed[0]["revoked"]
    assert (listed[0]["batches"], listed[0]["last_seq"], listed[0]["missing"]) == (1, 1, 0)
