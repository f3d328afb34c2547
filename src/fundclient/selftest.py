"""`fundclient selftest`: does this installation work, end to end, on this PC?

Run after an install or update (and by CI on the built bundle): each check exercises the
same code the app uses — a throw-away office with an encrypted DB created, migrated and read
back, the office's configured camera (the bundled photo stands in only where no office is set
up), the face detector on a bundled photo, a batch sealed and opened (HPKE ML-KEM-768+X25519,
Ed25519), the Arabic fonts and the Arabic catalogue loaded in Qt, and HQ answering a signed
probe. The office check fails when the office set up here cannot work: no office code, not
enrolled although an HQ link is configured, no device number to number cards with, or a device
HQ has revoked (HQ's signed answer, or a batch HQ refused as revoked). Nothing touches the
office's real data: every check works in a temp dir; the data dir is only tested for being
writable and read for the settings and enrolment.

Headless: the Qt checks run only when PySide6 can be imported (`require_qt=True` makes a
missing Qt a failure — the GUI bundle must have it). No PySide6 import at module level.
"""

from __future__ import annotations

import importlib.util
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import fundclient
from fundclient.config import Settings
from fundclient.errors import FundError, Message

PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skip"
SAMPLE_FACE = Path(fundclient.__file__).resolve().parent / "resources" / "samples" / "face.jpg"


class CheckFailed(FundError):
    """A check found a problem; its message says what, in both languages."""

    def __init__(self, message: Message) -> None:
        super().__init__(message, code="selftest")


class Skipped(Exception):
    """The check does not apply here (e.g. no HQ configured); carries the reason."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.en)
        self.reason = reason


@dataclass(frozen=True)
class CheckResult:
    key: str
    title: Message
    status: str  # PASS / WARN (failed, but not required) / FAIL / SKIP
    detail: Message
    required: bool
    seconds: float

    def to_dict(self) -> dict:
        return {"key": self.key, "title": {"ar": self.title.ar, "en": self.title.en},
                "status": self.status, "required": self.required,
                "detail": {"ar": self.detail.ar, "en": self.detail.en}, "seconds": round(self.seconds, 3)}


@dataclass
class Report:
    version: str
    frozen: bool
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed that had to pass (WARN and SKIP do not count)."""
        return all(check.status != FAIL for check in self.checks)

    def check(self, key: str) -> CheckResult:
        return next(c for c in self.checks if c.key == key)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "version": self.version, "frozen": self.frozen,
                "checks": [c.to_dict() for c in self.checks]}


@dataclass
class Context:
    data_dir: Path
    work: Path  # temp dir, removed after the run
    require_qt: bool
    require_hq: bool
    hq_timeout: float
    camera: str | None = None  # this run's --camera (else the office's setting)
    shared: dict = field(default_factory=dict)  # values one check hands the next


def qt_available() -> bool:
    return importlib.util.find_spec("PySide6") is not None


# --- the checks -------------------------------------------------------------------------------


def check_data_dir(ctx: Context) -> Message:
    ctx.data_dir.mkdir(parents=True, exist_ok=True)
    probe = ctx.data_dir / f".selftest-{secrets.token_hex(4)}"
    probe.write_bytes(b"ok")
    probe.unlink()
    return Message("writable: {data_dir}").format(data_dir=ctx.data_dir)


def check_database(ctx: Context) -> Message:
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.storage.files import db_path
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.storage.store import initialise, open_store

    office = ctx.work / "office"
    password = secrets.token_urlsafe(16)
    initialise(office, "SELFTEST", "selftest", password, full_name="اختبار ذاتي")
    store, operator = open_store(office, "selftest", password)
    try:
        integrity = store.integrity_check()
        ctx.shared["db_revision"] = store.schema_revision()
    finally:
        store.close()
    if operator.full_name != "اختبار ذاتي":
        raise CheckFailed(Message("Arabic text did not read back unchanged"))
    if integrity != "ok":
        raise CheckFailed(Message("integrity_check: {integrity}").format(integrity=integrity))
    if db_path(office).read_bytes()[:16] == b"SQLite format 3\x00":
        raise CheckFailed(Message("the database file is not encrypted"))
    return Message("encrypted database created and read back (SQLCipher)")


