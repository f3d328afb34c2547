"""`fundclient hq serve` as a real process: an office enrols, syncs, and HQ's export matches."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from fundclient.hq.keys import HQ_WRONG_PASSPHRASE
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
    token = subprocess.run(base + ["enrol-token", "--office", "GHT", *_db(hq_database_url)], check=True, capture_output=True, text=True,
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


def _workers_of(pid: int) -> list[int]:
    """The uvicorn worker processes (multiprocessing spawn children) of a server process."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_serve_with_two_workers_ingests_four_offices_at_once_exactly_once(tmp_path, hq_database_url):
    """`hq serve --workers 2` with passphrase-sealed keys: two server processes share the port
    (each opened the keys from the file itself), four offices upload at once, every record is
    held exactly once and every ack is signed by HQ."""
    import threading

    import hq_cluster
    from fundclient.hq.devices import create_token
    from fundclient.hq.db import open_engine
    from fundclient.hq.keys import HQKeys

    hq_dir = tmp_path / "hqdata"
    passphrase = tmp_path / "passphrase"
    passphrase.write_bytes(b"a long HQ passphrase\n")
    base = [sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "--passphrase-file", str(passphrase),
            *_db(hq_database_url)]
    subprocess.run(base + ["init"], check=True, capture_output=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(base + ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                                      "--no-access-log"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    engine = open_engine(hq_dir, hq_database_url)
    try:
        deadline = time.monotonic() + 120
        while len(_workers_of(server.pid)) < 2 or not _healthy(url):
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        assert len(_workers_of(server.pid)) == 2
        sign = HQKeys(hq_dir, b"a long HQ passphrase").active_sign
        sims = []
        for i in range(4):
            sim = hq_cluster.SimDevice(tmp_path / f"device{i}", hq_cluster.OFFICES[i], seed=700 + i, rate=1e12)
            sim.root.mkdir()
            enrol(sim.root, url, create_token(engine, sim.office, sign))
            sim.seal(30)
            sims.append(sim)
        threads = [threading.Thread(target=s.sync, args=(url, time.monotonic() + 300)) for s in sims]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [s.error for s in sims] == [None] * 4
        assert hq_cluster.unsigned_acks(sims) == []
        assert len(_workers_of(server.pid)) == 2  # neither worker died on the way
    finally:
        server.terminate()
        server.wait(timeout=30)
        engine.dispose()
    held = hq_cluster.hq_export(hq_dir, hq_database_url or f"sqlite:///{hq_dir / 'hq.db'}")
    assert hq_cluster.export_problems(held, sims) == []
    assert len(held) == 120


def test_serve_with_workers_and_a_wrong_passphrase_says_so_before_starting_any(tmp_path, hq_database_url):
    hq_dir = tmp_path / "hqdata"
    right, wrong = tmp_path / "right", tmp_path / "wrong"
    right.write_bytes(b"the right passphrase\n")
    wrong.write_bytes(b"not it\n")
    db = _db(hq_database_url)
    subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "--passphrase-file",
                    str(right), *db, "init"], check=True, capture_output=True, timeout=120)
    done = subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "--passphrase-file",
                           str(wrong), *db, "serve", "--port", str(_free_port()), "--workers", "2"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert "Traceback" not in said
    assert HQ_WRONG_PASSPHRASE.ar in said or HQ_WRONG_PASSPHRASE.en in said


def _healthy(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_console_pages_carry_the_security_headers_and_the_intake_none(tmp_path):
    """The console's headers come from a plain ASGI layer that only touches /console (the
    intake's uploads pass straight through it)."""
    from fundclient.hq.keys import init_keys
    from fundclient.hq.server import start_in_thread

    init_keys(tmp_path / "hq")
    server = start_in_thread(tmp_path / "hq")
    try:
        s = requests.Session()
        s.trust_env = False
        page = s.get(f"{server.url}/console/login", timeout=30)
        assert page.status_code == 200
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        assert (page.headers["X-Content-Type-Options"], page.headers["Referrer-Policy"],
                page.headers["X-Frame-Options"], page.headers["Cache-Control"]) == \
            ("nosniff", "no-referrer", "DENY", "no-store")
        style = s.get(f"{server.url}/console/static/console.css", timeout=30)
        assert style.status_code == 200 and "Content-Security-Policy" in style.headers
        assert style.headers.get("Cache-Control") != "no-store"
        intake = s.options(f"{server.url}/tus/", timeout=30)
        assert intake.status_code == 204 and "Content-Security-Policy" not in intake.headers
    finally:
        server.stop()



def test_a_server_process_collects_garbage_for_a_long_run(tmp_path):
    """`hq serve` (one process or each worker) runs `steady_gc` (and `prompt_threads`) once its app is built: start-up's
    objects frozen out of the collections, the youngest generation collected rarely (ingest's
    per-record containers are freed by reference counting; #11 item 7). Asked inside a process
    started as `python -m fundclient hq serve` is (its own thresholds), once it listens."""
    hq_dir = tmp_path / "hqdata"
    subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "init"], check=True,
                   capture_output=True, timeout=120)
    port = _free_port()
    code = ("import gc, json, os, runpy, socket, sys, threading, time\n"
            "def listening():\n"
            "    while True:\n"
            "        try:\n"
            f"            socket.create_connection(('127.0.0.1', {port}), timeout=1).close(); break\n"
            "        except OSError: time.sleep(0.05)\n"
            "    print(json.dumps([gc.get_threshold(), gc.get_freeze_count(), sys.getswitchinterval()]), flush=True)\n"
            "    os._exit(0)\n"
            "threading.Thread(target=listening, daemon=True).start()\n"
            f"sys.argv = ['fundclient', 'hq', 'serve', '--data-dir', {str(hq_dir)!r}, '--host', '127.0.0.1', "
            f"'--port', '{port}']\n"
            "runpy.run_module('fundclient', run_name='__main__', alter_sys=True)\n")
    after, frozen, switch = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                                      text=True, timeout=120).stdout.splitlines()[-1])
    assert after == [50_000, 20, 100] and frozen > 10_000  # FastAPI, SQLAlchemy, the app: frozen
    assert switch == 0.001  # the GIL handed over every millisecond (hq/server.py prompt_threads)
