"""What goes into the one-folder bundle: one source of truth for the PyInstaller spec, the Linux
packer, the Inno Setup script's test and the docs.

Standard library only (the spec imports it inside PyInstaller; tests import it anywhere).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = SRC / "fundclient"
TRANSLATIONS = ROOT / "translations"
BUILD = ROOT / "build"
DIST = ROOT / "dist"

BUNDLE_NAME = "fundclient"  # the folder COLLECT writes: dist/pyinstaller/fundclient/
GUI_EXE = "fundclient"  # opens the app; on Windows built without a console window
CLI_EXE = "fundclient-cli"  # Windows only: the same program with a console (selftest, backup, sync by hand)
QM_DEST = "fundclient/locale"  # where fundclient.catalogue looks for shipped catalogues (.mo)
ARABIC_APP_NAME = "المنظومة – صندوق التأمين الصحي"
ENGLISH_APP_NAME = "FundClient – Health Insurance Fund"

# Each of these is big and never imported by the office app. The Qt modules are PySide6
# bindings whose Qt libraries would otherwise follow them into the bundle.
UNUSED_QT = [
    "QtQml", "QtQmlFeatures", "QtQuick", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtQuick3D", "QtDesigner", "QtUiTools", "QtHelp", "QtSql", "QtTest", "QtXml", "QtDBus",
    "QtConcurrent", "QtNetwork", "QtOpenGL", "QtOpenGLWidgets", "QtLabsStyleKit",
    "QtWebEngineCore", "QtWebEngineWidgets", "QtWebChannel", "QtWebSockets", "QtMultimedia",
    "QtMultimediaWidgets", "QtCharts", "QtDataVisualization", "QtGraphs", "Qt3DCore",
    "QtBluetooth", "QtPositioning", "QtLocation", "QtSerialPort", "QtSensors", "QtNfc",
    "QtRemoteObjects", "QtScxml", "QtStateMachine", "QtTextToSpeech", "QtHttpServer",
    "QtPdf", "QtPdfWidgets", "QtSpatialAudio",
]
EXCLUDES = [
    "tkinter", "_tkinter", "turtle", "matplotlib", "IPython", "jupyter", "notebook", "pandas", "scipy",
    "pytest", "_pytest", "pytestqt", "hypothesis", "importlinter", "grimp", "zxingcpp",
    "PyInstaller", "pip", "setuptools", "pkg_resources", "wheel",
    # FastAPI/uvicorn stay (~16 MB): demo mode (training, and the first start before an office is
    # set up) runs a local HQ. PostgreSQL is only for the real HQ (pip install 'fundclient[hq]').
    "psycopg", "psycopg_binary", "psycopg_pool", "httptools", "uvloop", "watchfiles", "websockets",
    "numpy.f2py", "numpy.distutils", "lib2to3", "pydoc_data",
] + [f"PySide6.{name}" for name in UNUSED_QT]
# Qt ships its own catalogues for ~40 languages; the app needs Arabic and English only.
QT_TRANSLATION_LANGUAGES = ("en", *sorted(p.stem for p in (Path(__file__).resolve().parent.parent
                                                          / "translations").glob("*.po")))

CASCADE_NAME = re.compile(r"haarcascade_[a-z0-9_]+\.xml")


def used_cascades(package: Path = PACKAGE) -> list[str]:
    """The Haar cascade files the code names (camera/*.py): only those are bundled (the full
    set is ~10 MB). The frontal-face cascade is always included (the self-test uses it)."""
    names = {"haarcascade_frontalface_default.xml"}
    for path in (package / "camera").rglob("*.py"):
        names.update(CASCADE_NAME.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def migration_files(package: Path = PACKAGE) -> list[tuple[str, str]]:
    """(source, bundle folder) of every Alembic file. Alembic loads env.py and versions/*.py
    from disk, so they ship as files. Walks the source tree (no import: a build must not
    depend on the package importing cleanly at that moment); refuses an empty versions dir."""
    base = package / "storage" / "migrations"
    files = [p for p in sorted(base.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
             and p.suffix in (".py", ".mako")]
    if not any(p.parent.name == "versions" and p.name[0].isdigit() for p in files):
        raise RuntimeError(f"no migration scripts under {base}")
    return [(str(p), str(Path("fundclient") / p.parent.relative_to(package)).replace("\\", "/")) for p in files]


def lrelease() -> str | None:
    """pyside6-lrelease from the build venv (no system Qt needed)."""
    here = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        if (here / name).exists():
            return str(here / name)
    return shutil.which("pyside6-lrelease")


def build_catalogues(out_dir: Path = BUILD / "locale") -> list[Path]:
    """Compile the one catalogue (translations/<language>.po) into .mo files in `out_dir`
    (scripts/translations.py's build). Returns the .mo files to ship (one per language)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "build", "--out", str(out_dir)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    found = sorted(out_dir.glob("*.mo"))
    if not any(mo.name == "ar.mo" for mo in found):
        raise RuntimeError("no Arabic catalogue: translations/ar.po is missing")
    return found


def keep_qt_translation(dest: str) -> bool:
    """Filter for the spec's datas: Qt's own catalogues only for the app's languages."""
    parts = dest.replace("\\", "/").split("/")
    if "translations" not in parts or not dest.endswith(".qm"):
        return True
    stem = parts[-1][:-3]
    return any(stem.endswith("_" + lang) for lang in QT_TRANSLATION_LANGUAGES)


def version() -> str:
    """fundclient.__version__ without importing the package (the build venv may differ)."""
    text = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__\s*=\s*"([^"]+)"', text).group(1)


def executables(platform: str = sys.platform) -> list[str]:
    """File names the spec produces in the bundle folder."""
    if platform == "win32":
        return [GUI_EXE + ".exe", CLI_EXE + ".exe"]
    return [GUI_EXE]


LOCK = ROOT / "requirements" / "bundle.lock"


def locked_versions(lock: Path = LOCK) -> dict[str, str]:
    """name -> version of every requirements/bundle.lock entry that applies to this platform."""
    from packaging.markers import Marker
    from packaging.utils import canonicalize_name

    found = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in " #-":
            continue
        spec, _, marker = line.rstrip(" \\").partition(";")
        name, _, pinned = spec.strip().partition("==")
        if pinned and (not marker.strip() or Marker(marker.strip()).evaluate()):
            found[canonicalize_name(name)] = pinned.strip()
    return found


def unlocked_packages(lock: Path = LOCK) -> list[str]:
    """Locked packages that the running Python lacks or has in another version."""
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for name, pinned in sorted(locked_versions(lock).items()):
        try:
            have = version(name)
        except PackageNotFoundError:
            have = "missing"
        if have != pinned:
            wrong.append(f"{name}=={pinned} (here: {have})")
    return wrong


def run_pyinstaller(work: Path, platform: str = sys.platform) -> Path:
    """Run installer/fundclient.spec with the running Python; returns the bundle folder. The
    running Python must hold exactly what requirements/bundle.lock pins: what ships is what the
    tests ran against."""
    wrong = unlocked_packages()
    if wrong:
        raise SystemExit("the build environment differs from requirements/bundle.lock "
                         "(pip install --require-hashes -r requirements/bundle.lock): " + ", ".join(wrong))
    dist = Path(work) / "dist"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(dist),
           "--workpath", str(Path(work) / "pyinstaller"), str(Path(__file__).with_name("fundclient.spec"))]
    subprocess.run(cmd, cwd=ROOT, check=True, env=env_for_build())
    bundle = dist / BUNDLE_NAME
    for name in executables(platform):
        if not (bundle / name).is_file():
            raise RuntimeError(f"PyInstaller did not produce {bundle / name}")
    return bundle


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file() and not p.is_symlink())


def env_for_build() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")  # reproducible PYZ ordering between builds
    return env


def nightly_sync_time(package: Path = PACKAGE) -> str:
    """The nightly sync's time (HH:MM) from src/fundclient/nightly.py, the one place it is
    written: read as text (no import of the package), checked for shape."""
    import ast

    tree = ast.parse((package / "nightly.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "NIGHTLY_SYNC_TIME" for t in node.targets):
            value = ast.literal_eval(node.value)
            if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
                return value
            raise RuntimeError(f"NIGHTLY_SYNC_TIME must be HH:MM, not {value!r}")
    raise RuntimeError("NIGHTLY_SYNC_TIME not found in src/fundclient/nightly.py")