def check_migrations(ctx: Context) -> Message:
    # lazy: a check imports what it checks (a broken part fails that check only)
    from alembic.script import ScriptDirectory

    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.storage import migrate

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = list(scripts.walk_revisions())
    head = scripts.get_current_head()
    if not revisions or head is None:
        raise CheckFailed(Message("no migration scripts in {MIGRATIONS_DIR}").format(MIGRATIONS_DIR=migrate.MIGRATIONS_DIR))
    reached = ctx.shared.get("db_revision")
    if reached != head:
        raise CheckFailed(Message("test database at {reached}, scripts head {head}").format(reached=reached, head=head))
    return Message("{count} migrations, head {head}").format(count=len(revisions), head=head)


def _office_set_up(data_dir: Path) -> bool:
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.storage.files import KEYSTORE_FILE

    return (Path(data_dir) / KEYSTORE_FILE).exists()


def _camera_spec(ctx: Context) -> str:
    return (ctx.camera if ctx.camera is not None else Settings.load(ctx.data_dir).camera).strip()


def _camera_required(ctx: Context) -> bool:
    """A camera the office chose (or --camera) must work; with none chosen the first webcam is
    tried, and an office that takes photos from files only is warned, not failed."""
    return bool(_camera_spec(ctx)) or not _office_set_up(ctx.data_dir)


def check_camera(ctx: Context) -> Message:
    """The camera the office uses (this run's --camera, else the setting; "" = the first
    webcam): opened and one frame read. Only where no office is set up (an install check)
    and no camera is named does the bundled photo stand in, through the same file source."""
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.camera.sources import FileSource, open_source

    spec = _camera_spec(ctx)
    if not spec and not _office_set_up(ctx.data_dir):
        source = FileSource(SAMPLE_FACE)
        source.open()
        try:
            frame = source.read()
        finally:
            source.close()
        return Message("no office set up here yet: the file source reads the bundled photo {shape}x{shape2}").format(shape=frame.shape[1], shape2=frame.shape[0])
    source = open_source(spec)  # CameraError (bilingual) when a named file or folder is missing
    source.open()  # CameraError when the webcam is absent or busy
    try:
        frame = source.read()
    finally:
        source.close()
    shown = spec or "0"
    return Message("camera '{shown}' works: frame {shape}x{shape2}").format(shown=shown, shape=frame.shape[1], shape2=frame.shape[0])


def check_face_detector(ctx: Context) -> Message:
    import cv2  # lazy: a check imports what it checks (a broken part fails that check only)

    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.camera.analysis import FaceAnalyser
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.camera.sources import read_image

    verdict = FaceAnalyser().analyse(read_image(SAMPLE_FACE))
    if len(verdict.faces) != 1:
        raise CheckFailed(Message("expected 1 face in the sample photo, found {count}").format(count=len(verdict.faces)))
    return Message("Haar cascades load and find the face (OpenCV {version})").format(version=cv2.__version__)


