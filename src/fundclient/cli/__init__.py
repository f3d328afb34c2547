"""`fundclient` command line: global options, then one sub-command per task.

Every sub-command lives in this package, one module per concern (`cli/storage.py`,
`cli/sync.py`, `cli/hq.py` …, each with `register(sub)`), so this file stays a thin dispatcher
and no lower package holds command-line code (the layers contract in pyproject.toml puts
`cli` on top). How commands speak is `cli.output`: a handler returns an
`Outcome` (exit code + one-line summary) and this file prints the summary by the one language
rule; typed `FundError`s become a message by the same rule and exit code 2 (cannot start);
anything else is a bug and exits 3 naming the log file (DATA_DIR/logs/fundclient.log, logs.py) (`errors.ExitCode`, the table in
docs/install.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback

from fundclient import __version__
from fundclient.catalogue import available_languages
from fundclient.cli.output import finish, say
from fundclient.cli.parser import FundParser, N_
from fundclient.config import Settings, resolve_data_dir
from fundclient.domain import display
from fundclient.errors import ExitCode, FundError, Message
from fundclient.logs import log_file, setup_logging

log = logging.getLogger(__name__)
# The commands are spelt `enrol` like the rest of the app and its docs. The spelling they had
# until 0.1 (`enroll`, `enroll-request`, `hq enroll-token`, `hq enroll-offline`) may still sit
# in an office's notes or scripts: it is accepted, never shown in the help.
OLD_SPELLINGS = {"enroll": "enrol", "enroll-request": "enrol-request", "enroll-token": "enrol-token",
                 "enroll-offline": "enrol-offline"}
UNEXPECTED = Message("An unexpected error happened. Try again; if it happens again, tell technical support "
                     "and send them the log file: {log}")
UNEXPECTED_NO_LOG = Message("An unexpected error happened. Try again; if it happens again, tell technical "
                            "support (the log file could not be written in {log}).")


# Each command's module (`register(sub)` adds its parsers), in the order `--help` lists them. A
# command that runs imports only its own module (#11 item 5: the seven modules and what they
# import cost ~50 ms at every start), the app (no command) none; the help, a mistyped command
# or an option `command_of` is not sure of build them all. tests/core/test_cli_basics.py
# checks this table against the modules.
COMMAND_MODULES = {
    "storage": ("setup", "status", "backup", "restore", "audit", "import", "report", "reset-password", "operators",
                "rekey"),
    "sync": ("enrol", "seal", "enrol-request", "sync", "sync-status", "sync-requeue", "export-batches", "import-acks"),
    "hq": ("hq",),
    "cards": ("card", "verify-card"),
    "camera": ("camera",),
    "app": ("gui", "demo", "setup-wizard"),
    "selftest": ("selftest",),
}
MODULE_OF = {command: module for module, commands in COMMAND_MODULES.items() for command in commands}
ALL = object()  # build_parser's `for_command`: every command


def build_parser(for_command: object = ALL) -> FundParser:
    """The whole command line's parser — or, with `for_command` (a command's name, or None for
    no command: the app), one that knows only that command's module (`command_of`)."""
    parser = FundParser(
        prog="fundclient",
        description=N_("Registration client of the health-insurance fund. "
                       "With no command, opens the app (demo mode when no office is set up)."),
    )
    parser.add_argument("--version", action="version", version=f"fundclient {__version__}")
    parser.add_argument("--data-dir", help=N_("data directory (default: the FUNDCLIENT_DATA_DIR environment "
                                              "variable, else the platform's user data directory)"))
    parser.add_argument("--lang", choices=available_languages(),
                        help=N_("language of messages and help (default: the office setting)"))
    parser.add_argument("--camera", metavar="SPEC",
                        help=N_("camera for this run: a webcam number (0, 1 …), a video file, an image or a "
                                "folder of images (default: the office setting)"))
    parser.add_argument("-v", "--verbose", action="store_true", help=N_("log debug details"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if for_command is ALL:
        modules = tuple(COMMAND_MODULES)
    else:
        modules = (MODULE_OF[for_command],) if for_command is not None else ()
    import importlib  # lazy: start-up (only here)

    for name in modules:
        # lazy: start-up — `--version` answers without them, and a command imports only its own.
        # Each imports only what its parser needs; its handlers import the rest (database,
        # crypto, Qt, FastAPI) when they run.
        importlib.import_module(f"fundclient.cli.{name}").register(sub)
    return parser


# The global options that take a value (build_parser): `command_of` steps over their values.
GLOBAL_VALUES = ("--data-dir", "--lang", "--camera")
GLOBAL_FLAGS = ("-v", "--verbose")


def command_of(argv: list[str]) -> object:
    """The command `argv` runs, read as argparse reads it — global options first, then the
    command: its name (a key of MODULE_OF), None when the line holds only global options (the
    app), or ALL when this reading is not sure (`--help`, an abbreviated or unknown option, a
    mistyped command): the whole parser then decides, and answers, as it always did."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in GLOBAL_VALUES:
            i += 2
        elif arg.partition("=")[0] in GLOBAL_VALUES or arg in GLOBAL_FLAGS:
            i += 1
        elif arg.startswith("-"):
            return ALL
        else:
            return arg if arg in MODULE_OF else ALL
    return None


def main(argv: list[str] | None = None) -> int:
    if "--version" in (sys.argv[1:] if argv is None else argv):
        # Before the parser: building it imports every command module (and with them the
        # storage stack); the version needs none of that.
        print(f"fundclient {__version__}")
        return 0
    line = one_spelling(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_of(line))
    args = parser.parse_args(line)
    args.data_dir = resolve_data_dir(args.data_dir)
    written = setup_logging(args.data_dir, verbose=args.verbose)
    _apply_display_rule(args.data_dir)
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = _default_handler(parser)
    try:
        # A command opening the store hears its one-time upgrade, if any, as a progress line.
        from fundclient.cli.output import UpgradeLine  # lazy: start-up (as the handlers)
        from fundclient.storage.upgrade_progress import reporting  # lazy: start-up (as above)

        with reporting(UpgradeLine(args)):
            return finish(args, handler(args))
    except FundError as exc:
        say(args, exc.message, file=sys.stderr)
        return ExitCode.CANNOT_START
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: say so plainly, keep the details in the log
        # Type and stack only: an exception's text may carry a name or a national number.
        log.error("unexpected %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
        fault = UNEXPECTED if written else UNEXPECTED_NO_LOG
        say(args, fault.format(log=written or log_file(args.data_dir)), file=sys.stderr)
        return ExitCode.FAULT


def one_spelling(argv: list[str]) -> list[str]:
    """`argv` with a command given in its old spelling (OLD_SPELLINGS) renamed to the one used
    (no option value is ever one of those words)."""
    return [OLD_SPELLINGS.get(arg, arg) for arg in argv]


def _apply_display_rule(data_dir) -> None:
    """Messages and papers follow the office's digit choice (domain.display) from the CLI too."""
    try:
        display.configure_from(Settings.load(data_dir))
    except (OSError, ValueError, TypeError, FundError):  # no or unusable settings: the default rule
        log.debug("settings not usable for the display rule", exc_info=True)  # the command says why


def _default_handler(parser: argparse.ArgumentParser):
    """No command: open the app (cli.app; the demo when no office is set up)."""
    from fundclient.cli.app import open_app  # lazy: start-up (the app's command module)

    return open_app
