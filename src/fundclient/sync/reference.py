"""Reference data and revoked cards pulled from HQ, kept as plain JSON in DATA_DIR/reference/
(not personal data). Incremental: HQ's sync token says what this device already has."""

from __future__ import annotations

import json
import os
from pathlib import Path

import requests

from fundclient.sync.http import TransportOptions, check

KINDS = ("offices", "municipalities", "pension_authorities", "revoked_card")


class ReferenceStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "reference"
        self.root.mkdir(parents=True, exist_ok=True)

    def _load(self, name: str) -> dict:
        path = self.root / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def _save(self, name: str, value: dict) -> None:
        path = self.root / f"{name}.json"
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    @property
    def token(self) -> int:
        return int(self._load("state").get("token", 0))

    def entries(self, kind: str) -> dict[str, dict]:
        """code -> data, for offices / municipalities / pension_authorities."""
        return self._load(kind)

    def revoked_cards(self) -> dict[str, str]:
        """card number -> reason."""
        return {k: v.get("reason", "") for k, v in self._load("revoked_card").items()}

    def is_card_revoked(self, card_number: str) -> bool:
        return card_number in self._load("revoked_card")

    def apply(self, answer: dict) -> int:
        """Apply one pull answer; the token is saved last, so a crash re-pulls rather than skips."""
        touched: dict[str, dict] = {}
        for change in answer["changes"]:
            if change["kind"] not in KINDS:
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


def pull(session: requests.Session, base_url: str, store: ReferenceStore, options: TransportOptions) -> tuple[int, dict]:
    """Pull every change since the stored token; returns (changes applied, last answer)."""
    total, answer = 0, {}
    while True:
        answer = check(session.get(f"{base_url.rstrip('/')}/api/v1/pull", params={"since": store.token},
                                   timeout=options.timeout)).json()
        total += store.apply(answer)
        if not answer.get("more"):
            return total, answer
