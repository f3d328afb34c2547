"""#16 item 4, docs that run: every `fundclient …` command in a code block of README.md and
docs/*.md is run as written — against temp dirs, a real office and a real HQ on 127.0.0.1 —
and must exit 0. Only its placeholders are filled in (PLACEHOLDERS: a token, a device id, the
temp paths standing for /srv/fundhq or E:\\), and the passwords it would ask for are typed.
Commands that do not end (`serve`, the app) and those that need the fund's own PostgreSQL or
certificates have their arguments parsed instead (PARSE_ONLY). A command that no longer parses
or runs fails here with its file and line.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from fundclient.cli import build_parser, main
from fundclient.config import Settings, clear_run_overrides

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PASSWORD = "Doc-pass-2026!"  # typed at every password prompt (getpass)


@dataclass(frozen=True)
class DocCommand:
    doc: str
    line: int
    text: str
    part: int  # the doc's parts are separated by `---` (install.md: Arabic, then English)

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}: {self.text}"


def doc_commands() -> list[DocCommand]:
    """`fundclient …` lines of fenced code blocks, continuation lines joined, comments dropped."""
    found = []
    for path in DOCS:
        in_block, pending, start, part = False, "", 0, 0
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() == "---" and not in_block:
                part += 1
            if line.lstrip().startswith("```"):
                in_block, pending = not in_block, ""
                continue
            if not in_block:
                continue
            text = line.strip()
            if pending:
                text = pending + " " + text
            elif not re.match(r"(\$ )?fundclient(\s|$)", text):
                continue
            else:
                start = number
            if text.endswith("\\"):
                pending = text[:-1].strip()
                continue
            pending = ""
            text = re.sub(r"^\$ ", "", text)
            text = re.split(r"\s+#\s", text, maxsplit=1)[0].strip()  # a trailing comment
            found.append(DocCommand(path.relative_to(ROOT).as_posix(), start, text, part))
    return found


COMMANDS = doc_commands()


def _parse_only(command: DocCommand) -> str | None:
    """Why this command is parsed, not run (None: it is run)."""
    words = command.text.split()
    if words == ["fundclient"] or any(w in words for w in ("gui", "demo", "setup-wizard")):
        return "opens the app"
    if "serve" in words:
        return "a server that runs until stopped"
    if "db.fund.example" in command.text:
        return "needs the fund's PostgreSQL"
    return None


class Office:
    """The temp world a doc's commands run in: an office data dir, HQ's dir, a drive, files."""

    def __init__(self, tmp: Path, hq, hq_dir: Path) -> None:
        self.tmp, self.hq = tmp, hq
        self.data_dir, self.hq_dir, self.drive = tmp / "data", hq_dir, tmp / "usb"
        self.drive.mkdir()
        (tmp / "backups").mkdir()
        (tmp / "amal.txt").write_text("amal-pass-2026\n", encoding="utf-8")
        (tmp / "passphrase").write_text("", encoding="utf-8")
        shutil.copy(ROOT / "docs" / "import-example.csv", tmp / "import.csv")

    def set_up(self) -> None:
        main(["--data-dir", str(self.data_dir), "setup", "--office", "SBH", "--admin", "admin", "--device-number", "901"])
        clear_run_overrides()

    def token(self) -> str:
        from fundclient.hq.devices import create_token
        office = Settings.load(self.data_dir).office_code or "SBH"
        return create_token(self.hq.ingestor.engine, office, self.hq.ingestor.keys.active_sign)

    def device_id(self) -> str:
        from fundclient.hq.devices import list_devices
        devices = list_devices(self.hq.ingestor.engine)
        if not devices:
            from sync_helpers import enrol_office
            other = self.tmp / "other-office"
            enrol_office(self.hq, other)
            devices = list_devices(self.hq.ingestor.engine)
        return devices[-1]["device_id"]

    def enrol_request(self) -> str:
        other = self.tmp / "usb-office"
        office = Settings.load(self.data_dir).office_code or "SBH"  # the office the doc's token is for
        main(["--data-dir", str(other), "setup", "--office", office, "--admin", "admin"])
        main(["--data-dir", str(other), "enrol-request", "--to", str(self.drive)])
        clear_run_overrides()
        return str(next(self.drive.glob("fundclient-enrol-request-*.json")))

    def last_backup(self) -> str:
        return str(max((self.tmp / "backups").glob("*.zip")))

    def fill(self, text: str) -> str:
        """The placeholders of the docs, in the order they must be replaced."""
        rules = [
            (r"\[--[^\]]*\]", lambda m: ""),  # optional parts
            (r"https://(<[^>]+>|hq\.example/?)", lambda m: self.hq.url),
            (r"E:\\fund-backups\\<[^>]+>", lambda m: self.last_backup()),
            (r"E:\\fund-backups", lambda m: str(self.tmp / "backups")),
            (r"E:\\fundclient-enrol-request-ID\.json", lambda m: self.enrol_request()),
            (r"<رمز التسجيل>|\bTOKEN\b", lambda m: self.token()),
            (r"<اسم المستخدم>|\bUSER\b", lambda m: "admin"),
            (r"\bDEVICE_ID\b", lambda m: self.device_id()),
            (r"FILE\.csv\|FILE\.xlsx", lambda m: str(self.tmp / "import.csv")),
            (r"/srv/fundhq", lambda m: str(self.hq_dir)),
            (r"/media/usb", lambda m: str(self.drive)),
            (r"/etc/fundhq/passphrase", lambda m: str(self.tmp / "passphrase")),
        ]
        for pattern, value in rules:
            text = re.sub(pattern, value, text)
        return text


def argv_of(text: str) -> list[str]:
    return shlex.split(text, posix=True)[1:]


def test_the_docs_have_commands_and_every_one_parses():
    assert len(COMMANDS) > 20, COMMANDS
    parser = build_parser()
    for command in COMMANDS:
        text = re.sub(r"\[--[^\]]*\]", "", command.text)
        text = re.sub(r"<[^>]+>", "X", text).replace("FILE.csv|FILE.xlsx", "FILE.csv").replace("…", "X")
        try:
            parser.parse_args(argv_of(text.replace("\\", "/")))
        except SystemExit:
            pytest.fail(f"does not parse: {command}")


@pytest.mark.parametrize("doc, part", sorted({(c.doc, c.part) for c in COMMANDS}))
def test_every_command_of_the_doc_runs_as_written(doc, part, hq_sqlite, hq_dir, tmp_path, monkeypatch, capsys):
    office = Office(tmp_path, hq_sqlite, hq_dir)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FUNDCLIENT_DATA_DIR", str(office.data_dir))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    monkeypatch.setattr("builtins.input", lambda prompt="": "yes" if not prompt else "admin")
    commands = [c for c in COMMANDS if (c.doc, c.part) == (doc, part)]
    if not any(argv_of(c.text)[:1] == ["setup"] for c in commands):
        office.set_up()  # the doc assumes an office set up (by the wizard or `setup`)
    ran = 0
    for command in commands:
        if _parse_only(command):
            continue
        argv = argv_of(office.fill(command.text))
        if argv[:2] == ["hq", "--hq-dir"] and argv[3] == "init" and (Path(argv[2]) / "keys").exists():
            continue  # HQ's keys exist already: the test HQ made them (the doc's first step)
        capsys.readouterr()
        code = main(argv)
        clear_run_overrides()
        out, err = capsys.readouterr()
        assert code == 0, f"{command}\n→ exit {code}\n{out}\n{err}"
        ran += 1
    assert ran or all(_parse_only(c) for c in commands)
