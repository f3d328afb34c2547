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
