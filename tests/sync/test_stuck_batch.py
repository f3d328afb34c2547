"""One batch HQ keeps failing on (a server-side 503 for that batch only) must not hold back the
batches behind it: they are acknowledged, and the stuck one waits for the next run."""

from __future__ import annotations

import base64
import threading
import time

import uvicorn
from starlette.responses import PlainTextResponse

from fundclient.hq.server import build
from fundclient.sync.engine import run_sync
from fundclient.sync.http import TransportOptions
from fundclient.sync.outbox import Outbox, batch_id_of

from sync_helpers import enrol_office, people, photos_for

QUICK = TransportOptions(connect_timeout=2, read_timeout=3, max_attempts=3, backoff_base=0.01, backoff_cap=0.05)


class RunningApp:
    def __init__(self, app) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.server.servers[0].sockets[0].getsockname()[1]}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_a_stuck_batch_does_not_block_the_others(hq_dir, data_dir):
    app, ingestor = build(hq_dir)
    blocked: set[str] = set()

    @app.middleware("http")
    async def refuse_one_batch(request, call_next):
        where = request.url.path + request.headers.get("upload-metadata", "")
        if any(b in where for b in blocked):
            return PlainTextResponse("busy", status_code=503)
        return await call_next(request)

    server = RunningApp(app)
    server.ingestor = ingestor
    try:
        enrol_office(server, data_dir)
        outbox = Outbox(data_dir)
        persons = people(3, seed=5)
        for person in persons:  # one batch each
            outbox.seal([person.to_dict()], photos_for([person]))
        first, *rest = outbox.pending()
        blocked.update({batch_id_of(first), base64.b64encode(batch_id_of(first).encode()).decode()})
        summary = run_sync(data_dir, options=QUICK)
        assert summary.batches_acknowledged == 2
        assert [p.name for p in outbox.pending()] == [first.name]
        assert summary.status == "partial"
        blocked.clear()
        assert run_sync(data_dir, options=QUICK).status == "ok"
        assert outbox.pending() == []
    finally:
        server.stop()
        ingestor.engine.dispose()
