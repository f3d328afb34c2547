"""The Inno Setup script cannot be compiled here (no Windows): check what can be checked —
it installs exactly what the PyInstaller spec produces, keeps the data out of the program
folder, removes on uninstall every scheduled task it creates, and speaks Arabic and English."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "installer" / "windows"
sys.path.insert(0, str(ROOT / "installer"))
import bundle_plan as plan  # noqa: E402


def read_utf8_bom(path: Path) -> str:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} must be UTF-8 with a BOM (Inno Setup reads Arabic then)"
    return raw[3:].decode("utf-8")


@pytest.fixture(scope="module")
def iss() -> str:
    return read_utf8_bom(WINDOWS / "fundclient.iss")


def section(text: str, name: str) -> list[str]:
    """Non-comment lines of one [Section]."""
    match = re.search(rf"^\[{re.escape(name)}\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    assert match, f"[{name}] missing"
    return [line.strip() for line in match.group(1).splitlines() if line.strip() and not line.startswith(";")]


def defines(text: str) -> dict[str, str]:
    """The script's #defines, and what build_windows.py passes with /D and the script has no default for."""
    return {"NightlySyncTime": plan.nightly_sync_time(),
            **dict(re.findall(r'^\s*#define\s+(\w+)\s+"([^"]*)"', text, re.M))}


def expand(value: str, names: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: names[m.group(1)], value)


def param(line: str, key: str) -> str | None:
    match = re.search(rf'(?:^|;\s*){key}:\s*"((?:[^"]|"")*)"', line)
    return match.group(1).replace('""', '"') if match else None


def test_installs_exactly_the_executables_the_spec_builds(iss):
    names = defines(iss)
    sources = [expand(param(line, "Source"), names) for line in section(iss, "Files")]
    bundle_sources = [s for s in sources if s.startswith(names["BundleDir"])]
    exes = sorted(Path(s.replace("\\", "/")).name for s in bundle_sources if s.endswith(".exe"))
    assert exes == sorted(plan.executables("win32"))
    assert names["BundleDir"].replace("\\", "/").endswith(f"dist/{plan.BUNDLE_NAME}")
    assert any(s.endswith(r"\_internal\*") for s in bundle_sources)  # PyInstaller 6 one-folder layout
    for source in sources:
        if not source.startswith(names["BundleDir"]):
            assert (WINDOWS / source.replace("\\", "/")).resolve().exists(), source


def test_shortcut_has_the_arabic_name_and_opens_the_gui(iss):
    names = defines(iss)
    assert names["ArabicAppName"] == plan.ARABIC_APP_NAME == "المنظومة – صندوق التأمين الصحي"
    icons = section(iss, "Icons")
    main = [line for line in icons if expand(param(line, "Name"), names) == "{autoprograms}\\" + plan.ARABIC_APP_NAME]
    assert len(main) == 1
    assert expand(param(main[0], "Filename"), names) == "{app}\\" + plan.GUI_EXE + ".exe"


def test_data_lives_outside_the_program_folder_and_survives_uninstall(iss):
    dirs = section(iss, "Dirs")
    assert any(param(line, "Name") == "{code:DataDir}" and "uninsneveruninstall" in line for line in dirs)
    assert "ExpandConstant('{commonappdata}\\FundClient')" in iss
    for line in section(iss, "Icons") + section(iss, "Run"):
        if "--data-dir" in line:  # shortcuts, launch and both tasks all point at the same data folder
            assert re.search(r'--data-dir \\?""\{code:DataDir\}\\?""', line), line
    assert "{app}" not in " ".join(dirs) and "{commonappdata}" not in " ".join(section(iss, "InstallDelete"))
    assert "[UninstallDelete]" not in iss


