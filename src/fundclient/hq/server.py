"""Run the HQ intake server: in the foreground (`fundclient hq serve`) or in a thread on
127.0.0.1 with an OS-chosen port (demo mode and tests)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import uvicorn

from fundclient.hq.app import create_app
from fundclient.hq.limits import Limits
from fundclient.hq.db import open_engine
from fundclient.hq.ingest import DEFAULT_MAX_BATCH_BYTES, Ingestor
from fundclient.hq.keys import HQKeys


def build(hq_dir: Path, database_url: str | None = None, passphrase: bytes | None = None,
          max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES, limits: Limits | None = None):
    ingestor = Ingestor(open_engine(hq_dir, database_url), HQKeys(hq_dir, passphrase), max_batch_bytes=max_batch_bytes)
    from fundclient.hq.devices import publish_devices  # devices enrolled before they were published
    publish_devices(ingestor.engine)
    app = create_app(hq_dir, ingestor, limits)
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
          forwarded_allow_ips: str = "", access_log: bool = True, **ssl) -> None:
    """One HQ node. Behind a load balancer, `forwarded_allow_ips` names it: its X-Forwarded-For
    becomes the client address (per-client rate limits); from anyone else the header is ignored."""
    app, _ = build(hq_dir, database_url, passphrase)
    proxy = {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips} if forwarded_allow_ips else \
        {"proxy_headers": False}
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log, **proxy, **ssl)