def check_crypto(ctx: Context) -> Message:
    from fundclient.sync import envelope  # lazy: a check imports what it checks (a broken part fails that check only)
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.sync.keys import (generate_hpke_private, generate_signing_private, hpke_public_bytes,
                                      key_id, signing_public_bytes)

    hq_private = generate_hpke_private()
    hq_public = hpke_public_bytes(hq_private)
    device_private = generate_signing_private()
    items = [{"kind": "selftest", "name": "منتفع تجريبي"}]
    # A header as a real device writes it (HQ's typed parse refuses anything else).
    header = {"v": envelope.FORMAT_VERSION, "batch_id": str(uuid.uuid4()), "device_id": str(uuid.uuid4()),
              "seq": 1, "count": 1, "hq_key_id": key_id(hq_public), "created_at": "2000-01-01T00:00:00+00:00"}
    blob = envelope.seal(header=header, items=items, hq_public=hq_public, device_private=device_private)
    sealed = envelope.parse(blob)
    envelope.check_signature(sealed, signing_public_bytes(device_private))
    if envelope.open_items(sealed, hq_private) != items:
        raise CheckFailed(Message("opened batch differs from the sealed one"))
    tampered = bytearray(blob)
    tampered[len(blob) // 2] ^= 1
    try:
        envelope.check_signature(envelope.parse(bytes(tampered)), signing_public_bytes(device_private))
    except FundError:
        pass
    else:
        raise CheckFailed(Message("a tampered batch passed the signature check"))
    return Message("HPKE ML-KEM-768+X25519 seal/open, Ed25519 sign/verify, tampering detected")


def check_card_qr(ctx: Context) -> Message:
    """What `verify-card photo.png` does, with what the bundle ships: a signed card code drawn as a
    QR image (segno, as on the card), read back by OpenCV's QR detector and verified."""
    from datetime import date, timedelta

    import segno  # lazy: a check imports what it checks (a broken part fails that check only)
    # lazy: a check imports what it checks (a broken part fails that check only)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.domain.card_numbers import make_card_number
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.cards.payload import KeySigner, make_claims, sign_payload, verify_payload
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.cards.qr_read import qr_texts_from_file

    key = Ed25519PrivateKey.generate()
    today = date.today()
    claims = make_claims(card_number=make_card_number("SBH", 901, 1), national_number="119520304567",
                         first_name="منتفع", family_name="تجريبي", full_name="منتفع تجريبي",
                         date_of_birth=date(1950, 1, 1), issued_on=today, expires_on=today + timedelta(days=365),
                         device_id="SBH-901")
    text = sign_payload(claims, KeySigner("SBH-901", key))
    image = ctx.work / "card-qr.png"
    segno.make(text, error="m", micro=False).save(str(image), scale=4, border=4)
    texts = qr_texts_from_file(image)
    if texts != [text]:
        raise CheckFailed(Message("the QR code was not read back ({count} code(s) found)").format(count=len(texts)))
    if not verify_payload(texts[0], {"SBH-901": key.public_key()}).valid:
        raise CheckFailed(Message("the card code read back does not verify"))
    return Message("a signed card QR code read back by OpenCV's QR detector and verified (verify-card)")


def check_fonts(ctx: Context) -> Message:
    from fundclient import fonts  # lazy: a check imports what it checks (a broken part fails that check only)

    files = fonts.font_files()
    for path in files:
        if path.read_bytes()[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
            raise CheckFailed(Message("not a font file: {name}").format(name=path.name))
    if not qt_available():
        if ctx.require_qt:
            raise CheckFailed(NO_QT)
        return Message("{count} font files present (Qt not installed: not loaded)").format(count=len(files))
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.ui import qt_selftest

    families = ", ".join(qt_selftest.load_arabic_fonts())
    return Message("{count} font files; Qt renders Arabic with: {families}").format(count=len(files), families=families)


NO_QT = Message("PySide6 is not installed")


def check_translations(ctx: Context) -> Message:
    if not qt_available():
        if ctx.require_qt:
            raise CheckFailed(NO_QT)
        raise Skipped(Message("no GUI here (PySide6 not installed)"))
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.ui import qt_selftest

    detail = qt_selftest.load_catalogue("ar")
    return Message("The Arabic catalogue loads: {detail}").format(detail=detail)


def _device(ctx: Context):
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.sync.device import Device

    if not (ctx.data_dir / "device" / "enrolment.json").exists():
        return None
    return Device.load(ctx.data_dir)


def _hq_standing(ctx: Context, device, url: str) -> str | None:
    """HQ's signed word on this device (sync.probe.device_standing), asked once per run."""
    if "standing" not in ctx.shared:
        # lazy: a check imports what it checks (a broken part fails that check only)
        from fundclient.sync.http import TransportOptions, make_session
        # lazy: a check imports what it checks (a broken part fails that check only)
        from fundclient.sync.probe import device_standing

        session = make_session(Settings.load(ctx.data_dir))
        try:
            options = TransportOptions(connect_timeout=ctx.hq_timeout, read_timeout=ctx.hq_timeout)
            ctx.shared["standing"] = device_standing(session, url, device, options)
        finally:
            session.close()
    return ctx.shared["standing"]


REVOKED = Message("HQ has revoked this device: its batches and cards are refused. If the device was "
                  "recovered, ask HQ for a new token and enrol it again (fundclient enrol).")


def check_office(ctx: Context) -> Message:
    """Can the office set up here work? Office code, enrolment, a device number, not revoked."""
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.services.reference import office_reference
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.storage.keystore import Keystore

    if not _office_set_up(ctx.data_dir):
        raise Skipped(Message("no office set up in this data folder yet (the setup wizard, fundclient setup "
                              "or fundclient restore)"))
    settings = Settings.load(ctx.data_dir)
    code = settings.office_code
    if not code:
        raise CheckFailed(Message("No office code in the settings: no registration can be saved. Restore the "
                                  "office's last backup (fundclient restore) or set the office up again."))
    keystore_office = Keystore(ctx.data_dir).office_code()
    if keystore_office and keystore_office != code:
        raise CheckFailed(Message("The settings' office code '{code}' is not the office code of this data "
                                  "('{keystore_office}').").format(code=code, keystore_office=keystore_office))
    if code not in office_reference(ctx.data_dir).codes("offices"):
        raise CheckFailed(Message("Office code '{code}' is not in the fund's list of offices.").format(code=code))
    device = _device(ctx)
    if device is None:
        if (settings.hq_url or "").strip():
            raise CheckFailed(Message("An HQ address is set ({hq_url}) but this device is not enrolled "
                                      "there: nothing it saves is sent. Ask HQ for a token and enrol: "
                                      "fundclient enrol --server URL --token TOKEN").format(hq_url=settings.hq_url))
        number = settings.provisional_device_number
        if not 900 <= int(number or 0) <= 999:
            raise CheckFailed(Message("This device is not enrolled with HQ and has no provisional device "
                                      "number: cards cannot be numbered. Enrol it (fundclient enrol, or by "
                                      "USB: fundclient enrol-request) or give it a new provisional number "
                                      "when restoring (fundclient restore FILE --device-number 9xx)."))
        return Message("office {code}; device not enrolled with HQ yet, numbering cards with provisional "
                       "device number {number}").format(code=code, number=number)
    if device.office_code != code:
        raise CheckFailed(Message("The device is enrolled with HQ for office '{office_code}', not '{code}'.").format(office_code=device.office_code, code=code))
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.sync.outbox import Outbox

    refused = any(q.code == "revoked_device" for q in Outbox(ctx.data_dir, settings).quarantined())
    standing = _hq_standing(ctx, device, device.hq_url)
    if standing == "revoked" or (refused and standing != "active"):
        raise CheckFailed(REVOKED)
    if standing == "unknown":
        raise CheckFailed(Message("HQ does not know this device (enrolled with another server?). Ask HQ for "
                                  "a token and enrol again (fundclient enrol)."))
    if standing == "active":
        return Message("office {code}; device number {device_number} enrolled, and HQ confirms it is active").format(code=code, device_number=device.device_number)
    return Message("office {code}; device number {device_number} enrolled (HQ did not answer about it now)").format(code=code, device_number=device.device_number)


def check_hq(ctx: Context) -> Message:
    import requests  # lazy: a check imports what it checks (a broken part fails that check only)

    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.errors import SyncError
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.sync.http import OFFLINE, TransportOptions, make_session
    # lazy: a check imports what it checks (a broken part fails that check only)
    from fundclient.sync.probe import probe

    settings = Settings.load(ctx.data_dir)
    device = _device(ctx)
    url = (device.hq_url if device else settings.hq_url).rstrip("/")
    if not url:
        if ctx.require_hq:  # asked to prove the link: no link is a failure, not "does not apply"
            raise CheckFailed(Message("The HQ link was required (--require-hq) but no HQ address is configured."))
        raise Skipped(Message("no HQ address configured (not an error)"))
    session = make_session(settings)
    try:
        if device is None:  # no HQ key yet: only "a server answers there" can be known
            try:
                session.get(url + "/", timeout=ctx.hq_timeout, allow_redirects=False)
            except requests.RequestException:
                raise SyncError(OFFLINE, code="offline") from None
            return Message("{url} answers (device not enrolled yet: signature not checked)").format(url=url)
        if ctx.shared.get("standing") is not None:  # the office check heard HQ sign about this device
            return Message("{url} answers with HQ's signature").format(url=url)
        # The sync's own probe: online means HQ signed our fresh nonce (a captive portal cannot).
        options = TransportOptions(connect_timeout=ctx.hq_timeout, read_timeout=ctx.hq_timeout)
        if not probe(session, url, device, options):
            raise SyncError(Message("{url} did not answer with HQ's signature (offline, captive portal or "
                                    "wrong server)").format(url=url), code="hq_unverified")
    finally:
        session.close()
    return Message("{url} answers with HQ's signature").format(url=url)


@dataclass(frozen=True)
class Check:
    key: str
    title: Message
    run: Callable[[Context], Message]
    required: Callable[[Context], bool] = lambda ctx: True


CHECKS = (
    Check("data_dir", Message("Data folder"), check_data_dir),
    Check("database", Message("Encrypted database"), check_database),
    Check("migrations", Message("Database migrations"), check_migrations),
    Check("office", Message("Office and device enrolment"), check_office),
    Check("camera", Message("Camera"), check_camera, required=_camera_required),
    Check("face_detector", Message("Face detection"), check_face_detector),
    Check("crypto", Message("Encryption and signatures"), check_crypto),
    Check("card_qr", Message("Reading a card's QR code"), check_card_qr),
    Check("fonts", Message("Arabic fonts"), check_fonts),
    Check("translations", Message("Interface translation"), check_translations),
    # Offline-first: an office without a link today still works, so by default HQ only warns.
    Check("hq", Message("Connection to HQ"), check_hq,
          required=lambda ctx: ctx.require_hq),
)
CHECK_KEYS = tuple(check.key for check in CHECKS)


def _run_one(check: Check, ctx: Context) -> CheckResult:
    started = time.perf_counter()
    required = check.required(ctx)
    try:
        detail, status = check.run(ctx), PASS
    except Skipped as exc:
        detail, status = exc.reason, SKIP
    except FundError as exc:
        detail, status = exc.message, FAIL if required else WARN
    except Exception as exc:  # a self-test reports every failure; it must not stop at the first
        technical = f"{type(exc).__name__}: {exc}"
        detail = Message("Unexpected error in this check ({technical})").format(technical=technical)
        status = FAIL if required else WARN
    return CheckResult(check.key, check.title, status, detail, required, time.perf_counter() - started)


def run_selftest(data_dir: Path, *, only: tuple[str, ...] = (), require_qt: bool = False,
                 require_hq: bool = False, hq_timeout: float = 10.0, camera: str | None = None) -> Report:
    """Run the checks (all, or the keys in `only`) and return the report; never raises for a
    failed check. Uses a temp dir for everything it creates."""
    unknown = set(only) - set(CHECK_KEYS)
    if unknown:
        raise ValueError(f"unknown checks: {sorted(unknown)}")
    report = Report(fundclient.__version__, bool(getattr(sys, "frozen", False)))
    with tempfile.TemporaryDirectory(prefix="fundclient-selftest-") as work:
        ctx = Context(Path(data_dir), Path(work), require_qt, require_hq, hq_timeout, camera)
        for check in CHECKS:
            if not only or check.key in only:
                report.checks.append(_run_one(check, ctx))
        ctx.shared.clear()
    return report


def install_dir() -> Path:
    """Where the running program lives (the bundle folder when frozen)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(fundclient.__file__).resolve().parent

