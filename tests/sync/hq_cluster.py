"""A real HQ cluster on 127.0.0.1 (#15): Debian's nginx with TLS — running the configuration
docs/hq-deploy/nginx-fundhq.conf — in front of N `fundclient hq serve` processes on one
PostgreSQL, and simulated office devices that seal a day of registrations with photos and sync
them at once over throttled links. Used by tests/sync/test_hq_national_load.py (small) and
benchmarks/hq_load.py (60 devices); one implementation for both.

Each device records every HTTP exchange it makes (method, path, offsets, status), so the run
can show that no upload was created twice and every resume started at the byte HQ held.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
NGINX_SITE = ROOT / "docs" / "hq-deploy" / "nginx-fundhq.conf"
HAPROXY_CFG = ROOT / "docs" / "hq-deploy" / "haproxy-fundhq.cfg"
OFFICES = ["SBH", "BRK", "TRG", "QRQ", "GHT", "BWN"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (the offices pin it in `ca_bundle`) and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    os.chmod(folder / "key.pem", 0o600)
    return folder / "cert.pem", folder / "key.pem"


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    return env


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    """The machine's load averages as `uptime` prints them (benchmarks record the load)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip().split("load average:")[-1].strip()


def postgres_cpu_seconds(pg) -> float:
    """CPU of a throwaway PostgreSQL (scripts/dev.py ThrowawayPostgres: postmaster and backends) so far."""
    if pg is None or pg.dir is None:
        return 0.0
    try:
        pid = int((pg.dir / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return children_cpu_seconds(pid)


def children_cpu_seconds(parent: int) -> float:
    """CPU of a process, its children that ended (reaped) and those still running
    (PostgreSQL's postmaster and its backends)."""
    try:
        fields = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    total = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class Node:
    """One HQ node: `fundclient hq serve` in its own process (so it can be SIGKILLed)."""

    def __init__(self, hq_dir: Path, database_url: str, port: int | None = None, log: Path | None = None,
                 workers: int = 1, python: tuple[str, ...] = ()) -> None:
        """`python`: the interpreter and its arguments (default: this one; a benchmark's
        profiler wrapper)."""
        self.hq_dir, self.database_url, self.workers = hq_dir, database_url, workers
        self.python = python or (sys.executable,)
        self.port = port or free_port()
        self.log = log or hq_dir.parent / f"node-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self.cpu_before_restart = 0.0
        self.started_in = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Node":
        cmd = [*self.python, "-m", "fundclient", "hq", "--hq-dir", str(self.hq_dir), "--database-url",
               self.database_url, "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--forwarded-allow-ips", "127.0.0.1", "--no-access-log", "--workers", str(self.workers)]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=_env())
        begun = time.monotonic()
        deadline = begun + 120
        while True:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    self.started_in = time.monotonic() - begun
                    return self
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"HQ node did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no clean-up, no goodbye — as a crash or the OOM killer would."""
        self.cpu_before_restart += self.cpu()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cpu(self) -> float:
        """The node's CPU so far: its process and, with --workers, the worker processes."""
        if not (self.process and self.process.poll() is None):
            return 0.0
        return children_cpu_seconds(self.process.pid) if self.workers > 1 else cpu_seconds(self.process.pid)


def nginx_site(ports: list[int], listen: int, cert: Path, key: Path, log_dir: Path) -> str:
    """docs/hq-deploy/nginx-fundhq.conf with this machine's ports, certificate and log path."""
    text = NGINX_SITE.read_text()
    example = "\n".join(line for line in text.splitlines() if line.strip().startswith("server 10.0.0."))
    node_lines = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports)
    for old, new in ((example, node_lines), ("listen 443 ssl;", f"listen 127.0.0.1:{listen} ssl;"),
                     ("/etc/ssl/fundhq/fullchain.pem", str(cert)), ("/etc/ssl/fundhq/privkey.pem", str(key)),
                     ("/var/log/nginx/fundhq-access.log", str(log_dir / "access.log"))):
        assert old in text, old
        text = text.replace(old, new)
    return text


