"""#17 item 6: every `fundclient` command ends with a one-line summary by one language rule and
exits by the one table in docs/install.md (0 done, 1 partly, 2 cannot start).

One office's life driven through the real `fundclient.cli.main`, against real encrypted files
and a real HQ on 127.0.0.1: every command of the parser is run at least once and its exit code
and summary asserted; a command added without a case here fails `test_every_command_is_exercised`.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest

from fundclient.cli import build_parser, main
from fundclient.config import clear_run_overrides
from fundclient.selftest import SAMPLE_FACE

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "import-example.csv"

# Commands that open a window and run the app's event loop: their exit code is the app's. Their
# refusal to start is exercised: setup-wizard here (an office exists), gui with real widgets in
# tests/ui/test_settings_on_load.py (a settings.json it cannot use: exit 2 and a window that says why).
OPENS_A_WINDOW = {("demo",), ("gui",)}


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """Every leaf command of the parser, e.g. ("hq", "devices"), ("operators", "add")."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield prefix
        return
    for action in subs:
        for name, sub in action.choices.items():
            yield from command_paths(sub, prefix + (name,))


ALL_COMMANDS = set(command_paths(build_parser()))
EXERCISED: dict[tuple[str, ...], set[int]] = {}


class Cli:
    """Runs `fundclient --data-dir D --lang en ARGV…` in this process; records each command's code."""

    def __init__(self, data_dir: Path, capsys) -> None:
        self.data_dir, self.capsys = data_dir, capsys

    def __call__(self, *argv: str, code: int, says: str = "", lang: str | None = "en", data_dir=None,
                 stdin: str | None = None, monkeypatch=None) -> tuple[str, str]:
        self.capsys.readouterr()
        if stdin is not None:
            monkeypatch.setattr("builtins.input", lambda *_: stdin)
        options = ["--data-dir", str(data_dir or self.data_dir)] + (["--lang", lang] if lang else [])
        got = main([*options, *argv])
        clear_run_overrides()
        out, err = self.capsys.readouterr()
        assert got == code, f"fundclient {' '.join(argv)} → {got}, expected {code}\n{out}\n{err}"
        if says:
            assert says in out + err, f"fundclient {' '.join(argv)} did not say {says!r}:\n{out}\n{err}"
        words = tuple(argv)
        key = max((p for p in ALL_COMMANDS if words[:len(p)] == p), key=len)
        EXERCISED.setdefault(key, set()).add(code)
        return out, err


@pytest.fixture
def cli(data_dir, capsys):
    return Cli(data_dir, capsys)


def write_secret(path: Path, text: str) -> str:
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def import_file(tmp_path: Path, *, bad_rows: int) -> str:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    header, good = lines[0].split(","), lines[1].split(",")
    rows = [good] + [[("0" if h == "national_number" else v) for h, v in zip(header, good)] for _ in range(bad_rows)]
    path = tmp_path / f"import-{bad_rows}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return str(path)


