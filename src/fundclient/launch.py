"""The `fundclient` command's entry point (pyproject's [project.scripts], `python -m fundclient`).

`--version` is answered here, before the CLI is imported: its parser, the settings, logging
and the message catalogue cost ~0.1 s of imports that printing a version does not need
(#11 item 5: `fundclient --version` < 0.3 s; docs/performance.md "Start-up"). Everything else
goes to `fundclient.cli.main`.

Run as the process's own command (no `argv` given), a command that has closed everything it
opened ends without the interpreter's teardown of its modules (`exit_now`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--version" in args:  # as cli.main reads it: anywhere on the line
        from fundclient import __version__  # lazy: start-up (the package's __init__ only)

        print(f"fundclient {__version__}")
        return 0
    from fundclient.cli import main as cli_main  # lazy: start-up (--version needs none of the CLI)

    code = cli_main(argv)
    if argv is None:  # the process's command line: nothing runs after us
        exit_now(code, _STARTED_WITH)
    return code


def open_descriptors() -> set[int] | None:
    """This process's open file descriptors (Linux: /proc/self/fd), None where unknown."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    found = set()
    for name in names:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # the listing's own descriptor, closed meanwhile
            continue
        if not target.startswith("/proc/") or not target.endswith("/fd"):
            found.add(int(name))
    return found


_STARTED_WITH = open_descriptors()  # as the process started (this module is its entry point)


def exit_now(code: int, started_with: set[int] | None) -> None:
    """End the process at once with `code`, skipping the interpreter's teardown of its 300–500
    modules (0.03–0.05 s of CPU: #11 item 5, docs/decisions/cli-exit-without-teardown.md) —
    but only when that teardown has nothing left to finish: no other thread runs; the atexit
    handlers (logging's flush and close, temporary directories …) have run; the standard
    streams are flushed; and no file descriptor is open that was not open at the start (no
    store, log, lock, socket or file left open by the command). Otherwise it returns and the
    ordinary exit runs, as it would have. Never after the GUI (Qt's own objects are finished by
    its teardown)."""
    import atexit  # lazy: start-up (only at the end)
    import threading  # lazy: start-up (only at the end)

    if started_with is None or threading.active_count() > 1 or "PySide6" in sys.modules:
        return
    atexit._run_exitfuncs()  # noqa: SLF001 - what the ordinary exit runs first; run once, then cleared
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken pipe: the ordinary exit reports it as before
        return
    left = open_descriptors()
    if left is None or left - started_with:
        return
    os._exit(code if isinstance(code, int) else 1)
