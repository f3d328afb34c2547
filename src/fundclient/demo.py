"""Demo mode: a throw-away office with sample beneficiaries, a file camera and an HQ intake
server running in-process on 127.0.0.1, so registering, printing and syncing all work on a
fresh machine with no set-up. Nothing here is used by a real office."""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fundclient.config import Settings
from fundclient import storage
from fundclient.services.session import login

log = logging.getLogger(__name__)

DEMO_OFFICE = "SBH"  # Sebha main office in the bundled reference list (records must validate)
DEMO_USERS = (  # user, password, role, full name
    ("demo", "demo-1234", "clerk", "موظف تجريبي"),
    ("supervisor", "demo-1234", "supervisor", "مشرف تجريبي"),
)
DEMO_ADMIN = ("admin", "demo-admin-1234")
SAMPLE_RECORDS = 300


@dataclass
class DemoEnvironment:
    root: Path
    data_dir: Path
    hq_dir: Path
    hq: object  # hq.server.RunningServer
    users: tuple = DEMO_USERS
    _closed: bool = field(default=False, repr=False)

    @property
    def hq_url(self) -> str:
        return self.hq.url

    def login_hint(self) -> str:
        return "  ·  ".join(f"{user} / {password}" for user, password, _, _ in self.users)

    def close(self, remove: bool = True) -> None:
        if self._closed:
            return
        self._closed = True
        self.hq.stop()
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)


def start_demo(root: Path | None = None, records: int = SAMPLE_RECORDS, seed: int = 7) -> DemoEnvironment:
    """Build a demo office (data dir) enrolled with a fresh in-process HQ."""
    from fundclient.hq.devices import create_token  # lazy: start-up (SQLAlchemy)
    from fundclient.hq.keys import HQKeys, init_keys  # lazy: start-up (cryptography)
    from fundclient.hq.server import start_in_thread  # lazy: FastAPI (the hq extra) only when used
    from fundclient.sync.enrol import enrol  # lazy: start-up (cryptography, requests)

    root = Path(root) if root else Path(tempfile.mkdtemp(prefix="fundclient-demo-"))
    data_dir, hq_dir = root / "office", root / "hq"
    hq_dir.mkdir(parents=True, exist_ok=True)
    init_keys(hq_dir)
    hq = start_in_thread(hq_dir)
    try:
        admin, admin_password = DEMO_ADMIN
        storage.initialise(data_dir, DEMO_OFFICE, admin, admin_password, "مدير تجريبي")
        settings = Settings.load(data_dir)
        settings.camera = str(_sample_camera())
        settings.hq_url = hq.url
        settings.extra["demo"] = True  # the app shows a DEMO banner
        settings.save(data_dir)
        token = create_token(hq.ingestor.engine, DEMO_OFFICE, HQKeys(hq_dir).active_sign)
        enrol(data_dir, hq.url, token, label="demo")
        _add_users_and_samples(data_dir, records, seed)
    except BaseException:
        hq.stop()
        raise
    return DemoEnvironment(root, data_dir, hq_dir, hq)


def _sample_camera() -> Path:
    from importlib.resources import files

    return Path(str(files("fundclient.resources") / "samples" / "face.jpg"))


def _add_users_and_samples(data_dir: Path, records: int, seed: int) -> None:
    from fundclient.domain.synthetic import generate  # lazy: start-up (8 more modules)
    # lazy: start-up (cryptography, rapidfuzz)
    from fundclient.services.registration import card_number_maker, number_dependants
    from fundclient.services.sealing import seal_pending  # lazy: start-up (14 more modules)

    admin, admin_password = DEMO_ADMIN
    session = login(data_dir, admin, admin_password)
    try:
        for user, password, role, full_name in DEMO_USERS:
            session.store.operators.add(user, password, role, full_name=full_name, by=admin)
        numbers = card_number_maker(session)
        for person in generate(records, seed=seed, near_duplicate_rate=0.03):
            person.office_code = DEMO_OFFICE
            number_dependants(session, person, numbers)
            session.store.beneficiaries.add(person, by=DEMO_USERS[0][0], card_number_from=numbers)
        seal_pending(session)
    finally:
        session.close()
