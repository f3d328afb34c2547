#!/usr/bin/env python3
"""Start-up, measured as whole processes (#11 item 5): wall and CPU time of each, several runs,
with `python -c pass` as the baseline.

* `fundclient --version`                      goal < 0.3 s
* `fundclient status --json`                  (no ORM)
* the app's login window, cold: from the process start until the window is shown (the child
  quits at once; `fundclient --data-dir D` with a hook on `GuiApp.show`)   goal < 0.7 s
* a fresh-process login on a large store (`services.session.login`, as the login window's
  worker runs it), with the password's key derivation (Argon2id m=19 MiB t=2, or
  scrypt for an entry not yet upgraded: docs/security.md) reported apart                                        goal < 0.5 s
* a CLI command a person (or the OS scheduler) runs that logs in, through the real entry point:
  `fundclient seal --user U --password-file F` (the same login, housekeeping included, plus the
  CLI's own start: its parser, catalogue, logging; exit 1 = records still wait for enrolment)   goal < 0.5 s

As installed: the children reuse compiled bytecode (a temp cache) and read the compiled message
catalogues (.mo, made by `scripts/translations.py build` where missing or older than the .po, and
removed at the end if the benchmark made them); `--no-bytecode-cache` and `--po-in-memory`
measure a source checkout instead.

    .venv/bin/python benchmarks/startup.py --data-dir /tmp/fund-100k --runs 5
        # the data dir of benchmarks/ui_freeze_bench.py (user admin); built when missing
    .venv/bin/python benchmarks/startup.py --office /tmp/copy-of-1m --password P --runs 5
        # an office already built, e.g. a copy of benchmarks/search_recall.py's 1 M store
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

LOGIN_WINDOW = r"""
import json, os, resource, sys, time
import fundclient.ui.main as gui_main
from PySide6.QtCore import QTimer
shown = gui_main.GuiApp.show
def show(self):
    shown(self)
    def done():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime,
                          "orm": "sqlalchemy" in sys.modules, "alembic": "alembic" in sys.modules}),
              flush=True)
        os._exit(0)
    QTimer.singleShot(0, done)
gui_main.GuiApp.show = show
from fundclient.cli import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""

LOGIN = r"""
import json, resource, sys, time
began = time.perf_counter()
from fundclient.storage import keycrypto
kdf = [0.0]
derive = keycrypto.password_kek
def timed(*args, **kwargs):
    t = time.perf_counter()
    try:
        return derive(*args, **kwargs)
    finally:
        kdf[0] += time.perf_counter() - t
keycrypto.password_kek = timed
from fundclient.services.session import login, preload
preload()  # as the login window does while the person types
imported, cpu0 = time.perf_counter(), time.process_time()
session = login(sys.argv[1], sys.argv[2], sys.argv[3])
done, login_cpu = time.perf_counter(), time.process_time() - cpu0
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"import": imported - began, "login": done - imported, "kdf": kdf[0], "login_cpu": login_cpu,
                  "cpu": usage.ru_utime + usage.ru_stime, "orm": "sqlalchemy" in sys.modules,
                  "modules": len(sys.modules)}), flush=True)
session.store.close()
"""


def run(argv: list[str], env: dict, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """(wall s, CPU s of the child, its stdout)."""
    before = os.times()
    began = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - began
    after = os.times()
    if done.returncode not in ok:
        raise SystemExit(f"{argv[:4]} … exited {done.returncode}: {done.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, done.stdout


def line(name: str, walls: list[float], cpus: list[float], base: float, goal: str = "") -> None:
    print(f"| {name} | {statistics.median(walls):.2f} s ({min(walls):.2f}–{max(walls):.2f}) |"
          f" {statistics.median(cpus):.2f} s | {statistics.median(walls) / base:.1f} × | {goal} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/fundclient-bench-ui"))
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--office", type=Path, default=None,
                        help="an office already built (e.g. a copy of benchmarks/search_recall.py's "
                             "1 M store) instead of --data-dir/--records")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="compile the app's sources at every start (as with PYTHONDONTWRITEBYTECODE=1 and a "
                             "source checkout) instead of reusing bytecode as an installed app does")
    parser.add_argument("--po-in-memory", action="store_true",
                        help="leave a missing or stale compiled catalogue (.mo) so, as in a source checkout, every command "
                             "that speaks compiles the .po in memory, instead of the .mo files the installer ships")
    parser.add_argument("--user", default=None, help="with --office")
    parser.add_argument("--password", default=None, help="with --office")
    args = parser.parse_args()
    from ui_freeze_bench import PASSWORD, USER, build_office

    if args.office is not None:
        args.data_dir = args.office
        USER, PASSWORD = args.user or USER, args.password or PASSWORD
    else:
        build_office(args.data_dir, args.records)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    cache = None
    if not args.no_bytecode_cache:
        # As installed (the PyInstaller bundle carries compiled modules; pip compiles at
        # install): the children reuse bytecode, kept in a temp dir (this machine's shells set
        # PYTHONDONTWRITEBYTECODE, which makes every start compile the app's sources).
        cache = tempfile.TemporaryDirectory(prefix="startup-bench-pyc-")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache.name
    made = [] if args.po_in_memory else catalogues_as_installed(env)
    secret = tempfile.TemporaryDirectory(prefix="startup-bench-secret-")
    try:
        password_file = Path(secret.name) / "password.txt"
        password_file.write_text(PASSWORD + "\n", encoding="utf-8")
        return measure(args, env, USER, PASSWORD, password_file, cache is not None, not args.po_in_memory)
    finally:
        secret.cleanup()
        if cache is not None:
            cache.cleanup()
        for mo in made:  # the tree as it was found
            mo.unlink(missing_ok=True)


