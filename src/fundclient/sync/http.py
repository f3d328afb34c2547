"""HTTP plumbing for the client: one session, verified TLS, a timeout on every request,
and exponential backoff with full jitter between retries.

TLS verification cannot be switched off: `ca_bundle` (a CA bundle, or HQ's own certificate
as a pin) only replaces the system trust store.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from urllib.parse import urlsplit

import requests

from fundclient.config import Settings
from fundclient.errors import Message, SyncError
from fundclient.sync.reasons import PERMANENT, reason_message

OFFLINE = Message("HQ could not be reached; will try again later.")
USER_AGENT = "fundclient-sync/1"


@dataclass(frozen=True)
class TransportOptions:
    connect_timeout: float = 15.0
    read_timeout: float = 90.0
    max_attempts: int = 6  # per batch, per sync run; the scheduler tries again later
    backoff_base: float = 1.0
    backoff_cap: float = 60.0

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    def delay(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2^attempt)] so offices do not retry in step."""
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * (2 ** attempt)))


def make_session(settings: Settings) -> requests.Session:
    session = requests.Session()
    session.verify = settings.ca_bundle or True
    session.trust_env = False  # a stray HTTPS_PROXY/REQUESTS_CA_BUNDLE must not redirect or weaken TLS
    # Only the headers we need: every byte counts at 256 kbit/s, once per request.
    session.headers.clear()
    session.headers.update({"User-Agent": USER_AGENT, "Connection": "keep-alive"})
    return session


PLAIN_HTTP = Message("The HQ address must start with https:// (an encrypted connection). Correct it in the "
                     "settings.")
_LOOPBACK = ("localhost", "::1")


def require_https(url: str) -> str:
    """HQ is only spoken to over verified TLS; plain http is allowed for this machine alone
    (the demo's in-process HQ and the tests)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    local = host in _LOOPBACK or host.startswith("127.")
    if parts.scheme == "https" or (parts.scheme == "http" and local):
        return url.strip()
    raise SyncError(PLAIN_HTTP, code="plain_http")


class TransientError(SyncError):
    """Worth retrying: timeouts, resets, 5xx, busy."""

    def __init__(self, detail: str) -> None:
        super().__init__(OFFLINE, code="transient")
        self.detail = detail


class RefusedError(SyncError):
    """HQ refused for a reason a retry will not fix (code in sync.reasons.PERMANENT)."""

    def __init__(self, code: str) -> None:
        super().__init__(reason_message(code), code=code)


def check(response: requests.Response, ok: tuple[int, ...] = (200,)) -> requests.Response:
    """Turn an HTTP answer into: returned (ok), TransientError, or RefusedError."""
    if response.status_code in ok:
        return response
    code = ""
    if response.headers.get("Content-Type", "").startswith("application/json"):
        try:
            code = str(response.json().get("code", ""))
        except ValueError:
            code = ""
    if code in PERMANENT:
        raise RefusedError(code)
    raise TransientError(f"HTTP {response.status_code} {code}")


def sleep_backoff(options: TransportOptions, attempt: int, stop=None) -> None:
    """Sleep before the next attempt; `stop` (threading.Event) cuts the wait short."""
    delay = options.delay(attempt)
    if stop is not None:
        stop.wait(delay)
    else:
        time.sleep(delay)
