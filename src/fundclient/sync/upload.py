"""Resumable upload of one sealed batch (tus 1.0.0 core + creation), then its signed ack.

The upload URL is derived from the batch id, and HQ's create is idempotent, so after a crash
or a cut connection the client asks HQ how many bytes it holds (HEAD) and sends only the rest.
A marker file under outbox/uploads/ says "this batch was started", which saves a round trip for
fresh batches on slow links.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Callable

import requests

from fundclient.sync.device import Device
from fundclient.sync.http import RefusedError, TransientError, TransportOptions, check
from fundclient.sync.outbox import Outbox, batch_id_of

log = logging.getLogger(__name__)
TUS = {"Tus-Resumable": "1.0.0"}
NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class BatchUploader:
    def __init__(self, session: requests.Session, base_url: str, outbox: Outbox, device: Device,
                 options: TransportOptions, on_bytes: Callable[[int], None] | None = None) -> None:
        self.session, self.base = session, base_url.rstrip("/")
        self.outbox, self.device, self.options = outbox, device, options
        self.on_bytes = on_bytes or (lambda n: None)
        self.markers = outbox.root / "uploads"
        self.markers.mkdir(exist_ok=True)

    def attempt(self, path: Path) -> dict:
        """One try: returns the verified ack; raises TransientError or RefusedError."""
        try:
            return self._attempt(path)
        except NETWORK_ERRORS as exc:
            raise TransientError(type(exc).__name__) from None

    def _attempt(self, path: Path) -> dict:
        batch_id = batch_id_of(path)
        marker = self.markers / batch_id
        blob = path.read_bytes()
        offset = None
        if marker.exists():
            ack = self._fetch_ack(path)
            if ack is not None:
                return ack
            head = self.session.head(f"{self.base}/tus/{batch_id}", headers=TUS, timeout=self.options.timeout)
            if head.status_code == 200 and int(head.headers.get("Upload-Length", -1)) == len(blob):
                offset = int(head.headers["Upload-Offset"])
            elif head.status_code != 404:
                check(head)
        if offset is None:
            meta = f"batch_id {_b64(batch_id)},device_id {_b64(self.device.device_id)}"
            check(self.session.post(f"{self.base}/tus/", headers={**TUS, "Upload-Length": str(len(blob)),
                                                                   "Upload-Metadata": meta},
                                    timeout=self.options.timeout), ok=(201,))
            marker.touch()
            offset = 0
        if offset < len(blob):
            body = blob[offset:]
            log.info("upload batch=%s from=%d of=%d", batch_id, offset, len(blob))
            response = self.session.patch(f"{self.base}/tus/{batch_id}", data=_Counted(body, self.on_bytes),
                                          headers={**TUS, "Upload-Offset": str(offset), "Content-Length": str(len(body)),
                                                   "Content-Type": "application/offset+octet-stream"},
                                          timeout=self.options.timeout)
            check(response, ok=(204,))
        ack = self._fetch_ack(path)
        if ack is None:
            raise TransientError("no ack yet")
        return ack

    def _fetch_ack(self, path: Path) -> dict | None:
        response = self.session.get(f"{self.base}/api/v1/batches/{batch_id_of(path)}/ack",
                                    timeout=self.options.timeout)
        if response.status_code == 404:
            return None
        doc = check(response).json()
        ack = self.outbox.store_ack(path, doc)  # verifies HQ's signature before anything moves
        (self.markers / batch_id_of(path)).unlink(missing_ok=True)
        return ack


class _Counted:
    """Iterable body in 16 KB pieces that reports bytes as they are handed to the socket."""

    def __init__(self, data: bytes, on_bytes: Callable[[int], None]) -> None:
        self.data, self.on_bytes = data, on_bytes

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self):
        view = memoryview(self.data)
        for start in range(0, len(view), 16384):
            piece = view[start:start + 16384]
            yield bytes(piece)
            self.on_bytes(len(piece))


__all__ = ["BatchUploader", "RefusedError", "TransientError"]