def catalogues_as_installed(env: dict) -> list[Path]:
    """The compiled catalogues (.mo) the installer ships (installer/bundle_plan.py runs
    `scripts/translations.py build`), made in the package's locale folder where one is missing
    or older than its .po — otherwise every command that speaks (`seal`'s summary, the login
    window) compiles the .po in memory, as only a source checkout does (fundclient.catalogue).
    Returns the files it made where there were none (removed at the end)."""
    from fundclient.catalogue import PACKAGE_LOCALE_DIR, SOURCE_PO_DIR

    pos = sorted(SOURCE_PO_DIR.glob("*.po"))
    missing = [PACKAGE_LOCALE_DIR / f"{po.stem}.mo" for po in pos if not (PACKAGE_LOCALE_DIR / f"{po.stem}.mo").exists()]
    stale = [po for po in pos if (PACKAGE_LOCALE_DIR / f"{po.stem}.mo").exists()
             and po.stat().st_mtime > (PACKAGE_LOCALE_DIR / f"{po.stem}.mo").stat().st_mtime]
    if missing or stale:
        script = Path(__file__).resolve().parents[1] / "scripts" / "translations.py"
        subprocess.run([sys.executable, str(script), "build", "--out", str(PACKAGE_LOCALE_DIR)], env=env, check=True,
                       capture_output=True)
    return missing


def measure(args, env: dict, user: str, password: str, password_file: Path, bytecode_cache: bool,
            compiled_catalogues: bool) -> int:
    py = sys.executable
    results: dict[str, tuple[list[float], list[float]]] = {}
    extra: dict[str, list[dict]] = {"login window": [], "login": []}
    for round_ in range(args.runs + 1):  # interleaved, so load changes hit every command alike
        for name, argv in (("python -c pass", [py, "-c", "pass"]),
                           ("fundclient --version", [py, "-m", "fundclient", "--version"]),
                           ("fundclient status --json", [py, "-m", "fundclient", "--data-dir", str(args.data_dir),
                                                         "status", "--json"]),
                           ("login window", [py, "-c", LOGIN_WINDOW, str(args.data_dir)]),
                           ("login", [py, "-c", LOGIN, str(args.data_dir), user, password]),
                           ("fundclient seal", [py, "-m", "fundclient", "--data-dir", str(args.data_dir), "seal",
                                                "--user", user, "--password-file", str(password_file)])):
            wall, cpu, out = run(argv, env, (0, 1) if name == "fundclient seal" else (0,))
            if round_ == 0:
                continue  # warm-up (bytecode written, disk cache filled), not counted
            results.setdefault(name, ([], []))
            results[name][0].append(wall)
            results[name][1].append(cpu)
            if name in extra:
                extra[name].append(json.loads(out.strip().splitlines()[-1]))
    base = statistics.median(results["python -c pass"][0])
    print(f"{args.runs} runs each, interleaved; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f};"
          f" store: {'the office ' if args.office else f'{args.records:,} records '}({args.data_dir});"
          f" {'bytecode cached (as installed)' if bytecode_cache else 'no bytecode cache (sources compiled at every start)'};"
          f" {'catalogues compiled (.mo, as installed)' if compiled_catalogues else 'catalogues compiled from .po in memory'};"
          " one warm-up round not counted")
    print("| command | wall, median (min–max) | CPU, median | ratio to `python -c pass` | goal |")
    print("|---|---|---|---|---|")
    line("python -c pass", *results["python -c pass"], base)
    line("fundclient --version", *results["fundclient --version"], base, "< 0.3 s")
    line("fundclient status --json", *results["fundclient status --json"], base)
    line("login window shown (cold process)", *results["login window"], base, "< 0.7 s")
    line("fresh-process login", *results["login"], base, "< 0.5 s")
    line("`fundclient seal --user … --password-file …` (a CLI command that logs in)", *results["fundclient seal"], base,
         "< 0.5 s")
    shown = extra["login window"]
    print(f"login window: SQLAlchemy imported by then in {sum(e['orm'] for e in shown)}/{len(shown)} runs,"
          f" Alembic in {sum(e['alembic'] for e in shown)}/{len(shown)}")
    logins = extra["login"]
    print(f"fresh-process login: SQLAlchemy imported in {sum(e['orm'] for e in logins)}/{len(logins)} runs;"
          f" {statistics.median(e['modules'] for e in logins):.0f} modules loaded")
    print("fresh-process login, medians: imports {:.2f} s (the app: while the password is typed), "
          "login() {:.2f} s wall / {:.2f} s CPU (what Sign in waits for) of which the password's KDF"
          " {:.2f} s; login() without it {:.2f} s".format(
              statistics.median(e["import"] for e in logins), statistics.median(e["login"] for e in logins),
              statistics.median(e["login_cpu"] for e in logins),
              statistics.median(e["kdf"] for e in logins),
              statistics.median(e["login"] - e["kdf"] for e in logins)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
