"""The cryptography under the keystore: password KEKs, AES-GCM wraps, sealing to operators.

Layout (see docs/security.md): the random 32-byte DB key is *sealed* (X25519 + HKDF +
AES-GCM) to each operator's public key and to the recovery public key. Each operator's
private key is *wrapped* with a key derived from their password by Argon2id (entries written
before it used scrypt; they are still read, and re-wrapped at the next login). Sealing to public
keys lets an admin add an operator or rotate the DB key without knowing anyone's password.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fundclient.encoding import b64d, b64e
from fundclient.storage.errors import WrongRecoveryKey

# The password KDF (docs/decisions/argon2id-password-kek.md). OWASP's password storage cheat
# sheet lists Argon2id first, minimum m=19 MiB, t=2, p=1: ~0.06 s of CPU on a 2-core office PC,
# where scrypt at OWASP's N=2^17 took ~0.5 s of the login's 0.5 s budget (#11 item 5). Stored per
# entry ("kdf"); an entry made with weaker parameters, or with scrypt, is re-wrapped with these at
# that operator's next successful login (Keystore.unlock_keys).
ARGON2ID_DEFAULT = {"name": "argon2id", "m_kib": 19 * 1024, "t": 2, "p": 1}


def kdf_params(entry: dict) -> dict:
    """An operator entry's KDF and its parameters: {"name": "argon2id", ...} or, for an entry
    from before Argon2id, {"name": "scrypt", "n", "r", "p"}."""
    params = entry.get("kdf") if "kdf" in entry else {"name": "scrypt", **(entry.get("scrypt") or {})}
    return dict(params) if isinstance(params, dict) else {}


def kdf_outdated(entry: dict) -> bool:
    """True when an entry's KEK is not today's: scrypt, or Argon2id below ARGON2ID_DEFAULT
    (re-wrapped at login)."""
    params = kdf_params(entry)
    if params.get("name") != "argon2id":
        return True
    return any(int(params.get(k, 0)) < v for k, v in ARGON2ID_DEFAULT.items() if k != "name")


def password_kek(password: str, salt: bytes, params: dict) -> bytes:
    """The 32-byte key-encryption key from an operator's password, by the entry's KDF
    (kdf_params). Unknown KDFs and absurd parameters (a hostile keystore) raise Undecryptable."""
    name = params.get("name")
    try:
        if name == "argon2id":
            m, t, p = int(params["m_kib"]), int(params["t"]), int(params["p"])
            if not (8 * p <= m <= 256 * 1024 and 1 <= t <= 16 and 1 <= p <= 16):  # ≤ scrypt's 256 MiB
                raise Undecryptable()
            return Argon2id(salt=salt, length=32, iterations=t, lanes=p, memory_cost=m).derive(
                password.encode("utf-8"))
        if name == "scrypt":
            return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=int(params["n"]),
                                  r=int(params["r"]), p=int(params["p"]), maxmem=256 * 1024 * 1024,
                                  dklen=32)
    except (KeyError, TypeError, ValueError) as exc:
        raise Undecryptable() from exc
    raise Undecryptable()


_RAW = serialization.Encoding.Raw


class Undecryptable(Exception):
    """Authentication tag mismatch: wrong password/key or tampered data."""


def hkdf(secret: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


def aead_encrypt(key: bytes, plaintext: bytes, aad: bytes) -> str:
    nonce = os.urandom(12)
    return b64e(nonce + AESGCM(key).encrypt(nonce, plaintext, aad))


def aead_decrypt(key: bytes, blob: str, aad: bytes) -> bytes:
    try:
        raw = b64d(blob)  # a torn or edited blob is as undecryptable as a wrong key
        return AESGCM(key).decrypt(raw[:12], raw[12:], aad)
    except (InvalidTag, ValueError) as exc:
        raise Undecryptable() from exc


def new_keypair() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 bytes."""
    private = X25519PrivateKey.generate()
    return (private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()),
            private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw))


def public_of(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        _RAW, serialization.PublicFormat.Raw)


def seal(public: bytes, plaintext: bytes, aad: bytes) -> dict:
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    epk = ephemeral.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    key = hkdf(shared + epk + public, b"fundclient keystore seal v1")
    return {"epk": b64e(epk), "ct": aead_encrypt(key, plaintext, aad)}


def unseal(private: bytes, sealed: dict, aad: bytes) -> bytes:
    priv = X25519PrivateKey.from_private_bytes(private)
    epk = b64d(sealed["epk"])
    shared = priv.exchange(X25519PublicKey.from_public_bytes(epk))
    key = hkdf(shared + epk + public_of(private), b"fundclient keystore seal v1")
    return aead_decrypt(key, sealed["ct"], aad)


def mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mac_ok(key: bytes, message: bytes, tag: str) -> bool:
    return hmac.compare_digest(mac(key, message), tag)


# --- recovery key: 160 random bits, Crockford base32, 8 groups of 4 + a 4-character check ---

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1", "U": "V"}  # what people mistype on paper
RECOVERY_BYTES = 20


def _b32(data: bytes, chars: int) -> str:
    number = int.from_bytes(data, "big")
    return "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(chars)))


def _check(secret: bytes) -> str:
    return _b32(hashlib.sha256(b"fundclient recovery check" + secret).digest()[:3], 5)[1:]


def new_recovery_key() -> tuple[str, bytes]:
    """(text to print once, secret bytes)."""
    secret = secrets.token_bytes(RECOVERY_BYTES)
    body = _b32(secret, 32) + _check(secret)
    return "-".join(body[i:i + 4] for i in range(0, len(body), 4)), secret


def parse_recovery_key(text: str) -> bytes:
    """Accepts lower case, spaces or dashes, O/0 and I/L/1 confusions; rejects a bad check group."""
    cleaned = "".join(_READ_AS.get(ch, ch) for ch in text.upper() if ch.isalnum())
    typed = "-".join(cleaned[i:i + 4] for i in range(0, min(len(cleaned), 48), 4))
    if any(ch not in _ALPHABET for ch in cleaned) or any(not (ch.isalnum() or ch in " -") for ch in text.strip()):
        raise WrongRecoveryKey("character", typed)
    if len(cleaned) != 36:
        raise WrongRecoveryKey("length", typed, len(cleaned))
    number = 0
    for ch in cleaned[:32]:
        number = (number << 5) | _ALPHABET.index(ch)
    secret = number.to_bytes(RECOVERY_BYTES, "big")
    if _check(secret) != cleaned[32:]:
        raise WrongRecoveryKey("typo", typed)
    return secret


def recovery_private_key(secret: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(hkdf(secret, b"fundclient recovery x25519")).private_bytes(
        _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
