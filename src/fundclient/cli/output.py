"""How every `fundclient` command speaks: one language rule, one summary line, one exit code.

The one mechanism for the command line's manners (docs/install.md, "Exit codes"):

- **Language**: `--lang` when given, else the office's `language` setting, else — on a PC with
  no office yet, or whose settings cannot be read — *both* languages, Arabic first.
  `language_of(args)` is that rule and `say(args, message)` prints by it.
- **Summary**: a command handler returns `done(msg)`, `partly(msg)` or `cannot_start(msg)` (an
  `Outcome`); `fundclient.cli` prints the one-line summary by the language rule and exits with
  its code. The summary goes to standard output — to standard error when nothing could be done,
  or when standard output carries data for a program (`--json`, a token, an export to stdout:
  `data_on_stdout=True`).
- **Exit codes**: `errors.ExitCode` — 0 done, 1 partly done, 2 cannot start, 3 a fault.
  A typed `FundError` raised by a handler is printed by the same rule and exits 2.

Handlers of other packages import only this module (it imports nothing above `config`).
"""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from typing import TextIO

from fundclient.errors import USER_NAME, AuthError, ExitCode, Message
from fundclient.config import Settings


def language_of(args) -> str | None:
    """The language of this run ("ar", "en", "fr" … any with a catalogue); None = Arabic and
    English both (no office set up, or its settings unreadable)."""
    chosen = getattr(args, "lang", None)
    if chosen:
        return chosen
    data_dir = getattr(args, "data_dir", None)
    if data_dir is None or not (data_dir / "settings.json").exists():
        return None

    try:
        return Settings.load(data_dir).language
    except Exception:  # noqa: BLE001 - an unreadable settings file is reported by the command; speak both
        return None


def text_of(message: Message, language: str | None) -> str:
    """The message in `language`, or Arabic then English on two lines when None."""
    return message.in_language(language) if language else f"{message.in_language('ar')}\n{message.en}"


def say(args, message: Message, *, file: TextIO | None = None) -> None:
    """Print `message` by the language rule (standard output unless `file` is given)."""
    stream = file or sys.stdout
    write_text(stream, text_of(message, language_of(args)) + "\n")
    stream.flush()


def write_text(stream: TextIO, text: str) -> None:
    """Write `text` as it is; a character the stream's encoding lacks (a Windows console code
    page without Arabic) becomes "?" instead of an error."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "replace").decode(encoding))


# What the commands ask for at a prompt (`ask`), in the run's language like everything they print.
PASSWORD = Message("Password")
PASSWORD_AGAIN = Message("Again", context="password prompt")
PASSWORDS_DIFFER = Message("The two passwords differ.")
NEW_PASSWORD = Message("New password")
ADMIN_PASSWORD = Message("Administrator password")
RECOVERY_KEY = Message("Recovery key")
PROMPT = Message("{what}: ", context="prompt")  # French puts a space before the colon
# The word a person types to confirm ("Type yes to continue"): English "yes" always works too.
YES = Message("yes", context="the word typed to confirm")


def prompt_of(args, message: Message) -> str:
    """A prompt by the language rule: "Password: " — or, with no language, Arabic then English on
    one line ("كلمة المرور / Password: ")."""
    language = language_of(args)
    if language:
        return PROMPT.format(what=message).in_language(language)
    return PROMPT.format(what=Message.plain(f"{message.in_language('ar')} / {message.en}")).in_language("ar")


def ask(args, message: Message, *, secret: bool = False) -> str:
    """Ask for one line at the terminal (without echo when `secret`), the prompt by the language rule."""
    prompt = _printable(prompt_of(args, message), sys.stderr if secret else sys.stdout)
    return getpass.getpass(prompt) if secret else input(prompt)


def read_secret(args, path: str | None, prompt: Message, *, twice: bool = False) -> str:
    """A password or key from the file `path`, else asked at the terminal (`prompt`, by the
    language rule; `twice`: asked again and compared)."""
    if path:
        from fundclient import drive  # lazy: start-up (only a command given a file reads one)

        text = drive.read_user_file(path, 64 * 1024).decode("utf-8", "replace")  # regular file only
        return text.splitlines()[0] if text else ""
    first = ask(args, prompt, secret=True)
    if twice and ask(args, PASSWORD_AGAIN, secret=True) != first:
        raise AuthError(PASSWORDS_DIFFER, code="mismatch")
    return first


def confirmed(args, answer: str) -> bool:
    """Whether `answer` is the word for yes in the run's language (or English "yes", or Arabic's
    when no language is set)."""
    language = language_of(args)
    words = {"yes", YES.in_language(language or "ar")}
    return answer.strip().casefold() in {w.casefold() for w in words}


def _printable(text: str, stream) -> str:
    """`text` as `stream` can show it (a Windows console code page without Arabic gets "?")."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        return text.encode(encoding, "replace").decode(encoding, "replace")


@dataclass(frozen=True)
class Outcome:
    """What a command handler returns: its exit code and the one-line summary of what it did."""

    code: ExitCode
    summary: Message
    data_on_stdout: bool = False  # stdout carries a program's data: the summary goes to stderr

    def report(self, args) -> int:
        to_stderr = (self.data_on_stdout or bool(getattr(args, "json", False))
                     or self.code == ExitCode.CANNOT_START)
        say(args, self.summary, file=sys.stderr if to_stderr else sys.stdout)
        return int(self.code)


def done(summary: Message, *, data_on_stdout: bool = False) -> Outcome:
    """Everything asked was done (exit 0)."""
    return Outcome(ExitCode.OK, summary, data_on_stdout)


def partly(summary: Message, *, data_on_stdout: bool = False) -> Outcome:
    """The command ran but something was refused, skipped or left undone (exit 1)."""
    return Outcome(ExitCode.PARTLY, summary, data_on_stdout)


def cannot_start(summary: Message) -> Outcome:
    """Nothing was done (exit 2): the summary says why."""
    return Outcome(ExitCode.CANNOT_START, summary)


def finish(args, result) -> int:
    """A handler's result as the process's exit code: an `Outcome` is reported; an int is passed on."""
    if isinstance(result, Outcome):
        return result.report(args)
    return int(result or 0)


class UpgradeLine:
    """The store's one-time upgrade at its opening (`storage.upgrade_progress`) as a progress line
    on standard error, by the language rule: rewritten in place on a terminal, one line per tenth
    otherwise (a log stays short). `fundclient.cli` listens with it around every command."""

    def __init__(self, args) -> None:
        self.args = args
        self.terminal = sys.stderr.isatty()
        self.shown: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        tenth = done * 10 // max(1, total)
        if (stage, tenth) == self.shown and not self.terminal:
            return
        from fundclient.storage.upgrade_progress import COUNTED_STAGES, said  # lazy: light, but only when an upgrade runs

        last = stage not in COUNTED_STAGES
        if last and self.shown is not None and self.shown[0] not in COUNTED_STAGES:
            return
        # a counted stage after another one (the old data's removal, then the keys): a line of its own
        other = self.terminal and not last and self.shown is not None and self.shown[0] != stage
        self.shown = (stage, tenth)
        text = text_of(said(stage, done, total), language_of(self.args))
        if self.terminal:
            write_text(sys.stderr, ("\n" if other else "") + "\r" + text + ("\n" if last else ""))
        else:
            write_text(sys.stderr, text + "\n")
        sys.stderr.flush()
