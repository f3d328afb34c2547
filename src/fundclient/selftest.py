"""`fundclient selftest`: does this installation work, end to end, on this PC?

Run after an install or update (and by CI on the built bundle): each check exercises the
same code the app uses — a throw-away office with an encrypted DB created, migrated and read
back, the camera file source and face detector on a bundled photo, a batch sealed and opened
(HPKE ML-KEM-768+X25519, Ed25519), the Arabic fonts and the Arabic catalogue loaded in Qt,
and HQ answering a signed probe. Nothing touches the office's real data: every check works
in a temp dir; the data dir is only tested for being writable, and read for the HQ address.

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
    shared: dict = field(default_factory=dict)  # values one check hands the next


def qt_available() -> bool:
    return importlib.util.find_spec("PySide6") is not None


def _plain(text: str) -> Message:
    """Technical details (paths, counts, library errors) read the same in both languages."""
    return Message(text, text)


# --- the checks -------------------------------------------------------------------------------


def check_data_dir(ctx: Context) -> Message:
    ctx.data_dir.mkdir(parents=True, exist_ok=True)
    probe = ctx.data_dir / f".selftest-{secrets.token_hex(4)}"
    probe.write_bytes(b"ok")
    probe.unlink()
    return Message(f"قابل للكتابة: {ctx.data_dir}", f"writable: {ctx.data_dir}")


def check_database(ctx: Context) -> Message:
    from alembic.runtime.migration import MigrationContext

    from fundclient.storage.files import db_path
    from fundclient.storage.store import initialise, open_store

    office = ctx.work / "office"
    password = secrets.token_urlsafe(16)
    initialise(office, "SELFTEST", "selftest", password, full_name="اختبار ذاتي")
    store, operator = open_store(office, "selftest", password)
    try:
        integrity = store.integrity_check()
        with store.read() as conn:
            ctx.shared["db_revision"] = MigrationContext.configure(conn).get_current_revision()
    finally:
        store.close()
    if operator.full_name != "اختبار ذاتي":
        raise AssertionError("Arabic text did not read back unchanged")
    if integrity != "ok":
        raise AssertionError(f"integrity_check: {integrity}")
    if db_path(office).read_bytes()[:16] == b"SQLite format 3\x00":
        raise AssertionError("the database file is not encrypted")
    return Message("قاعدة بيانات مشفّرة أُنشئت وقُرئت بنجاح (SQLCipher)",
                   "encrypted database created and read back (SQLCipher)")


def check_migrations(ctx: Context) -> Message:
    from alembic.script import ScriptDirectory

    from fundclient.storage import migrate

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = list(scripts.walk_revisions())
    head = scripts.get_current_head()
    if not revisions or head is None:
        raise AssertionError(f"no migration scripts in {migrate.MIGRATIONS_DIR}")
    reached = ctx.shared.get("db_revision")
    if reached != head:
        raise AssertionError(f"test database at {reached}, scripts head {head}")
    return _plain(f"{len(revisions)} migrations, head {head}")


def check_camera(ctx: Context) -> Message:
    from fundclient.camera.sources import FileSource

    source = FileSource(SAMPLE_FACE)
    source.open()
    try:
        frame = source.read()
    finally:
        source.close()
    ctx.shared["frame"] = frame
    return _plain(f"file source: {SAMPLE_FACE.name} {frame.shape[1]}x{frame.shape[0]}")


def check_face_detector(ctx: Context) -> Message:
    import cv2

    from fundclient.camera.analysis import FaceAnalyser

    frame = ctx.shared.get("frame")
    if frame is None:
        raise AssertionError("no frame (camera check failed)")
    verdict = FaceAnalyser().analyse(frame)
    if len(verdict.faces) != 1:
        raise AssertionError(f"expected 1 face in the sample photo, found {len(verdict.faces)}")
    return _plain(f"Haar cascades load and find the face (OpenCV {cv2.__version__})")


def check_crypto(ctx: Context) -> Message:
    from fundclient.sync import envelope
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
        raise AssertionError("opened batch differs from the sealed one")
    tampered = bytearray(blob)
    tampered[len(blob) // 2] ^= 1
    try:
        envelope.check_signature(envelope.parse(bytes(tampered)), signing_public_bytes(device_private))
    except FundError:
        pass
    else:
        raise AssertionError("a tampered batch passed the signature check")
    return _plain("HPKE ML-KEM-768+X25519 seal/open, Ed25519 sign/verify, tampering detected")


def check_fonts(ctx: Context) -> Message:
    from fundclient import fonts

    files = fonts.font_files()
    for path in files:
        if path.read_bytes()[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
            raise AssertionError(f"not a font file: {path.name}")
    if not qt_available():
        if ctx.require_qt:
            raise AssertionError("PySide6 is not installed")
        return _plain(f"{len(files)} font files present (Qt not installed: not loaded)")
    from fundclient.ui import qt_selftest

    families = qt_selftest.load_arabic_fonts()
    return _plain(f"{len(files)} font files; Qt renders Arabic with: {', '.join(families)}")


def check_translations(ctx: Context) -> Message:
    if not qt_available():
        if ctx.require_qt:
            raise AssertionError("PySide6 is not installed")
        raise Skipped(Message("لا توجد واجهة رسومية (PySide6 غير مثبت)", "no GUI here (PySide6 not installed)"))
    from fundclient.ui import qt_selftest

    return _plain(qt_selftest.load_catalogue("ar"))


def check_hq(ctx: Context) -> Message:
    import requests

    from fundclient.errors import SyncError
    from fundclient.sync.device import Device
    from fundclient.sync.http import OFFLINE, TransportOptions, make_session
    from fundclient.sync.probe import probe

    settings = Settings.load(ctx.data_dir)
    device = None
    if (ctx.data_dir / "device" / "enrolment.json").exists():
        device = Device.load(ctx.data_dir)
    url = (device.hq_url if device else settings.hq_url).rstrip("/")
    if not url:
        raise Skipped(Message("لم يُضبط عنوان الإدارة العامة بعد (ليس خطأ)", "no HQ address configured (not an error)"))
    session = make_session(settings)
    try:
        if device is None:  # no HQ key yet: only "a server answers there" can be known
            try:
                session.get(url + "/", timeout=ctx.hq_timeout, allow_redirects=False)
            except requests.RequestException:
                raise SyncError(OFFLINE, code="offline") from None
            return Message(f"{url} يستجيب (الجهاز غير مسجَّل بعد: لم يُتحقق من التوقيع)",
                           f"{url} answers (device not enrolled yet: signature not checked)")
        # The sync's own probe: online means HQ signed our fresh nonce (a captive portal cannot).
        options = TransportOptions(connect_timeout=ctx.hq_timeout, read_timeout=ctx.hq_timeout)
        if not probe(session, url, device, options):
            raise SyncError(Message(f"{url} لم يُجب بتوقيع الإدارة العامة (لا اتصال، أو بوابة شبكة، أو خادم آخر)",
                                    f"{url} did not answer with HQ's signature (offline, captive portal or wrong "
                                    "server)"), code="hq_unverified")
    finally:
        session.close()
    return Message(f"{url} يستجيب بتوقيع الإدارة العامة", f"{url} answers with HQ's signature")


@dataclass(frozen=True)
class Check:
    key: str
    title: Message
    run: Callable[[Context], Message]
    required: Callable[[Context], bool] = lambda ctx: True


CHECKS = (
    Check("data_dir", Message("مجلد البيانات", "Data folder"), check_data_dir),
    Check("database", Message("قاعدة البيانات المشفّرة", "Encrypted database"), check_database),
    Check("migrations", Message("ترقيات قاعدة البيانات", "Database migrations"), check_migrations),
    Check("camera", Message("مصدر الكاميرا", "Camera source"), check_camera),
    Check("face_detector", Message("كشف الوجه", "Face detection"), check_face_detector),
    Check("crypto", Message("التشفير والتوقيع", "Encryption and signatures"), check_crypto),
    Check("fonts", Message("الخطوط العربية", "Arabic fonts"), check_fonts),
    Check("translations", Message("ترجمة الواجهة", "Interface translation"), check_translations),
    # Offline-first: an office without a link today still works, so by default HQ only warns.
    Check("hq", Message("الاتصال بالإدارة العامة", "Connection to HQ"), check_hq,
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
        detail, status = _plain(f"{type(exc).__name__}: {exc}"), FAIL if required else WARN
    return CheckResult(check.key, check.title, status, detail, required, time.perf_counter() - started)


def run_selftest(data_dir: Path, *, only: tuple[str, ...] = (), require_qt: bool = False,
                 require_hq: bool = False, hq_timeout: float = 10.0) -> Report:
    """Run the checks (all, or the keys in `only`) and return the report; never raises for a
    failed check. Uses a temp dir for everything it creates."""
    unknown = set(only) - set(CHECK_KEYS)
    if unknown:
        raise ValueError(f"unknown checks: {sorted(unknown)}")
    report = Report(fundclient.__version__, bool(getattr(sys, "frozen", False)))
    with tempfile.TemporaryDirectory(prefix="fundclient-selftest-") as work:
        ctx = Context(Path(data_dir), Path(work), require_qt, require_hq, hq_timeout)
        for check in CHECKS:
            if not only or check.key in only:
                report.checks.append(_run_one(check, ctx))
        ctx.shared.clear()
    return report


def exit_code(report: Report) -> int:
    return 0 if report.ok else 1


def install_dir() -> Path:
    """Where the running program lives (the bundle folder when frozen)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(fundclient.__file__).resolve().parent

