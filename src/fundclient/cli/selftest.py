"""`fundclient selftest [--json] [--only KEY ...] [--require-qt] [--require-hq] [--wait]`.

Prints one line per check in the chosen language (both languages when --lang is not
given), or the report as JSON; exits 0 only when every required check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from fundclient.cli.output import language_of
from fundclient.cli.parser import N_
from fundclient.errors import Message
from fundclient.selftest import CHECK_KEYS, FAIL, PASS, SKIP, WARN, Report, install_dir, run_selftest

STATUS_WORDS = {
    PASS: Message("PASS"),
    WARN: Message("WARN"),
    FAIL: Message("FAIL"),
    SKIP: Message("SKIP"),
}
ALL_PASSED = Message("all required checks passed")
SOME_FAILED = Message("at least one required check failed")


def register(sub) -> None:
    parser = sub.add_parser("selftest", help=N_("check this installation and office (DB, office and enrolment, "
                            "camera, crypto, fonts, translations, HQ); exit 0 when all required checks pass"))
    parser.add_argument("--json", action="store_true", help=N_("print the report as JSON"))
    parser.add_argument("--only", nargs="+", choices=CHECK_KEYS, default=(), metavar="CHECK",
                        help=N_("run only these checks: %(choices)s"))
    parser.add_argument("--require-qt", action="store_true",
                        help=N_("fail the font and translation checks when PySide6 is missing (GUI bundles)"))
    parser.add_argument("--require-hq", action="store_true",
                        help=N_("fail (not only warn) when HQ does not answer or no HQ is configured"))
    parser.add_argument("--hq-timeout", type=float, default=10.0, help=N_("seconds to wait for HQ (default 10)"))
    parser.add_argument("--wait", action="store_true",
                        help=N_("wait for Enter before closing (for the Start-menu shortcut)"))
    parser.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    report = run_selftest(args.data_dir, only=tuple(args.only), require_qt=args.require_qt,
                          require_hq=args.require_hq, hq_timeout=args.hq_timeout, camera=args.camera)
    out = _utf8_stdout()
    if args.json:
        out.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        language = args.lang or _office_language(args)
        out.write(format_table(report, language) + "\n")
    out.flush()
    if args.wait and sys.stdin is not None and sys.stdin.isatty():
        input("\n[Enter] ")
    return 0 if report.ok else 1


def format_table(report: Report, language: str | None = None) -> str:
    """A plain-text table. language "ar" or "en", or None for both (Arabic first)."""
    languages = ("ar", "en") if language is None else (language,)  # None: both, Arabic first
    lines = [f"fundclient {report.version} — {install_dir()}"]
    for check in report.checks:
        words = STATUS_WORDS[check.status]
        status = " / ".join(words.in_language(lang) for lang in languages)
        title = " / ".join(check.title.in_language(lang) for lang in languages)
        details = [check.detail.in_language(lang) for lang in languages]
        detail = details[0] if len(set(details)) == 1 else " / ".join(details)
        lines.append(f"[{status}] {title}: {detail}")
    verdict = ALL_PASSED if report.ok else SOME_FAILED
    lines.append(" / ".join(verdict.in_language(lang) for lang in languages))
    return "\n".join(lines)


def _office_language(args: argparse.Namespace) -> str | None:
    """The office's language when one is set up; both languages on an unconfigured PC (cli.output)."""
    return language_of(args)


def _utf8_stdout():
    """Arabic must survive a Windows console code page or a redirect to a file."""
    stream = sys.stdout
    if stream is None:  # windowed executable: nowhere to print
        return open(os.devnull, "w", encoding="utf-8")
    try:
        stream.reconfigure(encoding="utf-8", errors="replace")
    except (AttributeError, ValueError):
        pass
    return stream

