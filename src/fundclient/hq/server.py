"""Run the HQ intake server: in the foreground (`fundclient hq serve`) or in a thread on
127.0.0.1 with an OS-chosen port (demo mode and tests)."""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import uvicorn

from fundclient import drive
from fundclient.hq.app import create_app
from fundclient.hq.limits import Limits
from fundclient.hq.db import open_engine
from fundclient.hq.ingest import DEFAULT_MAX_BATCH_BYTES, Ingestor
from fundclient.hq.keys import HQKeys
from fundclient.hq.devices import publish_devices  # devices enrolled before they were published


def build(hq_dir: Path, database_url: str | None = None, passphrase: bytes | None = None,
          max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES, limits: Limits | None = None):
    ingestor = Ingestor(open_engine(hq_dir, database_url), HQKeys(hq_dir, passphrase), max_batch_bytes=max_batch_bytes)
    publish_devices(ingestor.engine)
    app = create_app(hq_dir, ingestor, limits)
    # lazy: start-up (argon2, FastAPI, Jinja2)
    from fundclient.hq.console.routes import mount  # the staff web console under /console/
    mount(app, ingestor, hq_dir, passphrase)
    return app, ingestor


@dataclass
class RunningServer:
    url: str
    ingestor: Ingestor
    app: object
    _server: uvicorn.Server
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.ingestor.engine.dispose()


def start_in_thread(hq_dir: Path, database_url: str | None = None, *, host: str = "127.0.0.1", port: int = 0,
                    passphrase: bytes | None = None, limits: Limits | None = None,
                    wrap: Callable | None = None, **ssl) -> RunningServer:
    """`limits`: other resource limits (tests); `wrap`: an ASGI wrapper around the app (tests
    that play a tampering middlebox)."""
    app, ingestor = build(hq_dir, database_url, passphrase, limits=limits)
    config = uvicorn.Config(wrap(app) if wrap else app, host=host, port=port, log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=2, **ssl)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="hq-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("HQ server did not start")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    scheme = "https" if ssl.get("ssl_certfile") else "http"
    return RunningServer(f"{scheme}://{host}:{bound}", ingestor, app, server, thread)


def serve(hq_dir: Path, database_url: str | None, host: str, port: int, passphrase: bytes | None = None, *,
          forwarded_allow_ips: str = "", access_log: bool = True, workers: int = 1,
          passphrase_file: str | None = None, **ssl) -> None:
    """One HQ node. Behind a load balancer, `forwarded_allow_ips` names it: its X-Forwarded-For
    becomes the client address (per-client rate limits); from anyone else the header is ignored.

    `workers` > 1: that many server processes share the port (uvicorn's workers; one per core —
    nodes are stateless, everything shared lives in the database). The schema is migrated and
    the keys opened once here first, so a wrong passphrase or a migration fails before any
    worker starts; each worker reads the passphrase from `passphrase_file` itself (the secret
    never goes through the environment)."""
    proxy = {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips} if forwarded_allow_ips else \
        {"proxy_headers": False}
    if workers <= 1:
        app, _ = build(hq_dir, database_url, passphrase)
        steady_gc()
        prompt_threads()
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log, **proxy, **ssl)
        return
    if passphrase is not None and passphrase_file is None:
        raise ValueError("several workers read the passphrase from a file")
    HQKeys(hq_dir, passphrase)  # a wrong passphrase: the typed error, here, before any worker starts
    open_engine(hq_dir, database_url).dispose()  # migrations once, not raced by the workers
    os.environ[_WORKER_ENV] = json.dumps({"hq_dir": str(hq_dir), "database_url": database_url,
                                          "passphrase_file": passphrase_file and os.path.abspath(passphrase_file)})
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, host=host, port=port, log_level="info",
                access_log=access_log, **proxy, **ssl)


_WORKER_ENV = "FUNDCLIENT_HQ_WORKER"


def worker_app():
    """The app of one worker process of `serve(workers=N)` (uvicorn imports and calls this)."""
    settings = json.loads(os.environ[_WORKER_ENV])
    passphrase = None
    if settings["passphrase_file"]:
        passphrase = drive.read_user_file(settings["passphrase_file"], 64 * 1024).rstrip(b"\r\n")
    app, _ = build(Path(settings["hq_dir"]), settings["database_url"], passphrase)
    steady_gc()
    prompt_threads()
    return app


GC_THRESHOLDS = (50_000, 20, 100)
SWITCH_INTERVAL = 0.001  # seconds (Python's default: 0.005)


def prompt_threads() -> None:
    """A server process hands the GIL over every millisecond instead of every 5: a batch's
    transaction (~20 database round trips, each ending with a thread that wants the GIL back)
    otherwise waits up to 5 ms per round trip behind the Python of another request — the next
    batch of an office being opened meanwhile (hq/turns.py) — and a device's batches go one
    after the other, so that wait lengthens every office's turn (#11 item 7, docs/performance.md)."""
    sys.setswitchinterval(SWITCH_INTERVAL)



def steady_gc() -> None:
    """The garbage collector of a server process, once its app is built: what start-up made
    (modules, the app, the database's tables) is frozen out of every collection, and the
    youngest generation is collected every 50,000 new containers instead of 700 — ingest makes
    and drops thousands per batch, which reference counting frees anyway; Python's default
    collected them ~5 % of HQ's CPU per record (#11 item 7, docs/performance.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