class Nginx:
    """Debian's nginx in the foreground with a throwaway prefix (pid, logs, temp files)."""

    def __init__(self, root: Path, ports: list[int], cert: Path, key: Path) -> None:
        self.root = root
        self.port = free_port()
        root.mkdir(parents=True, exist_ok=True)
        (root / "site.conf").write_text(nginx_site(ports, self.port, cert, key, root))
        user = "user root;\n" if os.geteuid() == 0 else ""
        temps = "".join(f"    {kind}_temp_path {root / kind};\n" for kind in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (root / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {root / 'nginx.pid'};\nerror_log {root / 'error.log'} warn;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n{temps}    include {root / 'site.conf'};\n}}\n")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> "Nginx":
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        conf = str(self.root / "nginx.conf")
        check = subprocess.run([binary, "-t", "-p", str(self.root), "-c", conf], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t: {check.stderr}")
        self.process = subprocess.Popen([binary, "-p", str(self.root), "-c", conf, "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start: " + (self.root / "error.log").read_text()[-2000:])
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def access_log(self) -> list[str]:
        return self.access_log_of(self.root)

    @staticmethod
    def access_log_of(root: Path) -> list[str]:
        path = root / "access.log"
        return path.read_text().splitlines() if path.exists() else []


@dataclass
class Exchange:
    method: str
    batch_id: str
    sent_offset: int | None  # Upload-Offset the device sent (PATCH)
    status: int | None  # None: the connection was cut
    held_offset: int | None  # Upload-Offset HQ answered


@dataclass
class BatchRun:
    batch_id: str
    records: int
    started: float = 0.0
    acked: float = 0.0
    attempts: int = 0


@dataclass
class SimDevice:
    """An office device: an enrolled data dir, its sealed batches, and a throttled link."""

    root: Path
    office: str
    seed: int
    rate: float  # bytes per second on its link
    exchanges: list[Exchange] = field(default_factory=list)
    runs: list[BatchRun] = field(default_factory=list)
    sealed: list[tuple[str, int]] = field(default_factory=list)  # (record id, revision)
    error: str | None = None
    pipelined: bool = True  # False: one batch at a time, as offices before 2026-11-30 evening

    def enrol(self, base_url: str, token: str, cert: Path) -> None:
        from fundclient.config import Settings
        from fundclient.sync.enrol import enrol
        self.root.mkdir(parents=True, exist_ok=True)
        settings = Settings.load(self.root)
        settings.ca_bundle = str(cert)
        settings.save(self.root)
        enrol(self.root, base_url, token)

    def seal(self, count: int) -> None:
        import sync_helpers
        from fundclient.sync.outbox import Outbox
        persons = sync_helpers.people(count, office=self.office, seed=self.seed)
        shots = {p.record_id: [sync_helpers.Photo(data=sync_helpers.fake_jpeg(20_000, seed=self.seed * 100_000 + i),
                                                  quality={"sharpness": 0.9})]
                 for i, p in enumerate(persons)}
        Outbox(self.root).seal([p.to_dict() for p in persons], shots)
        self.sealed = [(p.record_id, p.revision) for p in persons]

    def sync(self, base_url: str, deadline: float) -> None:
        """Send every pending batch, retrying after cuts (a 502 when a node dies, a reset) until
        each one's signed ack is stored; the device's own code does the resuming."""
        from fundclient.config import Settings
        from fundclient.sync.device import Device
        from fundclient.sync.http import RefusedError, TransientError, TransportOptions, make_session
        from fundclient.sync.outbox import Outbox, batch_id_of
        from fundclient.sync.upload import BatchUploader, Pipeline

        session = make_session(Settings.load(self.root))
        session.hooks["response"].append(self._record)
        outbox = Outbox(self.root)
        options = TransportOptions(connect_timeout=5, read_timeout=60)

        def throttle(n: int) -> None:
            time.sleep(n / self.rate)

        # (throttled per piece, the office's own pieces: they adapt to the rate, as on a real link)
        uploader = BatchUploader(session, base_url, outbox, Device.load(self.root), options, throttle)
        pending = outbox.pending()
        # (as the office's sync run does: the next batch in flight while HQ ingests one)
        pipeline = Pipeline(uploader, pending) if self.pipelined else None
        try:
            for index, path in enumerate(pending):
                run = BatchRun(batch_id_of(path), self._records_in(path), started=time.monotonic())
                self.runs.append(run)
                while True:
                    run.attempts += 1
                    try:
                        pipeline.attempt(index) if pipeline else uploader.attempt(path)
                        run.acked = time.monotonic()
                        break
                    except TransientError:
                        self.exchanges.append(Exchange("CUT", run.batch_id, None, None, None))
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(random.uniform(0.2, 0.8))
        except (TransientError, RefusedError) as exc:
            self.error = f"{type(exc).__name__}: {getattr(exc, 'code', '')} {getattr(exc, 'detail', '')}"
        finally:
            if pipeline:
                pipeline.close()
            session.close()

    def _records_in(self, path: Path) -> int:
        from fundclient.sync.envelope import parse
        return parse(path.read_bytes()).header["count"]

    def _record(self, response: requests.Response, *args, **kwargs) -> None:
        request = response.request
        path = request.path_url
        if not path.startswith("/tus/"):
            return
        batch_id = path.removeprefix("/tus/") or _batch_of(request.headers.get("Upload-Metadata", ""))
        sent = request.headers.get("Upload-Offset")
        held = response.headers.get("Upload-Offset")
        self.exchanges.append(Exchange(request.method, batch_id, int(sent) if sent else None, response.status_code,
                                       int(held) if held else None))

    def acks(self) -> list[dict]:
        return [json.loads(p.read_text()) for p in sorted((self.root / "outbox" / "acks").glob("*.json"))]


def _batch_of(metadata: str) -> str:
    import base64
    for part in metadata.split(","):
        key, _, value = part.strip().partition(" ")
        if key == "batch_id":
            return base64.b64decode(value).decode()
    return ""


def upload_history_problems(devices: list[SimDevice]) -> list[str]:
    """What would show an upload restarted from zero or HQ forgetting bytes: an upload created
    twice, a HEAD that lost an upload HQ had answered for, or a HEAD answering fewer bytes than HQ
    had confirmed in an earlier answer."""
    problems = []
    for device in devices:
        confirmed: dict[str, int] = {}
        created: dict[str, int] = {}
        for ex in device.exchanges:
            if ex.method == "POST" and ex.status == 201:
                created[ex.batch_id] = created.get(ex.batch_id, 0) + 1
                if created[ex.batch_id] > 1:
                    problems.append(f"{ex.batch_id}: created again")
            if ex.method == "HEAD":
                if ex.status == 404 and ex.batch_id in created:
                    problems.append(f"{ex.batch_id}: HQ forgot an upload it had created")
                if ex.held_offset is not None and ex.held_offset < confirmed.get(ex.batch_id, 0):
                    problems.append(f"{ex.batch_id}: HQ held {ex.held_offset} after confirming "
                                    f"{confirmed[ex.batch_id]}")
            if ex.held_offset is not None and ex.status in (200, 201, 204):
                confirmed[ex.batch_id] = max(confirmed.get(ex.batch_id, 0), ex.held_offset)
    return problems


def resumed_from_held_bytes(devices: list[SimDevice]) -> int:
    """PATCHes that continued an upload from a byte > 0 after a cut."""
    count = 0
    for device in devices:
        cut: set[str] = set()
        for ex in device.exchanges:
            if ex.method == "CUT":
                cut.add(ex.batch_id)
            elif ex.method == "PATCH" and ex.batch_id in cut and (ex.sent_offset or 0) > 0:
                count += 1
                cut.discard(ex.batch_id)
    return count


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


@dataclass
class LoadResult:
    nodes: int
    devices: int
    records: int
    wall: float
    p95_ack: float
    kills: int
    resumed: int
    cuts: int
    node_cpu: float
    problems: list[str]
    errors: list[str]


def run_load(work: Path, database_url: str, *, nodes: int, devices: int, records_per_device: int,
             rate: float, kill_after: float | None, on_progress=print) -> tuple[LoadResult, list[SimDevice], list[Node]]:
    """Seal, enrol and sync `devices` offices through nginx in front of `nodes` HQ nodes; when
    `kill_after` is set, SIGKILL node 1 that many seconds into the sync and restart it."""
    from fundclient.hq.db import open_engine
    from fundclient.hq.devices import create_token
    from fundclient.hq.keys import HQKeys, init_keys
    from fundclient.hq.migrate import drop_everything

    hq_dir = work / "hq"
    init_keys(hq_dir)
    engine = open_engine(hq_dir, database_url)
    drop_everything(engine)
    engine.dispose()
    engine = open_engine(hq_dir, database_url)
    cert, key = self_signed(work / "tls")
    cluster = [Node(hq_dir, database_url, log=work / f"node{i + 1}.log").start() for i in range(nodes)]
    proxy = Nginx(work / "nginx", [n.port for n in cluster], cert, key).start()
    sims: list[SimDevice] = []
    try:
        sign = HQKeys(hq_dir).active_sign
        # Enrolment is not the load under test, and nginx and the nodes allow one address only a
        # few enrolments a minute: the devices enrol through a node of their own without rates.
        from fundclient.hq.limits import Limits
        from fundclient.hq.server import start_in_thread
        enroler = start_in_thread(hq_dir, database_url, limits=Limits(max_batch_bytes=8 * 1024 * 1024, rates=[]))
        try:
            for i in range(devices):
                sim = SimDevice(work / f"device{i:03d}", OFFICES[i % len(OFFICES)], seed=1000 + i, rate=rate)
                sim.enrol(enroler.url, create_token(engine, sim.office, sign), cert)
                sim.seal(records_per_device)
                sims.append(sim)
        finally:
            enroler.stop()
        on_progress(f"{devices} devices enrolled, {devices * records_per_device} registrations sealed")
        cpu0 = sum(n.cpu() for n in cluster)
        started = time.monotonic()
        deadline = started + 600
        threads = [threading.Thread(target=s.sync, args=(proxy.url, deadline), daemon=True) for s in sims]
        for t in threads:
            t.start()
        kills = 0
        if kill_after is not None:
            time.sleep(kill_after)
            cluster[0].kill()
            kills += 1
            on_progress(f"node 1 SIGKILLed at {time.monotonic() - started:.1f} s")
            time.sleep(1.0)
            restart = threading.Thread(target=cluster[0].start, daemon=True)
            restart.start()
            threads.append(restart)
        for t in threads:
            t.join(timeout=max(1.0, deadline - time.monotonic()))
        if kill_after is not None:
            on_progress(f"node 1 back (restart took {cluster[0].started_in:.1f} s)")
        acked = [r.acked for s in sims for r in s.runs if r.acked]
        wall = (max(acked) if acked else time.monotonic()) - started  # to the last signed ack
        node_cpu = sum(n.cpu() + n.cpu_before_restart for n in cluster) - cpu0
        latencies = [r.acked - r.started for s in sims for r in s.runs if r.acked]
        result = LoadResult(nodes=nodes, devices=devices, records=sum(len(s.sealed) for s in sims), wall=wall,
                            p95_ack=percentile(latencies, 95), kills=kills, resumed=resumed_from_held_bytes(sims),
                            cuts=sum(1 for s in sims for e in s.exchanges if e.method == "CUT"), node_cpu=node_cpu,
                            problems=upload_history_problems(sims),
                            errors=[f"{s.root.name}: {s.error}" for s in sims if s.error]
                            + [f"{s.root.name}: thread still running" for s, t in zip(sims, threads) if t.is_alive()]
                            + [f"node {i + 1} not running at the end" for i, n in enumerate(cluster)
                               if n.process is None or n.process.poll() is not None])
        return result, sims, cluster
    finally:
        proxy.stop()
        for node in cluster:
            node.stop()
        engine.dispose()


def hq_export(hq_dir: Path, database_url: str) -> list[dict]:
    """`fundclient hq export --format jsonl`, as an operator runs it."""
    out = subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "--database-url",
                          database_url, "export", "--format", "jsonl"], capture_output=True, text=True, env=_env(),
                         timeout=600, check=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def export_problems(exported: list[dict], sims: list[SimDevice]) -> list[str]:
    """Every record the offices sealed is at HQ exactly once, from the office that sent it."""
    from collections import Counter
    held = Counter((r["record_id"], r["revision"]) for r in exported)
    office_of = {(r["record_id"], r["revision"]): r["office_code"] for r in exported}
    problems = [f"{key} held {n} times" for key, n in held.items() if n != 1]
    sent = {key: s.office for s in sims for key in s.sealed}
    problems += [f"{key} missing at HQ" for key in sent if key not in held]
    problems += [f"{key} at HQ but sent by no office" for key in held if key not in sent]
    problems += [f"{key} filed under {office_of[key]}, sent by {sent[key]}" for key in sent
                 if key in office_of and office_of[key] != sent[key]]
    return problems


def unsigned_acks(sims: list[SimDevice]) -> list[str]:
    """Every stored ack verified again against HQ's signing keys, and one per sent batch."""
    from fundclient.errors import SyncError
    from fundclient.sync.ack import verify_ack
    from fundclient.sync.device import Device
    problems = []
    for sim in sims:
        device = Device.load(sim.root)
        acks = {doc["ack"]["batch_id"]: doc for doc in sim.acks()}
        for run in sim.runs:
            doc = acks.get(run.batch_id)
            if doc is None:
                problems.append(f"{sim.root.name} {run.batch_id}: no ack")
                continue
            try:
                verify_ack(doc, device.hq_signing_keys, batch_id=run.batch_id, device_id=device.device_id)
            except SyncError:
                problems.append(f"{sim.root.name} {run.batch_id}: ack not signed by HQ")
    return problems
