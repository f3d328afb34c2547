"""HQ key ring: HPKE decryption keys (current + retired, for batches sealed before a rotation)
and Ed25519 signing keys (acknowledgements, probe answers, key-set endorsements).

HQ_DIR/keys/
  decrypt-<kid>.json, sign-<kid>.json   private key files, 0600, optional passphrase
  keyring.json                          which ids exist and which are active
"""

from __future__ import annotations

import json
from pathlib import Path

from fundclient.encoding import b64e
from fundclient.errors import Message, SyncError
from fundclient.private_files import write_json_atomic
from fundclient.sync.ack import KEYSET_CONTEXT
from fundclient.sync.keys import (canonical_json, generate_hpke_private, generate_signing_private, hpke_public_bytes,
                                  key_id, read_private_key_file, signing_key, signing_public_bytes,
                                  write_private_key_file)

NO_KEYS = Message("HQ keys are not created yet (hq init).")
ALREADY = Message("HQ keys already exist.")
# The HQ commands read the passphrase of sealed keys from a file; these say which option.
HQ_NEEDS_PASSPHRASE = Message("HQ's keys are protected by a passphrase: give it in a file with "
                              "--passphrase-file, e.g. fundclient hq --passphrase-file FILE serve")
HQ_WRONG_PASSPHRASE = Message("The passphrase in the --passphrase-file file does not open HQ's keys.")


def _ring_path(hq_dir: Path) -> Path:
    return Path(hq_dir) / "keys" / "keyring.json"


def _new_decrypt(hq_dir: Path, passphrase: bytes | None) -> str:
    private = generate_hpke_private()
    public = hpke_public_bytes(private)
    write_private_key_file(Path(hq_dir) / "keys" / f"decrypt-{key_id(public)}.json", kind="hq-decrypt",
                           private_raw=private, public_raw=public, passphrase=passphrase)
    return key_id(public)


def _new_sign(hq_dir: Path, passphrase: bytes | None) -> str:
    private = generate_signing_private()
    public = signing_public_bytes(private)
    write_private_key_file(Path(hq_dir) / "keys" / f"sign-{key_id(public)}.json", kind="hq-signing",
                           private_raw=private, public_raw=public, passphrase=passphrase)
    return key_id(public)


def _save_ring(hq_dir: Path, ring: dict) -> None:
    write_json_atomic(_ring_path(hq_dir), ring)


def init_keys(hq_dir: Path, passphrase: bytes | None = None) -> dict:
    if _ring_path(hq_dir).exists():
        raise SyncError(ALREADY, code="hq_keys_exist")
    d, s = _new_decrypt(hq_dir, passphrase), _new_sign(hq_dir, passphrase)
    ring = {"decrypt": [d], "active_decrypt": d, "sign": [s], "active_sign": s}
    _save_ring(hq_dir, ring)
    return ring


def rotate_keys(hq_dir: Path, passphrase: bytes | None = None, *, signing: bool = False) -> dict:
    """New active decryption key (and signing key if asked); old keys stay for in-flight batches
    and, for signing keys, to endorse the new key set to devices that only know the old one."""
    ring = json.loads(_ring_path(hq_dir).read_text())
    ring["active_decrypt"] = _new_decrypt(hq_dir, passphrase)
    ring["decrypt"].append(ring["active_decrypt"])
    if signing:
        ring["active_sign"] = _new_sign(hq_dir, passphrase)
        ring["sign"].append(ring["active_sign"])
    _save_ring(hq_dir, ring)
    return ring


class HQKeys:
    def __init__(self, hq_dir: Path, passphrase: bytes | None = None) -> None:
        self._hq_dir, self._passphrase = Path(hq_dir), passphrase
        self._load()

    def reload_for(self, key_id: str) -> bool:
        """A batch sealed for a key this node does not hold: read the key ring again. After a
        rotation on one node, the other nodes take the new key as soon as its files are there
        (docs/hq-deploy.md: copy keys/ to every node), without a restart in step."""
        if key_id in self.decrypt_private or not _ring_path(self._hq_dir).exists():
            return key_id in self.decrypt_private
        try:
            ring = json.loads(_ring_path(self._hq_dir).read_text())
            if key_id not in ring.get("decrypt", []):
                return False
            self._load()
        except (OSError, ValueError, KeyError, SyncError):
            return False
        return key_id in self.decrypt_private

    def _load(self) -> None:
        hq_dir, passphrase = self._hq_dir, self._passphrase
        path = _ring_path(hq_dir)
        if not path.exists():
            raise SyncError(NO_KEYS, code="hq_keys_missing")
        ring = json.loads(path.read_text())
        folder = Path(hq_dir) / "keys"
        try:
            self.decrypt_private = {k: read_private_key_file(folder / f"decrypt-{k}.json", passphrase)[1]
                                    for k in ring["decrypt"]}
            self.sign_private = {k: read_private_key_file(folder / f"sign-{k}.json", passphrase)[1]
                                 for k in ring["sign"]}
        except SyncError as exc:  # say which option gives the passphrase
            if exc.code == "key_passphrase_needed":
                raise SyncError(HQ_NEEDS_PASSPHRASE, code=exc.code) from None
            if exc.code == "key_passphrase_wrong":
                raise SyncError(HQ_WRONG_PASSPHRASE, code=exc.code) from None
            raise
        self.active_decrypt = ring["active_decrypt"]
        self.active_sign = ring["active_sign"]

    @property
    def signing_private(self) -> bytes:
        return self.sign_private[self.active_sign]

    def keyset(self) -> dict:
        """Public keys for devices, endorsed by every signing key HQ holds (old ones included),
        so a device that trusts any of them can adopt a rotated key."""
        body = {"encryption": {self.active_decrypt: b64e(hpke_public_bytes(self.decrypt_private[self.active_decrypt]))},
                "active": self.active_decrypt,
                "signing": {k: b64e(signing_public_bytes(v)) for k, v in self.sign_private.items()}}
        sigs = {k: b64e(signing_key(v).sign(KEYSET_CONTEXT + canonical_json(body))) for k, v in self.sign_private.items()}
        return {"keyset": body, "sigs": sigs}
