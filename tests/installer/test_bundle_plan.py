"""installer/bundle_plan.py decides what the bundle holds; these checks run in seconds, the
real build is in test_linux_bundle.py."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))
import bundle_plan as plan  # noqa: E402


def test_every_cascade_the_camera_code_names_is_bundled_and_exists():
    names = plan.used_cascades()
    source = "\n".join(p.read_text(encoding="utf-8") for p in (plan.PACKAGE / "camera").rglob("*.py"))
    for name in plan.CASCADE_NAME.findall(source):
        assert name in names
    assert "haarcascade_frontalface_default.xml" in names
    for name in names:
        assert (Path(cv2.data.haarcascades) / name).is_file(), name


def test_cascades_named_in_new_camera_code_are_picked_up(tmp_path):
    (tmp_path / "camera").mkdir()
    (tmp_path / "camera" / "smile.py").write_text('CASCADE = "haarcascade_smile.xml"\n')
    assert plan.used_cascades(tmp_path) == ["haarcascade_frontalface_default.xml", "haarcascade_smile.xml"]


def test_migrations_ship_as_files_under_the_package_path():
    files = plan.migration_files()
    dests = {dest for _, dest in files}
    assert dests == {"fundclient/storage/migrations", "fundclient/storage/migrations/versions"}
    names = {Path(src).name for src, _ in files}
    assert {"env.py", "script.py.mako"} <= names
    versions = sorted(Path(src).name for src, dest in files if dest.endswith("versions") and src.endswith(".py"))
    on_disk = sorted(p.name for p in (plan.PACKAGE / "storage" / "migrations" / "versions").glob("*.py"))
    assert versions == on_disk


def test_an_empty_migrations_folder_stops_the_build(tmp_path):
    (tmp_path / "storage" / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "storage" / "migrations" / "env.py").write_text("")
    with pytest.raises(RuntimeError, match="no migration scripts"):
        plan.migration_files(tmp_path)


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/translations/qtbase_ar.qm", True),
    ("PySide6/Qt/translations/qtbase_en.qm", True),
    ("PySide6/Qt/translations/qtbase_fr.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6\\Qt\\translations\\qt_help_ja.qm", False),
    ("fundclient/locale/ar.mo", True),
    ("cv2/data/haarcascade_eye.xml", True),
])
def test_only_the_apps_languages_qt_catalogues_are_kept(dest, kept):
    assert plan.keep_qt_translation(dest) is kept


def test_catalogues_are_compiled_with_arabic(tmp_path):
    catalogues = plan.build_catalogues(tmp_path / "locale")
    names = {qm.name for qm in catalogues}
    assert {"ar.mo", "fr.mo"} <= names
    assert all(qm.stat().st_size > 0 for qm in catalogues)


def test_unused_qt_modules_are_excluded_but_used_ones_are_not():
    used = {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtSvg"}
    excluded = {name.split(".", 1)[1] for name in plan.EXCLUDES if name.startswith("PySide6.")}
    assert not used & excluded
    for path in (plan.PACKAGE).rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for module in excluded:
            assert f"PySide6.{module} " not in text and f"PySide6.{module}\n" not in text, (path, module)


def test_the_lock_is_read_with_its_markers(tmp_path):
    lock = tmp_path / "bundle.lock"
    lock.write_text("alembic==1.20.1 \\\n    --hash=sha256:aa\n    # via fundclient\n"
                    "pefile==2024.8.26 ; sys_platform == 'win32' \\\n    --hash=sha256:bb\n"
                    "Typing_Extensions==4.16.0 \\\n    --hash=sha256:cc\n", encoding="utf-8")
    found = plan.locked_versions(lock)
    assert found["alembic"] == "1.20.1" and found["typing-extensions"] == "4.16.0"
    assert ("pefile" in found) == (sys.platform == "win32")


def test_the_tests_run_against_what_the_bundle_ships():
    """`scripts/dev.py test` installs the test environment from requirements/dev.lock, pinned to
    requirements/bundle.lock: every version the installers ship is the one tested here."""
    assert plan.unlocked_packages() == []
