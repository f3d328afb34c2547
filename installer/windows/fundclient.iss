; Inno Setup 6 script: per-machine installer of FundClient (المنظومة) for Windows 10/11 x64.
;
; Build on Windows (see docs/install.md, "Building the installers"):
;   py installer\build_windows.py
; which runs PyInstaller (dist\fundclient\: fundclient.exe, fundclient-cli.exe, _internal\) and then
;   ISCC.exe /DAppVersion=<version> /DBundleDir=<dist\fundclient> /DNightlySyncTime=<HH:MM> installer\windows\fundclient.iss
; NightlySyncTime comes from src\fundclient\nightly.py (the one place the nightly time is written;
; the app's settings dialog shows it): build_windows.py passes it, nothing here repeats it.
;
; Data is NOT under {app}: it lives in %ProgramData%\FundClient (or FUNDCLIENT_DATA_DIR if the
; machine already had one), so an update replaces only program files and the uninstaller keeps
; the encrypted database, backups and outbox. See docs/decisions/installer-data-dir-and-nightly-sync.md.
;
; This file must stay UTF-8 with a BOM (Arabic text below).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\fundclient"
#endif
#ifndef NightlySyncTime
  #error NightlySyncTime (HH:MM) is passed by installer\build_windows.py from src\fundclient\nightly.py
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

; Never change AppId: updates find the existing installation by it.
#define AppId "{{3B7E4C2A-6F1D-4E8B-9A57-FC1E2D0B7A61}"
#define GuiExe "fundclient.exe"
#define CliExe "fundclient-cli.exe"
#define ArabicAppName "المنظومة – صندوق التأمين الصحي"
#define EnglishAppName "FundClient – Health Insurance Fund"
#define SyncTask "FundClient\NightlySync"
#define StartupSyncTask "FundClient\SyncAfterStartup"
#define EnvKey "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
; The app's users: a local group; only its members, Administrators and SYSTEM (the nightly
; task) may open the office data folder. Well-known SIDs, because group names are translated
; on an Arabic Windows: S-1-5-32-544 = Administrators, S-1-5-18 = SYSTEM.
#define UsersGroup "FundClientUsers"
#define AdminsSid "*S-1-5-32-544"
#define SystemSid "*S-1-5-18"

