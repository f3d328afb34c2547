"""Reference data and revoked cards pulled from HQ, kept as plain JSON in DATA_DIR/reference/
(not personal data). Incremental: HQ's sync token says what this device already has.

Every answer is signed by HQ and verified against the HQ signing keys this device trusts
(sync.ack.verify_reference) before anything is applied: TLS alone is not trusted. A forged or
altered answer raises SyncError(forged_reference); nothing is changed and the sync goes on.
Each change is typed (kind, key, data, deleted) and one that is not is skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from fundclient.private_files import write_json_atomic

if TYPE_CHECKING:  # the HTTP stack is imported by `pull` only: a login reads the stored lists
    import requests  # and must not pay for importing it (#11 item 5)

    from fundclient.sync.http import TransportOptions

KINDS = ("offices", "municipalities", "pension_authorities", "categories", "revoked_card", "device")


class ReferenceStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "reference"
        self.root.mkdir(parents=True, exist_ok=True)

    def _load(self, name: str) -> dict:
        path = self.root / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def _save(self, name: str, value: dict) -> None:
        write_json_atomic(self.root / f"{name}.json", value)

    @property
    def token(self) -> int:
        return int(self._load("state").get("token", 0))

    def entries(self, kind: str) -> dict[str, dict]:
        """code -> data, for offices / municipalities / pension_authorities / categories."""
        return self._load(kind)

    def revoked_cards(self) -> dict[str, str]:
        """card number -> reason."""
        return {k: v.get("reason", "") for k, v in self._load("revoked_card").items()}

    def devices(self):
        """device id -> DeviceEntry: HQ's devices list as last pulled (sync/devices_list.py)."""
        from fundclient.sync.devices_list import parse_entries  # lazy: start-up (cryptography; a login reads lists)

        return parse_entries(self._load("device"))

    def is_card_revoked(self, card_number: str) -> bool:
        return card_number in self._load("revoked_card")

    def apply(self, answer: dict) -> int:
        """Apply one pull answer; the token is saved last, so a crash re-pulls rather than skips."""
        touched: dict[str, dict] = {}
        for change in answer["changes"]:
            if not _well_formed(change):
                continue
            table = touched.setdefault(change["kind"], self._load(change["kind"]))
            if change["deleted"]:
                table.pop(change["key"], None)
            else:
                table[change["key"]] = change["data"]
        for kind, table in touched.items():
            self._save(kind, table)
        self._save("state", {"token": answer["token"]})
        return len(answer["changes"])


def _well_formed(change: object) -> bool:
    return (isinstance(change, dict) and change.get("kind") in KINDS and isinstance(change.get("key"), str)
            and 0 < len(change["key"]) <= 64 and isinstance(change.get("deleted"), bool)
            and isinstance(change.get("data"), dict))


def pull(session: requests.Session, base_url: str, store: ReferenceStore, options: TransportOptions,
         hq_signing_keys: dict[str, bytes]) -> tuple[int, dict]:
    """Pull every change since the stored token, each answer verified as signed by HQ;
    returns (changes applied, last answer)."""
    from fundclient.sync.ack import verify_reference  # lazy: start-up (cryptography; see the top)
    from fundclient.sync.http import check  # lazy: start-up (requests; see the top)

    total, answer = 0, {}
    while True:
        since = store.token
        answer = check(session.get(f"{base_url.rstrip('/')}/api/v1/pull", params={"since": since},
                                   timeout=options.timeout)).json()
        body = verify_reference(answer, hq_signing_keys, since=since)
        total += store.apply(body)
        if not body.get("more") or body["token"] == since:
            return total, answer
