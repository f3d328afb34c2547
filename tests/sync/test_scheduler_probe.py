"""Probe (captive portal is not HQ), SyncScheduler (sync_now, connectivity return, progress,
history, stale check, no nightly schedule of its own), CLI `fundclient sync --json` exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fundclient.config import Settings
from fundclient.sync.device import Device
from fundclient.sync.engine import run_sync
from fundclient.sync.history import SyncHistory
from fundclient.sync.http import TransportOptions, make_session
from fundclient.sync.outbox import Outbox
from fundclient.sync.probe import probe
from fundclient.sync.scheduler import SyncScheduler

from netfaults import FaultProxy, Faults
from sync_helpers import enrol_office, people, photos_for

FAST = TransportOptions(connect_timeout=1, read_timeout=2, max_attempts=3, backoff_base=0.01, backoff_cap=0.05)


class _Portal(BaseHTTPRequestHandler):
    """A captive portal: 200 and a login page (or plausible JSON) for every request."""

    def do_GET(self):
        body = (json.dumps({"nonce": self.path.split("nonce=")[-1], "hq_time": "x", "sigs": {"0": "AAAA"}})
                if "probe" in self.path else "<html>login</html>").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_HEAD = do_PATCH = do_GET

    def log_message(self, *args):
        pass


def _set_url(data_dir, url):
    s = Settings.load(data_dir)
    s.hq_url = url
    s.save(data_dir)


def test_captive_portal_is_not_online(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    device = Device.load(data_dir)
    session = make_session(Settings.load(data_dir))
    assert probe(session, hq_sqlite.url, device, FAST)
    portal = ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{portal.server_address[1]}"
        assert not probe(session, url, device, FAST)
        Outbox(data_dir).seal([p.to_dict() for p in people(2)])
        _set_url(data_dir, url)
        summary = run_sync(data_dir, options=FAST)
        assert summary.status == "offline" and summary.batches_pending == 1
        assert SyncHistory(data_dir).last_error()["code"] == "not_hq"  # "perhaps a login portal"
        assert "بوابة" in SyncHistory(data_dir).last_error()["ar"]
    finally:
        portal.shutdown()


def test_scheduler_sync_now_progress_and_stale_check(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    persons = people(30)
    Outbox(data_dir).seal([p.to_dict() for p in persons], photos_for(persons))
    seen = []
    scheduler = SyncScheduler(data_dir, options=FAST, on_progress=lambda p: seen.append((p.bytes_sent, p.batches_done)),
                              probe_backoff=(60, 60))
    assert scheduler.is_stale() and scheduler.last_success_age_days() is None
    scheduler.start()
    try:
        summary = scheduler.sync_now(wait=True, timeout=60)
    finally:
        scheduler.stop()
    assert summary.status == "ok" and scheduler.pending_count() == 0
    assert seen and seen[-1][1] == summary.batches_acknowledged and seen[-1][0] > 0
    assert not scheduler.is_stale() and scheduler.last_success_age_days() < 0.01
    assert scheduler.last_error() is None


def test_scheduler_syncs_when_connectivity_returns(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    hq_port = int(hq_sqlite.url.rsplit(":", 1)[1])
    down = FaultProxy(hq_port, Faults(silent_probability=1.0))  # reachable socket, never answers
    _set_url(data_dir, down.url)
    Outbox(data_dir).seal([p.to_dict() for p in people(3)])
    settings = Settings.load(data_dir)
    finished = []
    scheduler = SyncScheduler(data_dir, settings, options=FAST, probe_backoff=(0.2, 0.5),
                              on_finished=finished.append)
    scheduler.start()
    try:
        scheduler.sync_now(wait=True, timeout=30)
        assert finished[-1].status == "offline"
        assert "Could not" in scheduler.last_error().en or scheduler.last_error().ar
        settings.hq_url = hq_sqlite.url  # the link comes back
        for _ in range(100):
            if finished[-1].status == "ok":
                break
            threading.Event().wait(0.1)
    finally:
        scheduler.stop()
        down.stop()
    assert finished[-1].status == "ok" and scheduler.pending_count() == 0


def test_cli_sync_json_exit_codes(hq_sqlite, data_dir):
    enrol_office(hq_sqlite, data_dir)
    Outbox(data_dir).seal([p.to_dict() for p in people(2)])
    cmd = [sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "sync", "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["batches_acknowledged"] == 1
    _set_url(data_dir, "http://127.0.0.1:9")  # nothing listens there
    Outbox(data_dir).seal([p.to_dict() for p in people(1, seed=3)])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and json.loads(done.stdout)["status"] == "offline"


def test_one_run_at_a_time_per_data_dir(hq_sqlite, data_dir):
    from fundclient.sync.runlock import sync_lock
    enrol_office(hq_sqlite, data_dir)
    Outbox(data_dir).seal([p.to_dict() for p in people(1)])
    with sync_lock(data_dir) as mine:
        assert mine
        busy = run_sync(data_dir, options=FAST)  # e.g. the OS-scheduled job while the app sends
        assert busy.status == "busy" and busy.batches_pending == 1
    assert run_sync(data_dir, options=FAST).status == "ok"


def test_the_app_keeps_no_nightly_schedule_the_os_task_sends(hq_sqlite, data_dir):
    """#16 item 6: one nightly schedule, the OS task (`fundclient sync`). The app's scheduler
    runs on "send now" and after a failed run; pending batches alone, at any hour, start nothing."""
    enrol_office(hq_sqlite, data_dir)
    Outbox(data_dir).seal([p.to_dict() for p in people(2)])
    finished = []
    scheduler = SyncScheduler(data_dir, options=FAST, probe_backoff=(0.1, 0.2), on_finished=finished.append)
    for _ in range(5):  # what the scheduler's thread does each time it wakes
        scheduler._tick()
    assert finished == [] and scheduler.pending_count() == 1
    done = subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "sync", "--json"],
                          capture_output=True, text=True, timeout=120)  # what the OS task runs
    assert done.returncode == 0, done.stderr
    assert scheduler.pending_count() == 0 and SyncHistory(data_dir).last_error() is None