[Setup]
AppId={#AppId}
AppName={#ArabicAppName}
AppVersion={#AppVersion}
AppVerName={#ArabicAppName} {#AppVersion}
AppPublisher=صندوق التأمين الصحي
VersionInfoVersion={#AppVersion}
VersionInfoProductName=FundClient
DefaultDirName={autopf}\FundClient
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=fundclient-{#AppVersion}-windows-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=yes
LanguageDetectionMethod=uilanguage
ChangesEnvironment=yes
CloseApplications=yes
RestartApplications=no
UninstallDisplayName={#ArabicAppName}
UninstallDisplayIcon={app}\{#GuiExe}
SetupLogging=yes

[Languages]
; Inno Setup ships no Arabic messages file: Default.isl is the base, Arabic.isl (ours, in this
; folder) overrides what an office clerk sees and sets right-to-left.
Name: "arabic"; MessagesFile: "compiler:Default.isl,Arabic.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
arabic.ToolsGroup=المنظومة – أدوات
arabic.SelftestShortcut=فحص المنظومة
arabic.DesktopIcon=أيقونة على سطح المكتب
arabic.CreateSyncTask=مهمة الإرسال الليلي إلى الإدارة العامة
arabic.StatusSyncTask=إنشاء مهمة الإرسال الليلي...
arabic.LaunchApp=تشغيل المنظومة الآن
english.ToolsGroup=FundClient – tools
english.SelftestShortcut=FundClient self-test
english.DesktopIcon=Desktop icon
english.CreateSyncTask=Nightly sync task (send data to HQ)
english.StatusSyncTask=Creating the nightly sync task...
english.LaunchApp=Start FundClient now

[Messages]
english.ConfirmUninstall=Remove %1?%n%nThe office data (encrypted database, backups, batches waiting to be sent) is kept.
english.UninstalledAll=%1 was removed. The office data is kept in its folder.

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"
Name: "synctask"; Description: "{cm:CreateSyncTask}"

[InstallDelete]
; An update replaces the whole bundle: files a new version no longer ships must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Dirs]
; The shared office data survives uninstall and updates. Its ACL is set in [Run] (icacls):
; Administrators and SYSTEM full control, members of {#UsersGroup} modify, nobody else.
Name: "{code:DataDir}"; Flags: uninsneveruninstall

[Files]
Source: "{#BundleDir}\{#GuiExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\..\docs\install.md"; DestDir: "{app}\docs"; Flags: ignoreversion

[Registry]
; For staff using fundclient-cli.exe at a command prompt (backup, restore, selftest).
Root: HKLM; Subkey: "{#EnvKey}"; ValueType: expandsz; ValueName: "FUNDCLIENT_DATA_DIR"; ValueData: "{code:DataDir}"; Flags: createvalueifdoesntexist uninsdeletevalue

[Icons]
Name: "{autoprograms}\{#ArabicAppName}"; Filename: "{app}\{#GuiExe}"; Parameters: "--data-dir ""{code:DataDir}"""; WorkingDir: "{app}"; Comment: "{#EnglishAppName}"
Name: "{autoprograms}\{cm:ToolsGroup}\{cm:SelftestShortcut}"; Filename: "{app}\{#CliExe}"; Parameters: "--data-dir ""{code:DataDir}"" selftest --wait"; WorkingDir: "{app}"
Name: "{autodesktop}\{#ArabicAppName}"; Filename: "{app}\{#GuiExe}"; Parameters: "--data-dir ""{code:DataDir}"""; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; The app's users: the group (an existing one is kept), with the person installing in it; the
; administrator adds each clerk's Windows account (docs/install.md, "Install on Windows").
Filename: "{sys}\net.exe"; Parameters: "localgroup {#UsersGroup} /add /comment:""FundClient office staff"""; Flags: runhidden waituntilterminated
Filename: "{sys}\net.exe"; Parameters: "localgroup {#UsersGroup} ""{username}"" /add"; Flags: runhidden waituntilterminated
; Inherited ProgramData rights (every user may create files there) are removed, not added to.
Filename: "{sys}\icacls.exe"; Parameters: """{code:DataDir}"" /inheritance:r /grant:r {#AdminsSid}:(OI)(CI)F {#SystemSid}:(OI)(CI)F {#UsersGroup}:(OI)(CI)M /T /C /Q"; Flags: runhidden waituntilterminated
; Nightly sync as SYSTEM: runs with nobody logged on; needs no password (only sealed batches leave).
Filename: "{sys}\schtasks.exe"; Parameters: "/Create /F /TN ""{#SyncTask}"" /SC DAILY /ST {#NightlySyncTime} /RU SYSTEM /TR ""\""{app}\{#GuiExe}\"" --data-dir \""{code:DataDir}\"" sync"""; Flags: runhidden waituntilterminated; StatusMsg: "{cm:StatusSyncTask}"; Tasks: synctask
; Offices switch PCs off at night: catch up 15 minutes after the next start-up.
Filename: "{sys}\schtasks.exe"; Parameters: "/Create /F /TN ""{#StartupSyncTask}"" /SC ONSTART /DELAY 0015:00 /RU SYSTEM /TR ""\""{app}\{#GuiExe}\"" --data-dir \""{code:DataDir}\"" sync"""; Flags: runhidden waituntilterminated; StatusMsg: "{cm:StatusSyncTask}"; Tasks: synctask
Filename: "{app}\{#GuiExe}"; Parameters: "--data-dir ""{code:DataDir}"""; Description: "{cm:LaunchApp}"; Flags: postinstall nowait skipifsilent unchecked

[UninstallRun]
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""{#SyncTask}"""; Flags: runhidden; RunOnceId: "DeleteNightlySync"
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""{#StartupSyncTask}"""; Flags: runhidden; RunOnceId: "DeleteStartupSync"

[Code]
var
  CachedDataDir: String;

// The office data folder: FUNDCLIENT_DATA_DIR when the machine already sets one (an office
// that moved its data to D:), else ProgramData\FundClient. Never under the program folder.
function DataDir(Param: String): String;
begin
  if CachedDataDir = '' then
  begin
    if not RegQueryStringValue(HKLM, '{#EnvKey}', 'FUNDCLIENT_DATA_DIR', CachedDataDir) then
      CachedDataDir := '';
    if CachedDataDir = '' then
      CachedDataDir := ExpandConstant('{commonappdata}\FundClient');
  end;
  Result := CachedDataDir;
end;
