"""Resumable upload of one sealed batch (tus 1.0.0 core + creation), then its signed ack.

The upload URL is derived from the batch id, and HQ's create is idempotent, so after a crash
or a cut connection the client asks HQ how many bytes it holds (HEAD) and sends only the rest.
A marker file under outbox/uploads/ says "this batch was started". A fresh batch goes in one
request (tus creation-with-upload) and its signed ack comes back in the response header, so a
small batch costs one round trip on a high-latency VSAT link.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Callable

import requests

from fundclient.encoding import b64d, b64e
from fundclient.sync.ack import ACK_HEADER
from fundclient.sync.device import Device
from fundclient.sync.http import RefusedError, TransientError, TransportOptions, check
from fundclient.sync.outbox import Outbox, batch_id_of

log = logging.getLogger(__name__)
TUS = {"Tus-Resumable": "1.0.0"}
# Asked on the requests that may complete an upload: HQ answers with the signed ack as the body
# (RFC 7240; HQs before 2026-11-30 evening ignore it and answer as tus does: the ack in the
# `Fundclient-Ack` header when under 16 KB, else the client GETs it — a third request for every
# batch of ~90 registrations or more).
ACK_IN_BODY = {"Prefer": "return=representation"}
# Up to this size a batch goes with its creation request (one round trip instead of two).
WITH_UPLOAD_MAX = 64 * 1024
# The body is handed to the socket in pieces (`on_bytes` after each). HQ's server reads and
# passes on each piece through its ASGI layers (~10 per piece), so a 2 MiB batch in 16 KiB pieces
# cost HQ 128 trips through them; in 256 KiB pieces: 8 (#11 item 7). But urllib3 sends a body
# under the *connect* timeout and one piece is one `sendall`, which that timeout bounds whole: a
# 256 KiB piece needs ~32 s at 64 kbit/s. So each body starts with pieces of PIECE_MIN and sizes
# every next piece from the rate measured so far (the last piece's and the body's, the lower) to
# take at most PIECE_SHARE of the connect timeout, doubling at most per piece, up to PIECE_BYTES:
# on a fast link 16, 32, 64, 128, then 256 KiB; on a slow one the pieces stay small.
PIECE_MIN = 16 * 1024
PIECE_BYTES = 256 * 1024
PIECE_SHARE = 0.25
# HQ keeps a device's turn (hq/turns.py): it says so on its tus answers, and then the request
# completing a batch may name the device's batch before it, still being ingested — HQ ingests
# this one after it. HQs before 2026-11-30 say nothing: the office sends one batch at a time.
TURN_HEADER = "Fundclient-After"
TURNS_HEADER = "Fundclient-Turns"
TURNS_KEPT = "after"
# HQ's answer when it cannot keep the turn (hq/turns.py): 503 {code: turn_busy}, the batch not
# ingested now, its bytes held whole at HQ; tried again as soon as the batch before is answered.
# (These names are the protocol's one definition: hq/turns.py and hq/app.py import them.)
TURN_BUSY_CODE = "turn_busy"
TURN_BUSY = f"HTTP 503 {TURN_BUSY_CODE}"  # (TransientError's detail for that answer: sync/http.py check)
NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class BatchUploader:
    def __init__(self, session: requests.Session, base_url: str, outbox: Outbox, device: Device,
                 options: TransportOptions, on_bytes: Callable[[int], None] | None = None,
                 on_confirmed: Callable[[Path, int], None] | None = None) -> None:
        """`on_bytes(n)`: n more bytes handed to the socket (not proof of anything), after each
        piece; `on_confirmed(path, offset)`: HQ says it holds `offset` bytes of that batch."""
        self.session, self.base = session, base_url.rstrip("/")
        self.piece_seconds = options.connect_timeout * PIECE_SHARE
        self.outbox, self.device, self.options = outbox, device, options
        self.on_bytes = on_bytes or (lambda n: None)
        self.on_confirmed = on_confirmed or (lambda path, offset: None)
        self.markers = outbox.root / "uploads"
        self.markers.mkdir(exist_ok=True)

    def attempt(self, path: Path, *, after: str | None = None, on_sent: Callable[[], None] | None = None) -> dict:
        """One try: returns the verified ack; raises TransientError or RefusedError. `after`:
        the id of this device's batch still in flight before this one (HQ ingests this one after
        it); `on_sent()`: called once the body has been handed over whole, when another batch may
        follow it before its ack (its upload has a row at HQ and HQ keeps turns)."""
        try:
            return self._attempt(path, after, on_sent)
        except NETWORK_ERRORS as exc:
            raise TransientError(type(exc).__name__) from None

    def _attempt(self, path: Path, after: str | None = None, on_sent: Callable[[], None] | None = None) -> dict:
        batch_id = batch_id_of(path)
        marker = self.markers / batch_id
        blob = path.read_bytes()
        if marker.exists():  # started before: HQ may hold part of it, or all of it
            ack = self._fetch_ack(path)
            if ack is not None:
                return ack
            head = self.session.head(f"{self.base}/tus/{batch_id}", headers=TUS, timeout=self.options.timeout)
            if head.status_code == 200 and int(head.headers.get("Upload-Length", -1)) == len(blob):
                self.on_confirmed(path, int(head.headers["Upload-Offset"]))
                return self._send(path, blob, int(head.headers["Upload-Offset"]), after,
                                  on_sent if _keeps_turns(head) else None)
            if head.status_code != 404:
                check(head)
        # Marker first: if a request is cut, HQ keeps the bytes it got and next time we resume.
        marker.touch()
        # HQ allocates nothing until this device's signature over (batch, length, hash) checks;
        # it was made at sealing, so this works with the device key locked (nightly task).
        digest, signature = self.outbox.upload_claim(path, blob, self.device)
        meta = (f"batch_id {b64e(batch_id.encode())},device_id {b64e(self.device.device_id.encode())},"
                f"sha256 {b64e(digest.encode())},"
                f"signature {b64e(b64e(signature).encode())}")
        headers = {**TUS, "Upload-Length": str(len(blob)), "Upload-Metadata": meta}
        if len(blob) > WITH_UPLOAD_MAX:
            # Large: create first, so HQ can refuse (revoked device, oversize) before we send.
            created = check(self.session.post(f"{self.base}/tus/", headers=headers, timeout=self.options.timeout),
                            ok=(201,))
            if int(created.headers.get("Upload-Offset", -1)) >= len(blob):  # HQ holds it already (e.g. by USB)
                return self._finish(path, None, len(blob))
            return self._send(path, blob, 0, after, on_sent if _keeps_turns(created) else None)
        log.info("upload batch=%s bytes=%d", batch_id, len(blob))
        response = self.session.post(f"{self.base}/tus/", data=_Counted(blob, self.on_bytes, self.piece_seconds),
                                     headers={**headers, **ACK_IN_BODY, **_turn(after),
                                              "Content-Type": "application/offset+octet-stream"},
                                     timeout=self.options.timeout)
        return self._finish(path, check(response, ok=(201,)), len(blob))

    def _send(self, path: Path, blob: bytes, offset: int, after: str | None = None,
              on_sent: Callable[[], None] | None = None) -> dict:
        """PATCH the rest — an empty PATCH when HQ already holds every byte, which makes HQ
        ingest a complete upload it did not finish (HQ crashed between receiving and committing)."""
        log.info("send batch=%s from=%d of=%d", path.name, offset, len(blob))
        body = blob[offset:]
        response = self.session.patch(f"{self.base}/tus/{batch_id_of(path)}",
                                      data=_Counted(body, self.on_bytes, self.piece_seconds, on_sent),
                                      headers={**TUS, **ACK_IN_BODY, **_turn(after), "Upload-Offset": str(offset),
                                               "Content-Length": str(len(body)),
                                               "Content-Type": "application/offset+octet-stream"},
                                      timeout=self.options.timeout)
        return self._finish(path, check(response, ok=(204, 200)), len(blob))

    def _finish(self, path: Path, response: requests.Response | None, length: int) -> dict:
        if response is not None:
            self.on_confirmed(path, int(response.headers.get("Upload-Offset", 0)))
        if response is not None and int(response.headers.get("Upload-Offset", -1)) < length:
            raise TransientError("upload incomplete")
        doc = None
        if response is not None and response.headers.get("Preference-Applied") == ACK_IN_BODY["Prefer"]:
            try:  # the ack as the body (HQs since 2026-11-30 evening, when asked)
                doc = json.loads(response.content)
            except ValueError:  # mangled on the way: ask for the ack instead
                log.info("ack body of batch=%s unreadable; fetching the ack", path.name)
        elif response is not None and response.headers.get(ACK_HEADER):
            try:
                doc = json.loads(b64d(response.headers[ACK_HEADER]))
            except ValueError:  # a header cut short by the link (or mangled): ask for the ack instead
                log.info("ack header of batch=%s unreadable; fetching the ack", path.name)
        if isinstance(doc, dict):
            return self._store(path, doc)
        ack = self._fetch_ack(path)
        if ack is None:
            raise TransientError("no ack yet")
        return ack

    def _store(self, path: Path, doc: dict) -> dict:
        ack = self.outbox.store_ack(path, doc)  # verifies HQ's signature before anything moves
        (self.markers / batch_id_of(path)).unlink(missing_ok=True)
        return ack

    def _fetch_ack(self, path: Path) -> dict | None:
        response = self.session.get(f"{self.base}/api/v1/batches/{batch_id_of(path)}/ack",
                                    timeout=self.options.timeout)
        if response.status_code == 404:
            return None
        try:
            doc = check(response).json()
        except ValueError:  # an answer cut short by the link
            raise TransientError("ack unreadable") from None
        if not isinstance(doc, dict):
            raise TransientError("ack unreadable")
        return self._store(path, doc)


def _keeps_turns(response: requests.Response) -> bool:
    return response.headers.get(TURNS_HEADER) == TURNS_KEPT


def _turn(after: str | None) -> dict:
    return {TURN_HEADER: after} if after else {}


class Pipeline:
    """A run's batches in their order, the next one in flight while HQ ingests the one before
    (#11 item 7): once a batch's body is handed over whole — and only when its upload has a row
    at HQ and HQ keeps turns (`on_sent`) — the next batch's attempt starts in a thread of its
    own, naming it (`after`), so its bytes cross the link and HQ opens it while the first is
    ingested; HQ ingests it after the first (hq/turns.py) — or, when it cannot keep that turn,
    answers 503 `turn_busy` and holds it whole: it is then tried again, at once, when its turn in
    the run comes (the batch before has had its outcome by then). At most one batch ahead. `attempt(i)`
    is one try of batch i as `BatchUploader.attempt` is: the ahead attempt's outcome when one ran
    for it, else a try of its own. `close()` waits for an attempt still ahead (its ack, if it
    comes, is stored as any other)."""

    def __init__(self, uploader: BatchUploader, paths: list[Path]) -> None:
        self.uploader, self.paths = uploader, list(paths)
        self._ahead: dict[int, _Ahead] = {}

    def attempt(self, i: int) -> dict:
        ahead = self._ahead.pop(i, None)
        if ahead is not None:
            ahead.sent.wait()
            if ahead.followable:
                self._start(i + 1, after=i)
            try:
                return ahead.outcome()
            except TransientError as exc:
                if exc.detail != TURN_BUSY:
                    raise
                # HQ could not keep its turn and did not ingest it; the batch before has had its
                # outcome by now (as a batch sent alone): once more, at once (an empty PATCH)
                log.info("batch %s: HQ did not keep its turn; sent again", self.paths[i].name)
        return self.uploader.attempt(self.paths[i], on_sent=lambda: self._start(i + 1, after=i))

    def _start(self, j: int, after: int) -> None:
        if j < len(self.paths) and j not in self._ahead:
            self._ahead[j] = _Ahead(self.uploader, self.paths[j], batch_id_of(self.paths[after]))

    def close(self) -> None:
        for ahead in self._ahead.values():
            ahead.thread.join()
        self._ahead.clear()


class _Ahead:
    """One attempt of the next batch, in its own thread."""

    def __init__(self, uploader: BatchUploader, path: Path, after: str) -> None:
        self.sent = threading.Event()  # its body handed over whole, or its attempt over
        self.followable = False  # its body went whole to an upload row at an HQ that keeps turns
        self._ack: dict | None = None
        self._error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(uploader, path, after), name="sync-ahead",
                                       daemon=True)
        self.thread.start()

    def _run(self, uploader: BatchUploader, path: Path, after: str) -> None:
        def sent() -> None:
            self.followable = True
            self.sent.set()
        try:
            self._ack = uploader.attempt(path, after=after, on_sent=sent)
        except BaseException as exc:  # noqa: BLE001  handed to the run's own thread (`outcome`)
            self._error = exc
        finally:
            self.sent.set()

    def outcome(self) -> dict:
        self.thread.join()
        if self._error is not None:
            raise self._error
        return self._ack


class _Counted:
    """Iterable body that reports bytes as they are handed to the socket, in pieces sized to be
    handed over within `seconds` at the rate measured so far (PIECE_MIN … PIECE_BYTES);
    `on_done()` once the last piece is handed over."""

    def __init__(self, data: bytes, on_bytes: Callable[[int], None], seconds: float,
                 on_done: Callable[[], None] | None = None) -> None:
        self.data, self.on_bytes, self.seconds, self.on_done = data, on_bytes, seconds, on_done

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self):
        view = memoryview(self.data)
        size, start, began = PIECE_MIN, 0, time.monotonic()
        while start < len(view):
            piece = view[start:start + size]
            handed = time.monotonic()
            yield bytes(piece)  # resumed once the socket took it all
            self.on_bytes(len(piece))
            now = time.monotonic()
            start += len(piece)
            rate = min(len(piece) / max(now - handed, 1e-9), start / max(now - began, 1e-9))
            size = int(max(PIECE_MIN, min(2 * size, PIECE_BYTES, rate * self.seconds)))
        if self.on_done is not None:
            self.on_done()


__all__ = ["BatchUploader", "Pipeline", "RefusedError", "TransientError"]
