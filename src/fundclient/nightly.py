"""When the nightly sync runs: the one schedule, kept by the operating system, not by the app.

The installers read this file (installer/bundle_plan.py `nightly_sync_time`, without importing
the package): the Windows scheduled task `FundClient\\NightlySync` (Inno Setup `/ST`, passed by
installer/build_windows.py) and the Linux systemd timer (`@NIGHTLY_SYNC_TIME@` in
installer/linux/fundclient-sync.timer, filled in by installer/build_linux.py). The settings
dialog shows the same time, read-only. The app itself sends on "send now" and, after a failed
run, as soon as HQ answers again (sync/scheduler.py) — it keeps no nightly window of its own.

Standard library only, no imports: read by the build scripts as plain text.
"""

NIGHTLY_SYNC_TIME = "22:30"  # HH:MM, the PC's local time