def test_every_scheduled_task_created_is_deleted_on_uninstall(iss):
    names = defines(iss)
    created = {expand(m, names) for m in re.findall(r'/Create /F /TN ""([^"]+)""', "\n".join(section(iss, "Run")))}
    deleted = {expand(m, names) for m in re.findall(r'/Delete /F /TN ""([^"]+)""',
                                                    "\n".join(section(iss, "UninstallRun")))}
    assert created == deleted == {"FundClient\\NightlySync", "FundClient\\SyncAfterStartup"}
    for line in section(iss, "Run"):
        if "/Create" in line:
            assert f'\\""{{app}}\\{{#GuiExe}}\\"" --data-dir' in line and line.count(" sync\"") == 1
            assert "/RU SYSTEM" in line
    for line in section(iss, "UninstallRun"):
        assert param(line, "RunOnceId")


def test_arabic_and_english_installer_languages(iss):
    languages = {param(line, "Name"): param(line, "MessagesFile") for line in section(iss, "Languages")}
    assert languages["english"] == "compiler:Default.isl"
    assert languages["arabic"] == "compiler:Default.isl,Arabic.isl"
    arabic = read_utf8_bom(WINDOWS / "Arabic.isl")
    options = dict(line.split("=", 1) for line in section(arabic, "LangOptions"))
    assert options["RightToLeft"] == "yes" and options["LanguageID"] == "$0401"
    messages = dict(line.split("=", 1) for line in section(arabic, "Messages"))
    assert "لا تُحذف" in messages["ConfirmUninstall"]  # the clerk is told the data stays
    custom = [line.split("=", 1)[0] for line in section(iss, "CustomMessages")]
    ar = {key.split(".", 1)[1] for key in custom if key.startswith("arabic.")}
    en = {key.split(".", 1)[1] for key in custom if key.startswith("english.")}
    assert ar == en and ar  # every custom message exists in both languages
    used = set(re.findall(r"\{cm:(\w+)\}", iss))
    assert used <= ar


def test_version_comes_from_the_package(iss):
    assert defines(iss)["AppVersion"]  # default for the IDE; build_windows.py passes /DAppVersion
    assert re.fullmatch(r"\d+\.\d+\.\d+", plan.version())
    assert "OutputBaseFilename=fundclient-{#AppVersion}-windows-setup" in iss


def test_code_section_uses_line_comments(iss):
    """In Pascal `{ ... }` is a comment that ends at the first `}`: a constant like {app} inside
    one breaks compilation. The [Code] section sticks to `//` comments."""
    code = iss.split("[Code]", 1)[1]
    without_strings = re.sub(r"'[^']*'", "''", code)
    assert "{" not in without_strings and "}" not in without_strings


def test_data_folder_acl_is_administrators_system_and_the_apps_users_only(iss):
    """#12 item 9: keystore.json in ProgramData must not be writable by every user. The data
    folder's inherited rights are removed and replaced by exactly: Administrators and SYSTEM
    (well-known SIDs: names are translated on an Arabic Windows) full, the app's group modify."""
    names = defines(iss)
    assert (names["AdminsSid"], names["SystemSid"]) == ("*S-1-5-32-544", "*S-1-5-18")
    group = names["UsersGroup"]
    [data_dir] = [line for line in section(iss, "Dirs") if param(line, "Name") == "{code:DataDir}"]
    assert "Permissions" not in data_dir  # Inno's Permissions only add rights (users-modify was here)
    run = section(iss, "Run")
    acl = [i for i, line in enumerate(run) if "icacls.exe" in line]
    assert len(acl) == 1
    params = expand(param(run[acl[0]], "Parameters"), names)
    assert params.startswith('"{code:DataDir}" /inheritance:r /grant:r ')
    grants = re.findall(r"(\S+):\(OI\)\(CI\)(\w+)", params)
    assert grants == [("*S-1-5-32-544", "F"), ("*S-1-5-18", "F"), (group, "M")]
    made = [i for i, line in enumerate(run) if f"localgroup {group} /add" in expand(param(line, "Parameters"), names)]
    assert made and made[0] < acl[0]  # the group exists before it is granted anything
    everyone_like = ("users-", "everyone", "authusers", "S-1-1-0", "S-1-5-32-545", "S-1-5-11")
    for line in section(iss, "Dirs") + section(iss, "Files") + run:
        assert not any(word in line.lower() for word in map(str.lower, everyone_like)), line
