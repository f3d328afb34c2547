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