def test_an_office_life_every_command_says_what_it_did_and_exits_by_the_table(
        cli, data_dir, hq_sqlite, hq_dir, tmp_path, monkeypatch, qapp):
    # qapp: `card` draws with Qt; a QApplication made first keeps later widget tests possible.
    hq = ["--hq-dir", str(hq_dir)]
    pw = write_secret(tmp_path / "pw", "admin-pass-1")
    login = ["--user", "admin", "--password-file", pw]

    # --- before set-up: nothing can start, and it says so
    cli("sync", code=2, says="not enrolled")
    cli("status", code=0, says="0 beneficiaries")
    cli("setup", "--office", "XYZ", "--admin", "admin", "--password-file", pw, code=2, says="not in the fund's list")
    out, _ = cli("setup", "--office", "SBH", "--admin", "admin", "--password-file", pw, "--device-number", "901",
                 code=0, says="Print this recovery key")
    recovery = write_secret(tmp_path / "rk", out.strip().splitlines()[-1])
    cli("setup-wizard", code=2, says="already set up")
    cli("status", "--json", code=0)
    cli("audit", "verify", *login, code=0, says="Audit log intact")
    cli("audit", "verify", "--user", "admin", "--password-file", write_secret(tmp_path / "bad", "nope-nope-1"),
        code=2, says="")

    # --- registrations, before enrolment
    cli("import", import_file(tmp_path, bad_rows=1), *login, code=1, says="imported 1")
    cli("import", import_file(tmp_path, bad_rows=0), *login, code=0, says="already present 1")
    cli("report", "--from", "2000-01-01", "--to", "2100-01-01", "--out", str(tmp_path / "r.csv"), *login,
        code=0, says="Report written")
    cli("backup", "--to", str(tmp_path / "bk"), *login, code=0, says="Encrypted backup written")
    [backup] = (tmp_path / "bk").glob("*.zip")
    cli("restore", str(backup), code=2, says="Nothing was restored", stdin="no", monkeypatch=monkeypatch)
    cli("restore", str(backup), "--yes", code=0, says="Restored")
    pw2 = write_secret(tmp_path / "pw2", "admin-pass-2")
    cli("reset-password", "--user", "admin", "--recovery-key-file", write_secret(tmp_path / "rk-bad", "X" * 10),
        "--password-file", pw2, code=2)
    cli("reset-password", "--user", "admin", "--recovery-key-file", recovery, "--password-file", pw2,
        code=0, says="new password of 'admin' is set")
    login = ["--user", "admin", "--password-file", pw2]
    clerk_pw = write_secret(tmp_path / "clerk", "clerk-pass-1")
    cli("operators", "add", "sara", "--role", "clerk", "--new-password-file", clerk_pw, *login,
        code=0, says="Employee 'sara' added")
    cli("operators", "add", "sara", "--role", "clerk", "--new-password-file", clerk_pw, *login, code=2)
    cli("operators", "list", *login, code=0, says="2 employee(s), 2 with access")
    cli("operators", "disable", "sara", *login, code=0, says="Access of 'sara' was stopped")
    cli("operators", "enable", "sara", "--new-password-file", clerk_pw, *login, code=0, says="has access again")
    cli("operators", "reset-password", "sara", "--new-password-file", clerk_pw, *login, code=0,
        says="A new password is set")
    cli("rekey", *login, code=0, says="database key was rotated")
    cli("enrol-request", "--to", str(tmp_path), "--label", "front desk", code=0)
    [request] = tmp_path.glob("fundclient-enrol-request-*.json")

    # --- HQ: keys, tokens, reference data
    cli("hq", "init", *hq, code=2, says="HQ keys already exist")
    cli("hq", "init", "--hq-dir", str(tmp_path / "hq-other"), code=0, says="HQ keys created")
    out, err = cli("hq", "enrol-token", "--office", "SBH", *hq, code=0, says="valid until")
    token = out.strip()
    assert "valid until" in err and "valid until" not in out  # stdout is the token alone, for scripts
    cli("hq", "enrol-token", "--office", "XYZ", *hq, code=2)
    offline_token = cli("hq", "enrol-token", "--office", "sbh", *hq, code=0)[0].strip()
    cli("hq", "enrol-offline", str(request), "--token", offline_token, *hq, code=0)

    # --- enrolment seals what waited; the sync says what it did
    cli("enrol", "--server", hq_sqlite.url, "--token", token, *login, code=0, says="device is enrolled")
    cli("seal", *login, code=0, says="sealed")
    cli("sync", code=0, says="batch(es) sent and acknowledged; nothing is waiting")
    cli("sync-status", code=0, says="Everything was sent and acknowledged")
    cli("sync", "--json", code=0)
    cli("export-batches", "--to", str(tmp_path / "usb"), code=0, says="No batches are waiting")
    cli("import-acks", str(tmp_path / "usb"), code=2)
    cli("hq", "import-batches", str(tmp_path / "usb"), *hq, code=0, says="Batch files: 0")

    out, _ = cli("hq", "devices", *hq, code=0, says="2 device(s), 0 revoked")  # by USB and online
    assert "front desk" in out and "no label" in out  # enrolled without --label: said, not an empty column
    [device] = [d for d in json.loads(cli("hq", "devices", "--json", *hq, code=0)[0]) if not d["label"]]
    cli("hq", "revoke-device", "no-such-device", *hq, code=2)
    cli("hq", "revoke-device", device["device_id"], "--reason", "stolen", *hq, code=0,
        says="HQ refuses every batch from it from now on")

    # --- a revoked device: its batch is refused, the name sync-status shows is accepted by requeue
    from sync_helpers import people
    from fundclient.sync.outbox import Outbox
    Outbox(data_dir).seal([people(1, seed=9)[0].to_dict()])
    cli("sync", code=1, says="refused by HQ and quarantined")
    out, _ = cli("sync-status", code=1, says="sync-requeue")
    name = json.loads(cli("sync-status", "--json", code=1)[0])["quarantined"][0]["batch"]
    assert name in out
    cli("sync-requeue", name, code=0, says=f"Batch {name} is back in the queue")
    cli("sync-requeue", "no-such-batch", code=2)

    cli("hq", "export", "--format", "csv", "--out", str(tmp_path / "hq.csv"), *hq, code=0, says="record(s) written")
    cli("hq", "set-reference", "municipalities", "ZZZ", "--json", '{"ar": "زز", "en": "Zz"}', *hq, code=0,
        says="Reference data updated")
    cli("hq", "revoke-card", "SBH-001-000001-00", "--reason", "lost", *hq, code=0, says="revoked list")
    cli("hq", "add-user", "amal", "--role", "admin", "--password-file", write_secret(tmp_path / "amal", "amal-pass-123"),
        *hq, code=0, says="console account 'amal' is ready")
    cli("hq", "audit", "verify", *hq, code=0, says="Audit chain intact")
    cli("hq", "rotate-keys", *hq, code=0, says="Restart the server")

    # --- sealed HQ keys: the commands name the option that opens them
    sealed = ["--hq-dir", str(tmp_path / "hq-sealed")]
    phrase = write_secret(tmp_path / "phrase", "a long passphrase")
    cli("hq", "init", *sealed, "--passphrase-file", phrase, code=0)
    for argv in (["serve", "--port", "0"], ["enrol-token", "--office", "SBH"], ["rotate-keys"]):
        cli("hq", *argv, *sealed, code=2, says="--passphrase-file")
    cli("hq", "enrol-token", "--office", "SBH", *sealed, "--passphrase-file", phrase, code=0)

    # --- cards, camera, self-test
    cli("card", "--sample", "--pdf", str(tmp_path / "card.pdf"), code=0, says="card(s) made")
    cli("card", "--pdf", str(tmp_path / "none.pdf"), code=2, says="Give the record")
    cli("verify-card", "not a card", code=1, says="0 valid, 1 not valid")
    cli("camera", "list", code=0)
    cli("camera", "check", "--camera", str(SAMPLE_FACE), "--frames", "1", code=0, says="1 of 1 frame(s) passed")
    cli("selftest", "--only", "crypto", code=0, says="all required checks passed")


def test_every_command_is_exercised():
    """Runs after the office's life (same module): no command of the parser escapes the table."""
    missing = sorted(" ".join(p) for p in ALL_COMMANDS - set(EXERCISED) - OPENS_A_WINDOW)
    assert not missing, f"commands without an exit-code case in {Path(__file__).name}: {missing}"


# --- one language rule ------------------------------------------------------------------------

def test_one_language_rule_both_where_none_is_set(cli, data_dir, tmp_path):
    """No --lang and no office: both languages, Arabic first; the office's language once set;
    --lang beats it. The same rule for summaries and for refusals."""
    _, err = cli("sync", code=2, lang=None)
    assert "not enrolled" in err and "غير مسجَّل" in err
    assert err.index("غير") < err.index("not enrolled")
    from fundclient.config import Settings
    Settings(language="en").save(data_dir)
    _, err = cli("sync", code=2, lang=None)
    assert "not enrolled" in err and "غير" not in err
    _, err = cli("sync", code=2, lang="ar")
    assert "غير مسجَّل" in err and "not enrolled" not in err
    out, _ = cli("hq", "devices", "--hq-dir", str(tmp_path / "hq"), code=0, lang=None)
    assert "0 device(s)" in out and "غير" not in out
