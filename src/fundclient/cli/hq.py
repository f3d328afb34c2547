"""`fundclient hq ...`: HQ administration and the intake server (needs the `hq` extra).

The HQ directory is `--hq-dir DIR` (before or after the sub-command), by default DATA_DIR/hq;
`--data-dir` keeps its one meaning, the fundclient data directory. `hq serve --data-dir DIR`,
the old spelling of `--hq-dir`, still works and says so. Every command ends with a one-line
summary by the language rule of `cli.output`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fundclient.cli.output import done, partly, say
from fundclient.cli.parser import N_
from fundclient.errors import Message, SyncError
from fundclient import drive
from fundclient.cli.hq_console import register as register_console

OLD_DATA_DIR = Message("Note: --data-dir after an hq command is the old spelling of --hq-dir (the HQ "
                       "directory itself). Write: fundclient hq --hq-dir {path} {command}")
KEYS_CREATED = Message("HQ keys created in {path}: decryption key {decrypt}, signing key {sign}.")
KEYS_ROTATED = Message("New decryption key {decrypt}{signing}; the old keys are kept for batches sealed "
                       "before. Restart the server (fundclient hq serve) so that it uses the new key.")
NEW_SIGNING = Message(", new signing key {sign}")
TOKEN_ISSUED = Message("Enrolment token for a device of office {office}, for one use, valid until {until}.")
DEVICE_REVOKED = Message("Device {device} (office {office}, device number {number}, '{label}') is revoked: "
                         "HQ refuses every batch from it from now on.")
NO_LABEL = Message("no label")
DEVICES_HEAD = Message("device id\toffice\tnumber\tlabel\tenrolled\tstate\tbatches\tmissing")
DEVICE_STATE = {True: Message("revoked"), False: Message("active")}
DEVICES_SUMMARY = Message("{count} device(s), {revoked} revoked.")
EXPORTED = Message("{count} record(s) written ({format}) to {path}.")
STDOUT = Message("standard output")
REFERENCE_SET = Message("Reference data updated: {kind} {code}; devices pull it at their next sync.")
REFERENCE_DELETED = Message("Removed from the reference data: {kind} {code}; devices pull it at their next "
                            "sync.")
CARD_REVOKED = Message("Card {number} is on the revoked list; devices pull it at their next sync.")


def register(sub) -> None:
    hq = sub.add_parser("hq", help=N_("HQ intake server and administration"))
    hq.add_argument("--hq-dir", help=N_("HQ data directory (default: DATA_DIR/hq)"))
    hq.add_argument("--database-url", help=N_("SQLAlchemy URL (default: SQLite in the HQ dir), "
                                           "e.g. postgresql+psycopg://user@host/db"))
    hq.add_argument("--passphrase-file", help=N_("file holding the passphrase of the HQ private keys"))
    cmds = hq.add_subparsers(dest="hq_command", metavar="HQ_COMMAND", required=True)
    _add_parser = cmds.add_parser

    def add_parser(name, **kwargs):
        """Each sub-command also takes --hq-dir / --database-url / --passphrase-file after its
        name (`fundclient hq serve --database-url …`); own dests so argparse does not reset them.
        `--data-dir` there is the old spelling of --hq-dir: it still works and says so."""
        p = _add_parser(name, **kwargs)
        p.add_argument("--hq-dir", dest="sub_hq_dir", help=argparse.SUPPRESS)
        p.add_argument("--database-url", dest="sub_database_url", help=argparse.SUPPRESS)
        p.add_argument("--passphrase-file", dest="sub_passphrase_file", help=argparse.SUPPRESS)
        p.add_argument("--data-dir", dest="old_hq_dir", help=argparse.SUPPRESS)
        return p

    cmds.add_parser = add_parser  # type: ignore[method-assign]

    p = cmds.add_parser("init", help=N_("create HQ decryption (HPKE ML-KEM-768+X25519) and signing (Ed25519) keys"))
    p.set_defaults(handler=_init)
    p = cmds.add_parser("rotate-keys", help=N_("new decryption key (old ones kept for batches in flight)"))
    p.add_argument("--signing", action="store_true", help=N_("also rotate the signing key"))
    p.set_defaults(handler=_rotate)
    p = cmds.add_parser("serve", help=N_("run the intake server"))
    p.add_argument("--host", default="127.0.0.1", help=N_("address to listen on (default: %(default)s)"))
    p.add_argument("--port", type=int, default=8443, help=N_("port to listen on (default: %(default)s)"))
    p.add_argument("--ssl-certfile", help=N_("TLS certificate file (PEM), when the server itself speaks HTTPS"))
    p.add_argument("--ssl-keyfile", help=N_("the TLS certificate's private key file (PEM)"))
    p.add_argument("--forwarded-allow-ips", default="",
                   help=N_("addresses of the load balancers in front (comma-separated): their X-Forwarded-For "
                        "is taken as the client's address (rate limits, logs); nobody else's is"))
    p.add_argument("--no-access-log", action="store_true", help=N_("no line per request (the load balancer logs them)"))
    p.add_argument("--workers", type=int, default=1, choices=range(1, 65), metavar="N",
                   help=N_("server processes sharing the port, e.g. one per core (default 1)"))
    p.set_defaults(handler=_serve)
    p = cmds.add_parser("enrol-token", help=N_("print a one-time enrolment token for an office device"))
    p.add_argument("--office", required=True, help=N_("office code, e.g. SBH"))
    p.add_argument("--valid-hours", type=float, default=72,
                   help=N_("hours the token stays valid (default: %(default)s)"))
    p.set_defaults(handler=_token)
    p = cmds.add_parser("enrol-offline", help=N_("enrol an office PC with no link: answer its enrolment request "
                                              "file (from a USB drive) with a signed answer file beside it"))
    p.add_argument("request", help=N_("fundclient-enrol-request-….json on the drive"))
    p.add_argument("--token", required=True, help=N_("a one-time token from `hq enrol-token` for the request's office"))
    p.set_defaults(handler=_enrol_offline)
    p = cmds.add_parser("revoke-device", help=N_("refuse every further batch from a device"))
    p.add_argument("device_id", help=N_("the device id shown by `hq devices`"))
    p.add_argument("--reason", default="", help=N_("why, kept in HQ's records"))
    p.set_defaults(handler=_revoke_device)
    p = cmds.add_parser("devices", help=N_("list enrolled devices (a table; --json for programs); --export FILE "
                                        "writes HQ's signed devices list (for `verify-card --devices FILE`)"))
    p.add_argument("--json", action="store_true", help=N_("the list as JSON"))
    p.add_argument("--export", metavar="FILE", help=N_("write the signed devices list to this new file"))
    p.set_defaults(handler=_devices)
    p = cmds.add_parser("export", help=N_("write every record HQ holds"))
    p.add_argument("--format", choices=["csv", "jsonl"], default="jsonl",
                   help=N_("%(choices)s (default: %(default)s)"))
    p.add_argument("--out", help=N_("file (default: stdout)"))
    p.set_defaults(handler=_export)
    p = cmds.add_parser("import-batches", help=N_("ingest batches from a removable drive; writes an acks file there"))
    p.add_argument("dir", help=N_("the drive (folder) holding the batches"))
    p.set_defaults(handler=_import)
    p = cmds.add_parser("set-reference", help=N_("add/update reference data (devices pull it)"))
    p.add_argument("kind", choices=["offices", "municipalities", "pension_authorities", "categories"],
                   help=N_("which list: %(choices)s"))
    p.add_argument("code", help=N_("the entry's code"))
    p.add_argument("--json", dest="data", help=N_('entry as JSON, e.g. {"ar": "سبها", "en": "Sabha"}'))
    p.add_argument("--delete", action="store_true", help=N_("remove the entry instead"))
    p.set_defaults(handler=_set_reference)
    p = cmds.add_parser("revoke-card", help=N_("add a card number to the revoked list devices pull"))
    p.add_argument("number", help=N_("the insurance card number"))
    p.add_argument("--reason", required=True, help=N_("why, kept with the revoked number"))
    p.set_defaults(handler=_revoke_card)
    register_console(cmds, _engine)


def _dir(args) -> Path:
    old = getattr(args, "old_hq_dir", None)
    if old and not getattr(args, "_told_old_spelling", False):
        args._told_old_spelling = True
        say(args, OLD_DATA_DIR.format(path=old, command=args.hq_command), file=sys.stderr)
    chosen = getattr(args, "sub_hq_dir", None) or old or args.hq_dir
    return Path(chosen).resolve() if chosen else args.data_dir / "hq"


def _database_url(args) -> str | None:
    return getattr(args, "sub_database_url", None) or args.database_url


def _passphrase(args) -> bytes | None:
    chosen = getattr(args, "sub_passphrase_file", None) or args.passphrase_file
    if not chosen:
        return None

    return drive.read_user_file(chosen, 64 * 1024).rstrip(b"\r\n")  # regular file only, never a FIFO or link


def _engine(args):
    from fundclient.hq.db import open_engine  # lazy: start-up (SQLAlchemy)
    return open_engine(_dir(args), _database_url(args))


def _init(args):
    from fundclient.hq.keys import init_keys  # lazy: start-up (cryptography)
    ring = init_keys(_dir(args), _passphrase(args))
    return done(KEYS_CREATED.format(path=_dir(args), decrypt=ring["active_decrypt"], sign=ring["active_sign"]))


def _rotate(args):
    from fundclient.hq.keys import HQKeys, rotate_keys  # lazy: start-up (cryptography)
    passphrase = _passphrase(args)
    HQKeys(_dir(args), passphrase)  # the keys open with this passphrase: new ones are sealed alike
    ring = rotate_keys(_dir(args), passphrase, signing=args.signing)
    signing = NEW_SIGNING.format(sign=ring["active_sign"]) if args.signing else Message.plain("")
    return done(KEYS_ROTATED.format(decrypt=ring['active_decrypt'], signing=signing))


def _serve(args) -> int:
    from fundclient.hq.server import serve  # lazy: FastAPI (the hq extra) only when used
    ssl = {k: v for k, v in (("ssl_certfile", args.ssl_certfile), ("ssl_keyfile", args.ssl_keyfile)) if v}
    serve(_dir(args), _database_url(args), args.host, args.port, _passphrase(args),
          forwarded_allow_ips=args.forwarded_allow_ips, access_log=not args.no_access_log, workers=args.workers,
          passphrase_file=getattr(args, "sub_passphrase_file", None) or args.passphrase_file, **ssl)
    return 0


def _token(args):
    from datetime import datetime, timedelta, timezone

    from fundclient.hq.devices import create_token  # lazy: start-up (SQLAlchemy)
    from fundclient.hq.keys import HQKeys  # lazy: start-up (cryptography)
    from fundclient.hq.refdata import canonical_office  # lazy: start-up (SQLAlchemy)
    keys = HQKeys(_dir(args), _passphrase(args))
    engine = _engine(args)
    office = canonical_office(engine, args.office)
    print(create_token(engine, office, keys.active_sign, valid_hours=args.valid_hours))  # the data: stdout
    until = (datetime.now(timezone.utc) + timedelta(hours=args.valid_hours)).strftime("%Y-%m-%d %H:%M UTC")
    return done(TOKEN_ISSUED.format(office=office, until=until), data_on_stdout=True)


def _enrol_offline(args):
    # lazy: start-up (cryptography, requests, SQLAlchemy)
    from fundclient.hq.enrol_usb import ANSWER_WRITTEN, enrol_offline
    from fundclient.hq.keys import HQKeys  # lazy: start-up (cryptography)
    info, path = enrol_offline(_engine(args), HQKeys(_dir(args), _passphrase(args)), Path(args.request), args.token)
    return done(ANSWER_WRITTEN.format(number=info["device_number"], office=info["office_code"], path=path))


def _label(device: dict) -> Message:
    return Message.plain(device['label']) if device.get("label") else NO_LABEL


def _revoke_device(args):
    from fundclient.hq.devices import list_devices, revoke_device  # lazy: start-up (SQLAlchemy)
    engine = _engine(args)
    revoke_device(engine, args.device_id, args.reason)
    device = next(d for d in list_devices(engine) if d["device_id"] == args.device_id)
    label = _label(device)
    return done(DEVICE_REVOKED.format(device=device['device_id'], office=device['office_code'], number=device['device_number'], label=label))


def _devices(args):
    from fundclient.hq.devices import list_devices  # lazy: start-up (SQLAlchemy)
    if getattr(args, "export", None):
        return _export_devices(args)
    devices = list_devices(_engine(args))
    summary = DEVICES_SUMMARY.format(count=len(devices), revoked=sum(d["revoked"] for d in devices))
    if args.json:
        print(json.dumps(devices, ensure_ascii=False, indent=1))
        return done(summary, data_on_stdout=True)
    rows = [Message.join(Message.plain("\t"), [
                Message.plain(str(d["device_id"])), Message.plain(str(d["office_code"])),
                Message.plain(str(d["device_number"])), _label(d), Message.plain(str(d["enrolled_at"][:16])),
                DEVICE_STATE[d["revoked"]], Message.plain(str(d["batches"])), Message.plain(str(d["missing"]))])
            for d in devices]
    for row in [DEVICES_HEAD, *rows] if rows else []:
        say(args, row)
    return done(summary)


def _export_devices(args):
    """HQ's signed devices list into a new file (never over an existing one, never through a link)."""
    import os

    from fundclient.hq.devices import devices_list  # lazy: start-up (SQLAlchemy)
    from fundclient.hq.keys import HQKeys  # lazy: start-up (cryptography)

    doc = devices_list(_engine(args), HQKeys(_dir(args), _passphrase(args)).sign_private)
    data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    fd = os.open(args.export, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    revoked = sum(1 for e in doc["devices"].values() if e["revoked_at"])
    return done(Message("Signed devices list written to {export}: {count} devices, {revoked} of them revoked.").format(export=args.export, count=len(doc['devices']), revoked=revoked))


def _export(args):
    from fundclient.hq.export import write_export  # lazy: start-up (SQLAlchemy)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            count = write_export(_engine(args), fh, args.format)
        return done(EXPORTED.format(count=count, format=args.format, path=args.out))
    count = write_export(_engine(args), sys.stdout, args.format)
    sys.stdout.flush()
    return done(EXPORTED.format(count=count, format=args.format, path=STDOUT), data_on_stdout=True)


def _import(args) -> int:
    from fundclient.hq.ingest import Ingestor  # lazy: start-up (cryptography, prometheus, rapidfuzz)
    from fundclient.hq.keys import HQKeys  # lazy: start-up (cryptography)
    from fundclient.hq.usb import import_batches  # lazy: start-up (cryptography, prometheus, rapidfuzz)
    report = import_batches(Ingestor(_engine(args), HQKeys(_dir(args), _passphrase(args))), Path(args.dir))
    for line in report.lines():  # one line per file, the acks file's path last (scripts read it)
        print(line)
    if int(report.exit_code) == 0:
        return done(report.summary(), data_on_stdout=True)
    return partly(report.summary(), data_on_stdout=True)


def _set_reference(args):
    from fundclient.hq.refdata import set_reference  # lazy: start-up (SQLAlchemy)
    try:
        data = None if args.delete else json.loads(args.data or "{}")
    except json.JSONDecodeError as exc:
        raise SyncError(Message("--json is not valid JSON (column {colno}).").format(colno=exc.colno), code="bad_json") from None
    if data is not None and not isinstance(data, dict):
        raise SyncError(Message("--json must be an object {…}."), code="bad_json")
    set_reference(_engine(args), args.kind, args.code, data)
    return done((REFERENCE_DELETED if args.delete else REFERENCE_SET).format(kind=args.kind, code=args.code))


def _revoke_card(args):
    from fundclient.hq.refdata import revoke_card  # lazy: start-up (SQLAlchemy)
    with _engine(args).begin() as conn:
        revoke_card(conn, args.number, args.reason, source="hq")
    return done(CARD_REVOKED.format(number=args.number))
