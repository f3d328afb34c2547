"""Sub-commands of storage: setup, status, backup, restore, audit verify, import, report,
reset-password, rekey. Commands needing the DB take --user and --password-file (or prompt)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from fundclient.cli.output import (ADMIN_PASSWORD, NEW_PASSWORD, PASSWORD, RECOVERY_KEY, ask, cannot_start, confirmed,
                                   done, partly, read_secret, say)
from fundclient.cli.parser import N_
from fundclient.config import Settings
from fundclient.storage.errors import ImportFileUnreadable, NotPermitted
from fundclient.errors import ExitCode, Message
from fundclient.domain.card_numbers import PROVISIONAL_DEVICE_NUMBERS
from fundclient.domain.display import Number
from fundclient.domain.reference import default_reference
from fundclient.services.session import Session
from fundclient.storage.report_export import export_report
from fundclient.storage.status import read_status
from fundclient.sync.history import SyncHistory

EXIT_OK, EXIT_ERROR, EXIT_SOME_REJECTED = ExitCode.OK, ExitCode.CANNOT_START, ExitCode.PARTLY


# The one language rule of every command (cli.output): --lang, else the office's, else both.
_say = say


def _login_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, help=N_("operator user name"))
    parser.add_argument("--password-file", help=N_("read the password from this file (else a prompt)"))


def open_store_from_args(args):
    """The operator's login from --user and --password-file (or a prompt): (store, operator)."""
    from fundclient.storage import open_store  # lazy: start-up (SQLAlchemy, SQLCipher)

    password = read_secret(args, args.password_file, PASSWORD)
    return open_store(args.data_dir, args.user, password)


