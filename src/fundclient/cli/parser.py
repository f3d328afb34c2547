"""The command line's parser: every help text, and argparse's own words, from the one catalogue.

- **Help texts** are English catalogue entries marked `N_("…")` where they are written
  (`help=`, `description=`, `epilog=`); `scripts/translations.py extract` finds them. They are
  translated when the help is *shown* (`CatalogueFormatter`), never when the parser is built:
  building the parser loads no catalogue, and `fundclient --version` never builds it.
- **argparse's own words** ("usage:", "options", "show this help message and exit", "unrecognized
  arguments: %s", "invalid choice: …") are looked up by argparse through the module-level
  `gettext`/`ngettext` names it imported from `gettext` (domain "messages", files on disk found by
  the LANGUAGE environment variable). While one of our parsers speaks, `argparse._` answers from
  our catalogue instead (`_argparse_text`); otherwise it is gettext's, unchanged. The msgids
  argparse uses (Python 3.11 to 3.14) are listed in `ARGPARSE_TEXTS`, so `extract` puts them in
  the catalogue; tests/core/test_cli_help.py fails when the running Python's argparse has one
  more. A plural (`ngettext`) is two entries, its singular and its plural.
- **Language**: the one rule of `cli.output.language_of` — `--lang`, else the office's setting
  (the data dir from `--data-dir`, else FUNDCLIENT_DATA_DIR, else the platform's), else Arabic
  and English both — read from the command line as far as argparse has parsed it (global
  options come before the command). "Both" shows the whole help in Arabic, then in English; an
  error says its line in Arabic, then in English.
- **Errors** in what was typed exit with `ExitCode.CANNOT_START` (2, docs/install.md), usage and
  message on standard error.

Help digits stay as written (ASCII): they are values to type.
"""

from __future__ import annotations

import argparse
import gettext
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Iterator

from fundclient.catalogue import DEFAULT_LANGUAGE, SOURCE_LANGUAGE, is_language, lookup
from fundclient.cli.output import language_of, write_text
from fundclient.config import resolve_data_dir
from fundclient.errors import ExitCode

BOTH = (DEFAULT_LANGUAGE, SOURCE_LANGUAGE)  # the language rule's "both, Arabic first"


def N_(text: str) -> str:
    """Marks a help text as a catalogue entry (found by `extract`); it is translated when shown."""
    return text


# argparse's own msgids, Python 3.11-3.14 (argparse.py's `_()` and `ngettext()` calls): found by
# `extract` here, translated in the .po files like every other string.
ARGPARSE_TEXTS = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("subcommands"), N_("%(heading)s:"),
    N_("show this help message and exit"), N_("show program's version number and exit"),
    N_(" (default: %(default)s)"),
    N_("%(prog)s: error: %(message)s\n"), N_("%(prog)s: warning: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"), N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"), N_("not allowed with argument %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid choice: %(value)r, maybe you meant %(closest)r?"),
    N_("invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("expected one argument"), N_("expected at most one argument"), N_("expected at least one argument"),
    N_("expected %s argument"), N_("expected %s arguments"),
    N_("ignored explicit argument %r"), N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("option '%(option)s' is deprecated"), N_("argument '%(argument_name)s' is deprecated"),
    N_("command '%(parser_name)s' is deprecated"),
    N_("can't open '%(filename)s': %(error)s"), N_("argument \"-\" with mode %r"),
    # mistakes in the parser's own definition (a programmer's, never a user's), translated all the same
    N_("conflicting option string: %s"), N_("conflicting option strings: %s"),
    N_("conflicting subparser: %s"), N_("conflicting subparser alias: %s"),
    N_("cannot have multiple subparser arguments"), N_("cannot merge actions - two groups are named %r"),
    N_("'required' is an invalid argument for positionals"), N_("mutually exclusive arguments must be optional"),
    N_("dest= is required for options like %r"), N_("invalid conflict_resolution value: %r"),
    N_("invalid option string %(option)r: must start with a character %(prefix_chars)r"),
    N_("%r is not callable"), N_(".__call__() not defined"),
)

_SPOKEN: ContextVar[str | None] = ContextVar("fundclient_cli_language", default=None)
_RUN: ContextVar["_Run | None"] = ContextVar("fundclient_cli_run", default=None)


class _Run:
    """One parse of a whole command line: the namespace argparse fills, read by the language rule."""

    def __init__(self, namespace: argparse.Namespace) -> None:
        self.namespace = namespace
        self._languages: tuple[str, ...] | None = None

    def languages(self) -> tuple[str, ...]:
        if self._languages is None:
            self._languages = rule_languages(getattr(self.namespace, "lang", None),
                                             getattr(self.namespace, "data_dir", None))
        return self._languages


def rule_languages(lang: str | None = None, data_dir=None) -> tuple[str, ...]:
    """The languages `cli.output.language_of` gives for these global options: one, or both."""
    chosen = language_of(SimpleNamespace(lang=lang if is_language(lang) else None,
                                         data_dir=resolve_data_dir(data_dir)))
    return (chosen,) if chosen else BOTH


def current_language() -> str:
    """The language being spoken now: set by `speaking`, else the first of this parse's rule,
    else English (the msgids as they are — a parser being built loads no catalogue)."""
    spoken = _SPOKEN.get()
    if spoken:
        return spoken
    run = _RUN.get()
    return run.languages()[0] if run is not None else SOURCE_LANGUAGE


