"""`fundclient` (no command), `fundclient gui`, `fundclient demo`: start the desktop app.

With no command the app opens on the configured office; when the data dir has no office
set up yet, it starts demo mode instead, so a newcomer sees a working app at once - except in
the installed (frozen) bundle, where an office PC gets the first-run wizard instead.
`fundclient setup-wizard` opens that wizard explicitly."""

from __future__ import annotations

import argparse
import sys

from fundclient.app import AppContext
from fundclient.cli.output import cannot_start, language_of, say
from fundclient.cli.parser import N_
from fundclient.config import Settings, SettingsError
from fundclient.demo import start_demo
from fundclient.errors import Message

DEMO_INSTEAD = Message("No office is set up in {path}: starting demo mode (fundclient setup creates an office).")
ALREADY_SET_UP = Message("An office is already set up in {path}; the setup wizard was not opened.")


def register(sub) -> None:
    p = sub.add_parser("gui", help=N_("open the app for the office in --data-dir"))
    p.set_defaults(handler=open_gui)
    p = sub.add_parser("demo", help=N_("open the app on a throw-away demo office with a local HQ"))
    p.add_argument("--records", type=int, default=300, help=N_("sample beneficiaries to create"))
    p.add_argument("--keep", action="store_true", help=N_("keep the demo data dir afterwards"))
    p.set_defaults(handler=open_demo)
    p = sub.add_parser("setup-wizard", help=N_("set up a new office on this PC with the first-run wizard"))
    p.set_defaults(handler=open_setup_wizard)


def open_app(args: argparse.Namespace) -> int:
    if not (args.data_dir / "keystore.json").exists():
        if getattr(sys, "frozen", False):  # an office PC: set up the office, not a demo
            return open_setup_wizard(args)
        say(args, DEMO_INSTEAD.format(path=args.data_dir))
        args.records, args.keep = 300, False
        return open_demo(args)
    return open_gui(args)


def open_setup_wizard(args: argparse.Namespace) -> int:
    if (args.data_dir / "keystore.json").exists():
        return cannot_start(ALREADY_SET_UP.format(path=args.data_dir))
    from fundclient.ui.first_run import run_setup_wizard  # lazy: Qt (the gui extra) only when used

    try:
        Settings.load(args.data_dir)  # a settings.json left by hand: said in a window, not a traceback
    except SettingsError as exc:
        from fundclient.ui.main import refuse_to_start  # lazy: Qt (the gui extra) only when used
        refuse_to_start(exc.message, language_of(args))
        return cannot_start(exc.message)
    return run_setup_wizard(args.data_dir, language=args.lang, camera=args.camera)


def open_gui(args: argparse.Namespace):
    from fundclient.ui.main import refuse_to_start, run_gui  # lazy: Qt (the gui extra) only when used

    try:
        context = AppContext.for_office(args.data_dir, language=args.lang, camera=args.camera)
    except SettingsError as exc:  # said in a window (no console on Windows) and on the console
        refuse_to_start(exc.message, language_of(args))
        return cannot_start(exc.message)
    return run_gui(context)


def open_demo(args: argparse.Namespace) -> int:
    from fundclient.ui.main import run_gui  # lazy: Qt (the gui extra) only when used

    print("Preparing the demo office and a local HQ …")
    demo = start_demo(records=args.records)
    try:
        print(f"Demo office: {demo.data_dir}\nLocal HQ: {demo.hq_url}\nLog in with: {demo.login_hint()}")
        return run_gui(AppContext.for_office(demo.data_dir, language=args.lang, camera=args.camera,
                                                  login_hint=demo.login_hint()))
    finally:
        demo.close(remove=not args.keep)
