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

