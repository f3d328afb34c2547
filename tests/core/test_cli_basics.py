import re
import subprocess
import sys

from fundclient import __version__
from fundclient.cli import main


def test_version_flag(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_runs_as_a_process():
    out = subprocess.run([sys.executable, "-m", "fundclient", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "--data-dir" in out.stdout


def test_version_imports_no_database_stack():
    """`fundclient --version` answers without SQLAlchemy, SQLCipher or Alembic (#11 item 5)."""
    import subprocess
    import sys

    code = ("import sys; from fundclient.cli import main; main(['--version']);"
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'sqlcipher3', 'PySide6') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0].startswith("fundclient ")
    assert out.splitlines()[-1] == "[]"


def test_status_imports_no_orm_and_a_login_no_alembic(data_dir):
    """`fundclient status` reads status.json without SQLAlchemy, SQLCipher or Alembic; opening a
    store whose schema is at head imports no Alembic (only a migration does), and a login no
    HTTP stack (the reference data is read from its files; only a sync pulls it) (#11 item 5)."""
    import json
    import subprocess
    import sys

    from fundclient.storage import initialise

    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    heavy = "('sqlalchemy', 'alembic', 'mako', 'sqlcipher3', 'PySide6')"
    code = ("import sys; from fundclient.cli import main; code = main(['--data-dir', sys.argv[1], 'status', '--json']);"
            f"print(sorted(m for m in {heavy} if m in sys.modules))")
    lines = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert json.loads(lines[0])["office_code"] == "SBH"
    assert lines[-1] == "[]"
    code = ("import sys; from fundclient.services.session import login;"
            "login(sys.argv[1], 'admin', 'admin-pass-1').close();"
            "print(sorted(m for m in ('alembic', 'mako', 'requests', 'urllib3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]", out.stderr


def test_the_migration_head_read_from_the_scripts_is_alembics():
    from alembic.script import ScriptDirectory

    from fundclient.storage import migrate

    assert migrate.head_revision() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()



def test_one_spelling_enrol_and_the_old_one_still_understood(capsys):
    """`enrol` everywhere (#16); the old `enroll` spelling runs the same command, unseen in the help."""
    from fundclient.cli import build_parser, one_spelling

    parser = build_parser()
    parser.print_help()
    top = capsys.readouterr().out
    hq = next(a for a in parser._subparsers._group_actions[0].choices.items() if a[0] == "hq")[1]
    hq.print_help()
    hq_help = capsys.readouterr().out
    old_spelling = re.compile(r"enroll(?!ed|ing)")  # "enrolled" is the one spelling's past tense
    assert " enrol " in top and "enrol-request" in top and not old_spelling.search(top)
    assert "enrol-token" in hq_help and "enrol-offline" in hq_help and not old_spelling.search(hq_help)
    old = parser.parse_args(one_spelling(["hq", "enroll-token", "--office", "SBH"]))
    new = parser.parse_args(["hq", "enrol-token", "--office", "SBH"])
    assert old.handler is new.handler
    assert parser.parse_args(one_spelling(["enroll-request", "--to", "E:"])).handler is \
        parser.parse_args(["enrol-request", "--to", "E:"]).handler


def test_the_table_of_command_modules_is_what_each_module_registers():
    """A command imports only its own module (cli.COMMAND_MODULES, #11 item 5): the table names
    every command each module registers, in the help's order, and nothing else."""
    import importlib

    from fundclient.cli import COMMAND_MODULES, build_parser
    from fundclient.cli.parser import FundParser

    for module, commands in COMMAND_MODULES.items():
        parser = FundParser(prog="fundclient")
        sub = parser.add_subparsers(dest="command")
        importlib.import_module(f"fundclient.cli.{module}").register(sub)
        assert tuple(sub.choices) == commands, module
    whole = build_parser()._subparsers._group_actions[0].choices
    assert tuple(whole) == tuple(c for commands in COMMAND_MODULES.values() for c in commands)


def test_the_command_is_read_as_argparse_reads_it():
    from fundclient.cli import ALL, GLOBAL_FLAGS, GLOBAL_VALUES, build_parser, command_of

    assert command_of(["seal", "--user", "a"]) == "seal"
    assert command_of(["--data-dir", "D", "--lang=en", "-v", "seal", "--user", "a"]) == "seal"
    assert command_of(["--data-dir=seal", "--camera", "0", "status"]) == "status"
    assert command_of(["--data-dir", "D"]) is None  # the app
    assert command_of([]) is None
    for unsure in (["--help"], ["-h", "seal"], ["--data", "D", "seal"], ["sael"], ["--", "seal"], ["-vh"]):
        assert command_of(unsure) is ALL, unsure
    # the options it steps over are the parser's global ones, with and without a value
    globals_ = [a for a in build_parser(None)._actions if a.option_strings and a.dest not in ("help", "version")]
    assert {o for a in globals_ if a.nargs != 0 for o in a.option_strings} == set(GLOBAL_VALUES)
    assert {o for a in globals_ if a.nargs == 0 for o in a.option_strings} == set(GLOBAL_FLAGS)


def test_a_command_builds_only_its_own_module_and_runs_the_same(capsys):
    """`seal --help` shows seal's help from a parser that knows only cli.sync; a mistyped command
    still lists them all (the whole parser answers)."""
    from fundclient.cli import build_parser, command_of

    own = build_parser(command_of(["seal"]))
    assert set(own._subparsers._group_actions[0].choices) == {"enrol", "seal", "enrol-request", "sync", "sync-status",
                                                               "sync-requeue", "export-batches", "import-acks"}
    args = own.parse_args(["--data-dir", "/d", "seal", "--user", "u"])
    assert (args.command, args.user) == ("seal", "u") and callable(args.handler)
    out = subprocess.run([sys.executable, "-m", "fundclient", "--lang", "en", "sael"], capture_output=True, text=True)
    assert out.returncode == 2 and "'seal'" in out.stderr and "'selftest'" in out.stderr


def test_no_old_spelling_left_in_code_or_docs():
    """Only the table of old spellings in cli/__init__.py may name `enroll` (#16: one spelling)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    old_spelling = re.compile(r"[Ee]nroll(?!ed|ing)")
    files = [*root.joinpath("src").rglob("*.py"), *root.joinpath("docs").rglob("*.md"), root / "README.md",
             *root.joinpath("translations").glob("*.ts")]
    table = root / "src" / "fundclient" / "cli" / "__init__.py"
    found = [f"{path.relative_to(root)}:{n}" for path in files if path != table
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if old_spelling.search(line)]
    assert found == []