def text(msgid: str) -> str:
    """A help text or argparse word in the language spoken now."""
    language = current_language()
    return msgid if language == SOURCE_LANGUAGE or not msgid else lookup(msgid, language)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Help and argparse's words in `language` inside the block (tests, and each of "both")."""
    token = _SPOKEN.set(language)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def _ours() -> bool:
    return _SPOKEN.get() is not None or _RUN.get() is not None


def _argparse_text(message: str) -> str:
    return text(message) if _ours() else gettext.gettext(message)


def _argparse_ntext(singular: str, plural: str, n: int) -> str:
    return text(singular if n == 1 else plural) if _ours() else gettext.ngettext(singular, plural, n)


# argparse calls its module's `_`/`ngettext` at the moment it needs a word; ours answer from the
# catalogue while one of our parsers speaks, and exactly as gettext otherwise (pytest's parser …).
argparse._ = _argparse_text  # type: ignore[attr-defined]
argparse.ngettext = _argparse_ntext  # type: ignore[attr-defined]


class _Refused(Exception):
    """What was typed cannot be parsed: raised by `FundParser.error`, said by the outermost parse."""

    def __init__(self, parser: "FundParser", message: str, language: str) -> None:
        super().__init__(message)
        self.parser, self.message, self.language = parser, message, language


def _say_refused(refusals: list[_Refused]) -> None:
    """The usage of the parser that refused (in the first language) and each refusal's line, on
    standard error; exit 2, "cannot start" (docs/install.md)."""
    first = refusals[0]
    with speaking(first.language):
        lines = [first.parser.format_usage()]
    for refusal in refusals:
        with speaking(refusal.language):
            lines.append(text("%(prog)s: error: %(message)s\n")
                         % {"prog": refusal.parser.prog, "message": refusal.message})
    first.parser._print_message("".join(lines), sys.stderr)
    sys.exit(int(ExitCode.CANNOT_START))


class CatalogueFormatter(argparse.HelpFormatter):
    """argparse's formatter, each help text, description and heading translated as it is shown."""

    def _get_help_string(self, action: argparse.Action) -> str:
        return text(action.help) if action.help else action.help

    def _format_text(self, description: str) -> str:
        return super()._format_text(text(description))

    def start_section(self, heading: str | None) -> None:
        super().start_section(text(heading) if heading else heading)

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, text("usage: ") if prefix is None else prefix)

    # Lines break at spaces only: never inside a word, a command (`enrol-request`), an option
    # or a path — argparse's textwrap would cut at hyphens and inside words longer than a line.
    def _split_lines(self, help_text: str, width: int) -> list[str]:
        return _wrapper(width).wrap(self._whitespace_matcher.sub(" ", help_text).strip())

    def _fill_text(self, description: str, width: int, indent: str) -> str:
        wrapper = _wrapper(width)
        wrapper.initial_indent = wrapper.subsequent_indent = indent
        return wrapper.fill(self._whitespace_matcher.sub(" ", description).strip())


def _wrapper(width: int):
    import textwrap  # lazy: only help is wrapped (argparse imports it as late)

    return textwrap.TextWrapper(width, break_long_words=False, break_on_hyphens=False)


class _Commands(argparse._SubParsersAction):
    """Sub-commands: a command's one-line help is also the description atop its own help."""

    def add_parser(self, name, **kwargs):
        if kwargs.get("help") and "description" not in kwargs:
            kwargs["description"] = kwargs["help"]
        return super().add_parser(name, **kwargs)


class FundParser(argparse.ArgumentParser):
    """Every parser and sub-parser of `fundclient` (sub-parsers are made of the same class)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", CatalogueFormatter)
        with speaking(SOURCE_LANGUAGE):  # its group titles are the msgids, whatever gettext's locale
            super().__init__(*args, **kwargs)
        self.register("action", "parsers", _Commands)

    # --- parsing: the outermost call reads the language rule and says a refusal -------------

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        return self._whole_line(super().parse_args, args, namespace)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        return self._whole_line(super().parse_known_args, args, namespace)

    def _whole_line(self, parse, args, namespace):
        if _RUN.get() is not None:  # a command's own parser, inside the whole line's parse
            return parse(args, namespace)
        args = list(sys.argv[1:] if args is None else args)
        run = _Run(argparse.Namespace() if namespace is None else namespace)
        token = _RUN.set(run)
        try:
            try:
                return parse(args, run.namespace)
            except _Refused as refused:
                first = refused  # (the `as` name is gone after the except block)
            refusals = [first]
            # "Both languages": the same line parsed again in each other one, for its words.
            for language in run.languages():
                if language != first.language:
                    with speaking(language):
                        try:
                            parse(args, argparse.Namespace())
                        except _Refused as again:
                            refusals.append(again)
            _say_refused(refusals)
        finally:
            _RUN.reset(token)

    def error(self, message: str):  # type: ignore[override]
        if _RUN.get() is None:  # outside a parse (a handler's own check): said at once, as argparse does
            _say_refused([_Refused(self, message, _SPOKEN.get() or rule_languages()[0])])
        raise _Refused(self, message, current_language())

    # --- help: in the rule's language, or Arabic then English ------------------------------

    def format_help(self) -> str:
        if _SPOKEN.get() is not None:
            return super().format_help()
        run = _RUN.get()
        languages = run.languages() if run is not None else rule_languages()
        parts = []
        for language in languages:
            with speaking(language):
                parts.append(super().format_help())
        return "\n".join(parts)

    def _print_message(self, message, file=None) -> None:
        if message:
            try:
                write_text(file or sys.stderr, message)
            except (AttributeError, OSError):  # no console (a GUI start): as argparse does
                pass
