"""Office-side sync commands: enrol, sync, export-batches, import-acks, sync-status.

Exit codes follow `errors.ExitCode` (the table in docs/install.md): 0 everything done, 1 partly
(something refused, quarantined, forged or left unsent), 2 cannot start.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fundclient.cli.output import PASSWORD, USER_NAME, ask, done, read_secret, say
from fundclient.cli.parser import N_
from fundclient.errors import ExitCode, Message
from fundclient.config import Settings
from fundclient.services.session import login
from fundclient.storage.status import read_status
from fundclient.sync.history import SyncHistory

SYNC_OK = Message("{sent} batch(es) sent and acknowledged; nothing is waiting.")
SYNC_NOT_ALL = Message("{sent} batch(es) sent; {pending} waiting; {quarantined} refused by HQ and quarantined.")
AWAITING_SEAL = Message("{count} saved record(s) are not sealed for sending yet: an operator must log in, or "
                        "run: fundclient seal --user <user name>")
AWAITING_APPROVAL = Message("{count} record(s) wait for a supervisor's approval before sending.")
SEALED = Message("{count} saved record(s) sealed and ready to send.")
STATUS_ALL_WELL = Message("Everything was sent and acknowledged.")
STATUS_PENDING = Message("{pending} batch(es) wait to be sent.")
STATUS_LAST_ERROR = Message("Last attempt: {reason}")
STATUS_QUARANTINED = Message("{count} batch(es) refused by HQ (quarantined): {reasons} — once the cause is "
                             "fixed: fundclient sync-requeue <batch name>")
REQUEUED = Message("Batch {name} is back in the queue; it is sent at the next sync (fundclient sync).")
STATUS_NEVER = Message("No sync has succeeded yet.")
STATUS_STALE = Message("The last successful sync was {days} day(s) ago (limit {limit}).")


def register(sub) -> None:
    p = sub.add_parser("enrol", help=N_("enrol this device with HQ (one-time token from `hq enrol-token`): online "
                                     "with --server, or by USB with --from-file (HQ's answer to enrol-request)"))
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--server", help=N_("HQ URL, e.g. https://hq.example.ly"))
    where.add_argument("--from-file", help=N_("HQ's answer file fundclient-enrol-response-….json (by USB)"))
    p.add_argument("--token", required=True, help=N_("the one-time enrolment token HQ gave for this office"))
    p.add_argument("--label", default="", help=N_("a name for this device shown at HQ"))
    p.add_argument("--user", help=N_("an operator who seals the records saved before enrolment "
                                  "(asked when records wait and this is not given)"))
    p.add_argument("--password-file", help=N_("that operator's password (else a prompt)"))
    p.set_defaults(handler=_enrol)

    p = sub.add_parser("seal", help=N_("seal the saved records that wait for sending (as an operator's "
                                    "login does); needs an operator's password"))
    p.add_argument("--user", required=True, help=N_("operator user name"))
    p.add_argument("--password-file", help=N_("read the password from this file (else a prompt)"))
    p.set_defaults(handler=_seal)

    p = sub.add_parser("enrol-request", help=N_("no link to HQ: write this device's enrolment request onto a "
                                             "removable drive for `hq enrol-offline`"))
    p.add_argument("--to", required=True, help=N_("the drive (folder) to write the request to"))
    p.add_argument("--label", default="", help=N_("a name for this device shown at HQ"))
    p.set_defaults(handler=_enrol_request)

    p = sub.add_parser("sync", help=N_("send sealed batches to HQ and pull reference data (for the OS scheduler); "
                                    "exit 0 only when everything was acknowledged"))
    p.add_argument("--json", action="store_true", help=N_("print a JSON summary"))
    p.set_defaults(handler=_sync)

    p = sub.add_parser("sync-status", help=N_("pending / quarantined batches and the last sync, and why "
                                           "(exit 0 when all is sent)"))
    p.add_argument("--json", action="store_true", help=N_("machine-readable output"))
    p.set_defaults(handler=_status)

    p = sub.add_parser("sync-requeue", help=N_("send a quarantined batch again (after the cause was fixed at HQ)"))
    p.add_argument("batch_id", help=N_("the batch name shown by sync-status, or its id"))
    p.set_defaults(handler=_requeue)

    p = sub.add_parser("export-batches", help=N_("write pending sealed batches onto a removable drive"))
    p.add_argument("--to", required=True, help=N_("the drive (folder) to write the batches to"))
    p.set_defaults(handler=_export)

    p = sub.add_parser("import-acks", help=N_("apply HQ's acknowledgements: an acks file written by "
                                           "`hq import-batches`, or the drive folder holding them"))
    p.add_argument("file", help=N_("fundclient-acks-….json, or the drive folder (every acks file in it)"))
    p.set_defaults(handler=_import_acks)


# The one language rule of every command (cli.output): --lang, else the office's, else both.
_say = say


ENROLLED = Message("The device is enrolled with HQ: office {office}, device number {number}.")


def _enrol(args) -> int:
    from fundclient.sync.enrol import enrol, enrol_from_file  # lazy: start-up (cryptography, requests)
    waiting = _awaiting(args.data_dir)[0]  # saved before enrolment: sealed now, not at some later login
    from fundclient import device_key  # lazy: start-up (cryptography)
    if args.user and device_key.public_key(args.data_dir) is None:
        _login_once(args)  # a restored or upgraded PC: the login makes the device key (device_key.py)
    if args.from_file:
        device = enrol_from_file(args.data_dir, Path(args.from_file), args.token)
    else:
        device = enrol(args.data_dir, args.server, args.token, label=args.label)
    print(json.dumps({"device_id": device.device_id, "device_number": device.device_number,
                      "office_code": device.office_code}))
    _say(args, ENROLLED.format(office=device.office_code, number=device.device_number), file=sys.stderr)
    if not waiting and not args.user:
        return ExitCode.OK
    if not args.user:
        if not sys.stdin.isatty():  # unattended: say what waits and how to seal it
            _say(args, AWAITING_SEAL.format(count=waiting), file=sys.stderr)
            return ExitCode.PARTLY
        args.user = ask(args, USER_NAME).strip()
    return _seal(args, out=sys.stderr)


def _awaiting(data_dir: Path) -> tuple[int, int]:
    """(records waiting to be sealed, records waiting for approval), from status.json (no password).
    Before enrolment nothing is sealed, so every pending record waits."""
    status = read_status(data_dir)
    if not (Path(data_dir) / "device" / "enrolment.json").exists():
        return int(status.get("pending_sync", 0)), 0
    return int(status.get("awaiting_seal", 0)), int(status.get("awaiting_approval", 0))


def _password(args) -> str:
    if getattr(args, "_password", None) is None:  # asked once per command
        args._password = read_secret(args, args.password_file, PASSWORD)
    return args._password


def _login_once(args) -> None:
    login(args.data_dir, args.user, _password(args)).close()


def _seal(args, *, out=None) -> int:
    """Log in as the operator (which seals, as the app's login does) and say what was sealed."""
    from fundclient.services.sealing import SealedIndex  # lazy: start-up (13 more modules)
    password = _password(args)
    index = SealedIndex(args.data_dir)
    before = len(index.load())
    login(args.data_dir, args.user, password).close()
    left, unapproved = _awaiting(args.data_dir)
    _say(args, SEALED.format(count=len(index.load()) - before), file=out)
    if unapproved:
        _say(args, AWAITING_APPROVAL.format(count=unapproved), file=out)
    if left:
        _say(args, AWAITING_SEAL.format(count=left), file=sys.stderr)
        return ExitCode.PARTLY
    return ExitCode.OK


def _enrol_request(args) -> int:
    from fundclient.sync.enrol import REQUEST_WRITTEN, write_request  # lazy: start-up (cryptography, requests)
    path = write_request(args.data_dir, Path(args.to), label=args.label)
    _say(args, REQUEST_WRITTEN.format(path=path))
    return ExitCode.OK


def _sync(args) -> int:
    from fundclient.sync.engine import run_sync  # lazy: start-up (cryptography, NumPy, requests)
    summary = run_sync(args.data_dir)
    unsealed, unapproved = _awaiting(args.data_dir)
    if unsealed and summary.status == "ok":  # every batch went, but records still wait: not done
        summary.status = "partial"
    if args.json:
        print(json.dumps({**summary.to_dict(), "records_awaiting_seal": unsealed,
                          "records_awaiting_approval": unapproved}, ensure_ascii=False))
    else:
        if summary.status in ("ok", "partial"):
            done = SYNC_OK if summary.status == "ok" else SYNC_NOT_ALL
            _say(args, done.format(sent=summary.batches_acknowledged, pending=summary.batches_pending,
                                   quarantined=summary.batches_quarantined))
        if summary.error:
            _say(args, Message.fixed(ar=summary.error['ar'], en=summary.error['en']), file=sys.stderr)
        if unsealed:
            _say(args, AWAITING_SEAL.format(count=unsealed), file=sys.stderr)
        if unapproved:
            _say(args, AWAITING_APPROVAL.format(count=unapproved))
    if summary.status == "ok":
        return ExitCode.OK
    return ExitCode.CANNOT_START if summary.status == "error" else ExitCode.PARTLY


def _status(args) -> int:
    from fundclient.sync.outbox import Outbox  # lazy: start-up (cryptography)
    outbox, history = Outbox(args.data_dir), SyncHistory(args.data_dir)
    settings = Settings.load(args.data_dir)
    quarantined = outbox.quarantined()
    pending = len(outbox.pending())
    age, last_error = history.last_success_age_days(), history.last_error()
    why: list[Message] = []
    if pending:
        why.append(STATUS_PENDING.format(pending=pending))
    if quarantined:
        reasons = Message.join(Message("; ", context="list of reasons"),
                               list({q.message.en: q.message for q in quarantined}.values()))
        why.append(STATUS_QUARANTINED.format(count=len(quarantined), reasons=reasons))
    if last_error and (pending or quarantined):
        why.append(STATUS_LAST_ERROR.format(reason=Message.fixed(ar=last_error.get("ar", ""),
                                                                 en=last_error.get("en", ""))))
    if pending and age is None:
        why.append(STATUS_NEVER)
    elif age is not None and age > settings.stale_sync_warning_days:
        why.append(STATUS_STALE.format(days=int(age), limit=settings.stale_sync_warning_days))
    doc = {"ok": not why, "pending": pending, "pending_bytes": outbox.pending_bytes(),
           "quarantined": [{"batch": q.path.name, "code": q.code, "ar": q.message.ar, "en": q.message.en}
                           for q in quarantined],
           "last_success_age_days": age, "last_error": last_error,
           "stale_after_days": settings.stale_sync_warning_days,
           "why": [{"ar": m.ar, "en": m.en} for m in why]}
    if args.json:
        print(json.dumps(doc, ensure_ascii=False))
    else:
        for message in why or [STATUS_ALL_WELL]:
            _say(args, message)
        for q in quarantined:
            _say(args, Message("  {name}: {message}").format(name=q.path.name, message=q.message))
    return ExitCode.OK if not why else ExitCode.PARTLY


def _requeue(args) -> int:
    from fundclient.sync.outbox import Outbox  # lazy: start-up (cryptography)
    name = Outbox(args.data_dir).requeue(args.batch_id).name
    return done(REQUEUED.format(name=name))


def _export(args) -> int:
    from fundclient.sync.usb import export_batches  # lazy: start-up (cryptography)
    report = export_batches(args.data_dir, Path(args.to))
    for line in report.lines():
        print(line)
    _say(args, report.summary())
    return report.exit_code


def _import_acks(args) -> int:
    from fundclient.sync.usb import import_acks  # lazy: start-up (cryptography)
    report = import_acks(args.data_dir, Path(args.file))
    for line in report.lines():
        print(line)
    _say(args, report.summary())
    return report.exit_code