def register(sub) -> None:
    p = sub.add_parser("setup", help=N_("initialise an office's data dir; prints the recovery key once"))
    p.add_argument("--office", required=True, help=N_("office code, e.g. SBH"))
    p.add_argument("--admin", required=True, help=N_("user name of the first administrator"))
    p.add_argument("--full-name", default="", help=N_("administrator's full name"))
    p.add_argument("--password-file", help=N_("read the admin password from this file (else prompted twice)"))
    p.add_argument("--device-number", type=int, default=0,
                   help=N_("this PC's number in the office, 900-999, used in card numbers until HQ enrols it "
                        "(must differ on every PC of the office)"))
    p.set_defaults(handler=cmd_setup)

    p = sub.add_parser("status", help=N_("counts and last sync (no password needed)"))
    p.add_argument("--json", action="store_true", help=N_("machine-readable output"))
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("backup", help=N_("write an encrypted backup now"))
    p.add_argument("--to", help=N_("directory (default DATA_DIR/backups, rotated)"))
    _login_args(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help=N_("replace the local data by a backup (current data kept aside); "
                                       "on a new PC: the whole office, enrolled again or with a new device number"))
    p.add_argument("file", help=N_("the backup file (….fcbackup.zip)"))
    p.add_argument("--yes", action="store_true", help=N_("do not ask for confirmation"))
    p.add_argument("--device-number", type=int,
                   help=N_("on a PC the backup was not made on: a new provisional device number, 900-999, that no "
                        "card of the office carries (else cards wait until this PC is enrolled with HQ)"))
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("audit", help=N_("audit log tools"))
    audit_sub = p.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help=N_("check the audit hash chain and its anchor"))
    _login_args(verify)
    verify.set_defaults(handler=cmd_audit_verify)

    p = sub.add_parser("import", help=N_("import beneficiaries from CSV or XLSX (see docs/import.md)"))
    p.add_argument("file", help=N_("the CSV or XLSX file to import"))
    p.add_argument("--report", help=N_("where to write the per-row report (default: next to FILE)"))
    _login_args(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("report", help=N_("registration counts for a date range, to CSV or XLSX"))
    p.add_argument("--from", dest="start", required=True, type=date.fromisoformat,
                   help=N_("first day, YYYY-MM-DD"))
    p.add_argument("--to", dest="end", required=True, type=date.fromisoformat, help=N_("last day, YYYY-MM-DD"))
    p.add_argument("--by", default="operator", choices=["operator", "channel", "municipality", "status", "office"],
                   help=N_("count by: %(choices)s (default: %(default)s)"))
    p.add_argument("--out", required=True, help=N_("output file (.csv or .xlsx)"))
    _login_args(p)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("reset-password", help=N_("set a new password with the recovery key"))
    p.add_argument("--user", required=True, help=N_("the user name whose password is set"))
    p.add_argument("--recovery-key-file", help=N_("file holding the recovery key (else a prompt)"))
    p.add_argument("--password-file", dest="new_password_file",
                   help=N_("file holding the new password (else prompted twice)"))
    p.set_defaults(handler=cmd_reset_password)

    p = sub.add_parser("operators", help=N_("the office's employees (admin): add, list, disable, enable, "
                                         "reset-password — the same as Administration → Employees in the app"))
    ops = p.add_subparsers(dest="operators_command", required=True)
    q = ops.add_parser("add", help=N_("add an employee"))
    q.add_argument("username", help=N_("the new employee's user name"))
    q.add_argument("--role", required=True, choices=["clerk", "supervisor", "admin"],
                   help=N_("clerk, supervisor or admin"))
    q.add_argument("--full-name", default="", help=N_("the employee's full name"))
    q.add_argument("--new-password-file", help=N_("the employee's password (else prompted twice)"))
    _login_args(q)
    q.set_defaults(handler=cmd_operators_add)
    q = ops.add_parser("list", help=N_("every employee, role and access"))
    _login_args(q)
    q.set_defaults(handler=cmd_operators_list)
    q = ops.add_parser("disable", help=N_("stop an employee's access (their password no longer opens the data)"))
    q.add_argument("username", help=N_("the employee's user name"))
    _login_args(q)
    q.set_defaults(handler=cmd_operators_disable)
    for name, text in (("reset-password", N_("set a new password for an employee who forgot theirs")),
                       ("enable", N_("give a stopped employee access again, with a new password"))):
        q = ops.add_parser(name, help=text)
        q.add_argument("username", help=N_("the employee's user name"))
        q.add_argument("--new-password-file", help=N_("the new password (else prompted twice)"))
        _login_args(q)
        q.set_defaults(handler=cmd_operators_password, enable=name == "enable")

    p = sub.add_parser("rekey", help=N_("rotate the database key (admin)"))
    _login_args(p)
    p.set_defaults(handler=cmd_rekey)


def cmd_setup(args) -> int:
    from fundclient.storage import initialise  # lazy: start-up (SQLAlchemy, SQLCipher)

    # An office outside the fund's list could never save a registration (its records' office
    # is this office): refuse it here, where the person setting up can still choose another.
    known = sorted(default_reference().codes("offices"))
    if args.office not in known:
        _say(args, Message("Office code '{code}' is not in the fund's list of offices. Known codes: {known}").format(code=args.office[:20], known=", ".join(known)), file=sys.stderr)
        return EXIT_ERROR
    password = read_secret(args, args.password_file, ADMIN_PASSWORD, twice=True)
    recovery = initialise(args.data_dir, args.office, args.admin, password, args.full_name,
                          provisional_device_number=args.device_number)
    _say(args, Message("Set up. Print this recovery key and keep it in a safe; it is not shown again:"))
    print(recovery)
    return EXIT_OK


def cmd_status(args) -> int:
    from fundclient.storage.keystore import Keystore  # lazy: start-up (cryptography)

    status = read_status(args.data_dir)
    set_up = Keystore(args.data_dir).exists()
    pending = status.get("pending_sync", 0)
    if (args.data_dir / "outbox").exists():  # HQ's answers received since the DB last counted
        from fundclient.sync.outbox import Outbox  # lazy: start-up (cryptography)
        pending = max(0, pending - len(Outbox(args.data_dir).answered_not_applied()))
    last_sync = SyncHistory(args.data_dir).last_success()  # the sync package's own record
    report = {"set_up": set_up, "office_code": Settings.load(args.data_dir).office_code,
              "records": status.get("records", 0), "dependants": status.get("dependants", 0),
              "pending_sync": pending, "awaiting_seal": status.get("awaiting_seal", 0),
              "awaiting_approval": status.get("awaiting_approval", 0), "last_save_at": status.get("last_save_at"),
              "last_sync_at": last_sync.isoformat() if last_sync else None, "last_backup_at": status.get("last_backup_at")}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
        _say(args, Message("{records} beneficiaries; {pending_sync} not yet answered by HQ, {awaiting_seal} "
                           "of them waiting to be sealed for sending.").format(records=report['records'], pending_sync=report['pending_sync'], awaiting_seal=report['awaiting_seal']))
    return EXIT_OK


def cmd_backup(args) -> int:
    from fundclient.storage.backup import create_backup  # lazy: start-up (cryptography, SQLAlchemy, SQLCipher)

    store, operator = open_store_from_args(args)
    try:
        path = create_backup(store, by=operator.username, to_dir=Path(args.to) if args.to else None)
    finally:
        store.close()
    print(path)  # alone on stdout, for scripts; the sentence goes to stderr
    return done(Message("Encrypted backup written: {path}").format(path=path),
                data_on_stdout=True)


def cmd_restore(args) -> int:
    # lazy: start-up (cryptography, SQLAlchemy, SQLCipher)
    from fundclient.storage.backup import inspect_backup, restore_backup

    manifest, plan = inspect_backup(args.data_dir, Path(args.file))
    records = manifest.get("counts", {}).get("records")
    _say(args, Message("Backup of office {office_code} taken {get}, {records} records.").format(office_code=plan.office_code, get=manifest.get('created_at'), records=records))
    number = args.device_number
    if number is None and plan.needs_number and not args.yes:
        used = [n for n in plan.used_numbers if n in PROVISIONAL_DEVICE_NUMBERS]
        _say(args, Message("This PC is new to the office. Type a new provisional device number from 900 to "
                           "999 (not: {used}), or press Enter to wait for its number from HQ at "
                           "enrolment: ").format(used=Message.join(Message(", "), [Message.plain(str(n)) for n in used])
                                                 if used else "—"))
        answer = input().strip()
        if answer:
            try:
                number = int(answer)
            except ValueError:
                number = -1
    if number is not None and number not in PROVISIONAL_DEVICE_NUMBERS:
        _say(args, Message("Provisional device number '{number}' is outside 900-999. Nothing was changed.").format(number=str(number)[:10]),
             file=sys.stderr)
        return EXIT_ERROR
    if not args.yes:
        _say(args, Message("The current data will be replaced (kept aside). Type yes to continue: "))
        if not confirmed(args, input()):
            return cannot_start(Message("Nothing was restored."))
    restored = restore_backup(args.data_dir, Path(args.file), device_number=number)
    from fundclient.sync.outbox import Outbox  # lazy: start-up (cryptography)

    # HQ's answers already written into the replaced DB are written again into the restored one.
    Outbox(args.data_dir).reapply_results()
    if restored.previous:
        kept = Message("Previous data kept in {previous}").format(previous=restored.previous)
    else:
        kept = Message("There was no previous data in this folder")
    if restored.device_number and not plan.enrolled:
        device = Message("Cards are numbered with provisional device number {device_number} until HQ enrols "
                         "this PC.").format(device_number=restored.device_number)
    elif plan.enrolled or plan.same_pc:
        device = None
    else:
        device = Message("Cards cannot be numbered on this PC until it is enrolled with HQ (fundclient "
                         "enrol, or by USB: fundclient enrol-request).")
    restored_office = Message("Restored office {office}. {kept}.").format(office=plan.office_code, kept=kept)
    _say(args, Message.plain("{restored} {device}").format(restored=restored_office, device=device)
         if device is not None else restored_office)
    return EXIT_OK


def cmd_audit_verify(args) -> int:
    store, _ = open_store_from_args(args)
    try:
        result = store.audit.verify()
    finally:
        store.close()
    if result.ok:
        _say(args, Message("Audit log intact ({entries} entries).").format(entries=result.entries))
        return EXIT_OK
    for problem in result.problems:
        print(f"  - {problem}", file=sys.stderr)
    # The check ran and found tampering: 1, as a card that is not valid or a failed self-test.
    return partly(Message("The audit log was tampered with (details above)."))


def cmd_import(args) -> int:
    from fundclient.services.importing import import_spreadsheet  # lazy: start-up (NumPy, openpyxl, rapidfuzz)
    from fundclient.services.reference import install_office_reference  # lazy: start-up (sync's reference store)
    from fundclient.storage.duplicate_candidates import HELD_RECORDS  # lazy: start-up
    from fundclient.storage.importer import (CLI_PIECE, CLI_WRITER_CACHE_KIB,  # lazy: start-up (NumPy, openpyxl)
                                             CheckedRows, cli_batch, few_full_collections)

    settings = Settings.load(args.data_dir)
    # The office's reference data (the bundled lists with HQ's updates: plain files, no password
    # needed) is installed first, as a login does, so that the rows are checked — here or by a
    # helper process, which is handed this set — against the lists the office uses. (No data
    # folder: nothing is created; the login below says the office is not set up.)
    reference = install_office_reference(args.data_dir) if Path(args.data_dir).is_dir() else None
    # An unreadable file fails before asking for the password; a large one is read and checked
    # by a helper process meanwhile (and while the rows are saved).
    checked = CheckedRows(Path(args.file), scheme=settings.national_id_scheme, office_code=settings.office_code,
                          reference=reference, by=args.user, share=True)  # (a command of its own: both cores)
    try:
        store, operator = open_store_from_args(args)
    except BaseException:
        checked.close()
        raise
    session = Session(args.data_dir, settings, store, operator)
    try:
        with few_full_collections():  # a command of its own: nothing else runs in this process
            result = import_spreadsheet(session, Path(args.file), report_path=args.report,
                                        progress=_ImportProgress(args, settings.language), checked=checked,
                                        batch_size=cli_batch(), writer_cache_kib=CLI_WRITER_CACHE_KIB,
                                        write_piece=CLI_PIECE, held_records=HELD_RECORDS)
    except ImportFileUnreadable as unreadable:
        if unreadable.result is not None:  # damaged part-way: the rows before it were imported, and reported
            _say_imported(args, unreadable.result)
        raise
    finally:
        checked.close()
        store.close()
    _say_imported(args, result)
    return EXIT_SOME_REJECTED if result.rejected else EXIT_OK


def _say_imported(args, result) -> None:
    _say(args, Message("Rows {rows}: imported {imported}, already present {already_present}, rejected "
                       "{rejected}. Report: {report_path}").format(rows=result.rows, imported=result.imported, already_present=result.already_present, rejected=result.rejected, report_path=result.report_path))


class _ImportProgress:
    """The import's progress line on stderr: rewritten in place on a terminal (after every
    batch), one line per tenth of the file otherwise (a log stays short)."""

    LINE = Message("Importing: {done} of {total} rows ({percent}%), {rate} rows/s")

    def __init__(self, args, language: str | None) -> None:
        import time

        self.language = args.lang or language or "ar"
        self.started = time.monotonic()
        self.terminal = sys.stderr.isatty()
        self.shown_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        import time

        tenth = done * 10 // max(1, total)
        if not self.terminal and tenth == self.shown_tenth:
            return
        self.shown_tenth = tenth
        rate = done / max(1e-6, time.monotonic() - self.started)
        line = self.LINE.format(done=Number(done), total=Number(total), percent=Number(done * 100 // max(1, total)),
                                rate=Number(round(rate))).in_language(self.language)
        end = "\n" if not self.terminal or done >= total else ""
        print(("\r" if self.terminal else "") + line, end=end, file=sys.stderr, flush=True)


def cmd_report(args) -> int:
    store, operator = open_store_from_args(args)
    try:
        rows = store.reports.counts(args.start, args.end, args.by)
        path = export_report(rows, Path(args.out), language=args.lang or Settings.load(args.data_dir).language)
        store.audit_event(operator.username, "export", rows=len(rows))
    finally:
        store.close()
    return done(Message("Report written ({rows} row(s)): {path}").format(rows=len(rows), path=path))


def cmd_reset_password(args) -> int:
    # lazy: start-up (SQLAlchemy, SQLCipher)
    from fundclient.storage import check_recovery_key, reset_password_with_recovery

    if args.recovery_key_file:
        recovery = read_secret(args, args.recovery_key_file, RECOVERY_KEY)
    else:  # typed where it can be seen and compared with the paper (it opens nothing without the PC)
        recovery = ask(args, RECOVERY_KEY)
    check_recovery_key(args.data_dir, recovery)  # a typo or a wrong key is said before the new password
    _say(args, Message("The recovery key is right."), file=sys.stderr)
    password = _new_password(args)
    reset_password_with_recovery(args.data_dir, recovery, args.user, password)
    _say(args, Message("The new password of '{user}' is set.").format(user=args.user))
    return EXIT_OK


def cmd_rekey(args) -> int:
    store, operator = open_store_from_args(args)
    try:
        store.rekey(operator.username)
    finally:
        store.close()
    _say(args, Message("The database key was rotated."))
    return EXIT_OK


ROLE_WORDS = {"clerk": Message("clerk"), "supervisor": Message("supervisor"),
              "admin": Message("administrator")}


def _new_password(args) -> str:
    """The employee's new password, checked against the password rule before the store is opened."""
    from fundclient.storage.keystore import check_password_strength  # lazy: start-up (cryptography)

    password = read_secret(args, args.new_password_file, NEW_PASSWORD, twice=True)
    check_password_strength(password)
    return password


def _as_admin(args, work):
    """Open the store as the administrator in --user and run work(store, admin name)."""
    store, operator = open_store_from_args(args)
    try:
        return work(store, operator.username)
    finally:
        store.close()


def cmd_operators_add(args) -> int:
    password = _new_password(args)
    _as_admin(args, lambda store, by: store.operators.add(args.username, password, args.role,
                                                          full_name=args.full_name, by=by))
    role = ROLE_WORDS[args.role]
    _say(args, Message("Employee '{username}' added ({role}).").format(username=args.username, role=role))
    return EXIT_OK


def cmd_operators_list(args) -> int:
    def work(store, by):
        if store.operators.role_of(by) != "admin":
            raise NotPermitted("operator_list")
        store.audit_event(by, "operator_list")
        return store.operators.list()
    operators = _as_admin(args, work)
    for op in operators:
        role = getattr(op.role, "value", op.role)
        access = Message("active", context="operator access") if op.active else Message("stopped")
        word = ROLE_WORDS.get(role, Message.plain(role))
        _say(args, Message("{username}\t{full_name}\t{word}\t{access}").format(username=op.username, full_name=op.full_name, word=word, access=access))
    active = sum(op.active for op in operators)
    _say(args, Message("{count} employee(s), {active} with access.").format(count=len(operators), active=active))
    return EXIT_OK


def cmd_operators_disable(args) -> int:
    _as_admin(args, lambda store, by: store.operators.disable(args.username, by=by))
    _say(args, Message("Access of '{username}' was stopped.").format(username=args.username))
    return EXIT_OK


def cmd_operators_password(args) -> int:
    password = _new_password(args)

    def work(store, by):
        if args.enable:
            store.operators.enable(args.username, password, by=by)
        else:
            store.operators.reset_password(args.username, password, by=by)
    _as_admin(args, work)
    if args.enable:
        _say(args, Message("'{username}' has access again, with a new password.").format(username=args.username))
    else:
        _say(args, Message("A new password is set for '{username}'. Tell it to them in person.").format(username=args.username))
    return EXIT_OK

