"""The `fundclient` command's entry point (pyproject's [project.scripts], `python -m fundclient`).

`--version` is answered here, before the CLI is imported: its parser, the settings, logging
and the message catalogue cost ~0.1 s of imports that printing a version does not need
(#11 item 5: `fundclient --version` < 0.3 s; docs/performance.md "Start-up"). Everything else
goes to `fundclient.cli.main`.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--version" in args:  # as cli.main reads it: anywhere on the line
        from fundclient import __version__  # lazy: start-up (the package's __init__ only)

        print(f"fundclient {__version__}")
        return 0
    from fundclient.cli import main as cli_main  # lazy: start-up (--version needs none of the CLI)

    return cli_main(argv)
