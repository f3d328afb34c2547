"""`fundclient hq ...`: HQ administration and the intake server (needs the `hq` extra)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub) -> None:
    hq = sub.add_parser("hq", help="HQ intake server and administration")
    hq.add_argument("--hq-dir", help="HQ data directory (default: DATA_DIR/hq)")
    hq.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in the HQ dir), "
                                           "e.g. postgresql+psycopg://user@host/db")
    hq.add_argument("--passphrase-file", help="file holding the passphrase of the HQ private keys")
    cmds = hq.add_subparsers(dest="hq_command", metavar="HQ_COMMAND", required=True)
    _add_parser = cmds.add_parser

    def add_parser(name, **kwargs):
        """Each sub-command also takes --database-url / --passphrase-file after its name
        (`fundclient hq serve --database-url …`); own dests so argparse does not reset them."""
        p = _add_parser(name, **kwargs)
        p.add_argument("--database-url", dest="sub_database_url", help=argparse.SUPPRESS)
        p.add_argument("--passphrase-file", dest="sub_passphrase_file", help=argparse.SUPPRESS)
        return p

    cmds.add_parser = add_parser  # type: ignore[method-assign]

    p = cmds.add_parser("init", help="create HQ decryption (HPKE ML-KEM-768+X25519) and signing (Ed25519) keys")
    p.set_defaults(handler=_init)
    p = cmds.add_parser("rotate-keys", help="new decryption key (old ones kept for batches in flight)")
    p.add_argument("--signing", action="store_true", help="also rotate the signing key")
    p.set_defaults(handler=_rotate)
    p = cmds.add_parser("serve", help="run the intake server")
    p.add_argument("--data-dir", dest="serve_dir", help="HQ data directory (same as --hq-dir)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--ssl-certfile")
    p.add_argument("--ssl-keyfile")
    p.add_argument("--forwarded-allow-ips", default="",
                   help="addresses of the load balancers in front (comma-separated): their X-Forwarded-For "
                        "is taken as the client's address (rate limits, logs); nobody else's is")
    p.add_argument("--no-access-log", action="store_true", help="no line per request (the load balancer logs them)")
    p.set_defaults(handler=_serve)
    p = cmds.add_parser("enroll-token", help="print a one-time enrolment token for an office device")
    p.add_argument("--office", required=True)
    p.add_argument("--valid-hours", type=float, default=72)
    p.set_defaults(handler=_token)
    p = cmds.add_parser("enroll-offline", help="enrol an office PC with no link: answer its enrolment request "
                                               "file (from a USB drive) with a signed answer file beside it")
    p.add_argument("request", help="fundclient-enrol-request-….json on the drive")
    p.add_argument("--token", required=True, help="a one-time token from `hq enroll-token` for the request's office")
    p.set_defaults(handler=_enroll_offline)
    p = cmds.add_parser("revoke-device", help="refuse every further batch from a device")
    p.add_argument("device_id")
    p.add_argument("--reason", default="")
    p.set_defaults(handler=_revoke_device)
    p = cmds.add_parser("devices", help="list enrolled devices; --export FILE writes HQ's signed devices list "
                                        "(for `verify-card --devices FILE`)")
    p.add_argument("--export", metavar="FILE", help="write the signed devices list to this new file")
    p.set_defaults(handler=_devices)
    p = cmds.add_parser("export", help="write every record HQ holds")
    p.add_argument("--format", choices=["csv", "jsonl"], default="jsonl")
    p.add_argument("--out", help="file (default: stdout)")
    p.set_defaults(handler=_export)
    p = cmds.add_parser("import-batches", help="ingest batches from a removable drive; writes an acks file there")
    p.add_argument("dir")
    p.set_defaults(handler=_import)
    p = cmds.add_parser("set-reference", help="add/update reference data (devices pull it)")
    p.add_argument("kind", choices=["offices", "municipalities", "pension_authorities", "categories"])
    p.add_argument("code")
    p.add_argument("--json", dest="data", help='entry as JSON, e.g. {"ar": "سبها", "en": "Sabha"}')
    p.add_argument("--delete", action="store_true")
    p.set_defaults(handler=_set_reference)
    p = cmds.add_parser("revoke-card", help="add a card number to the revoked list devices pull")
    p.add_argument("number")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=_revoke_card)
    from fundclient.hq.console.commands import register as register_console
    register_console(cmds, _engine)


def _dir(args) -> Path:
    chosen = getattr(args, "serve_dir", None) or args.hq_dir
    return Path(chosen).resolve() if chosen else args.data_dir / "hq"


def _database_url(args) -> str | None:
    return getattr(args, "sub_database_url", None) or args.database_url


def _passphrase(args) -> bytes | None:
    chosen = getattr(args, "sub_passphrase_file", None) or args.passphrase_file
    if not chosen:
        return None
    from fundclient import drive

    return drive.read_user_file(chosen, 64 * 1024).rstrip(b"\r\n")  # regular file only, never a FIFO or link


def _engine(args):
    from fundclient.hq.db import open_engine
    return open_engine(_dir(args), _database_url(args))


def _init(args) -> int:
    from fundclient.hq.keys import init_keys
    print(json.dumps(init_keys(_dir(args), _passphrase(args))))
    return 0


def _rotate(args) -> int:
    from fundclient.hq.keys import rotate_keys
    print(json.dumps(rotate_keys(_dir(args), _passphrase(args), signing=args.signing)))
    return 0


def _serve(args) -> int:
    from fundclient.hq.server import serve
    ssl = {k: v for k, v in (("ssl_certfile", args.ssl_certfile), ("ssl_keyfile", args.ssl_keyfile)) if v}
    serve(_dir(args), _database_url(args), args.host, args.port, _passphrase(args),
          forwarded_allow_ips=args.forwarded_allow_ips, access_log=not args.no_access_log, **ssl)
    return 0


def _token(args) -> int:
    from fundclient.hq.devices import create_token
    from fundclient.hq.keys import HQKeys
    from datetime import datetime, timedelta, timezone

    from fundclient.errors import Message
    from fundclient.hq.refdata import canonical_office
    keys = HQKeys(_dir(args), _passphrase(args))
    engine = _engine(args)
    office = canonical_office(engine, args.office)
    print(create_token(engine, office, keys.active_sign, valid_hours=args.valid_hours))
    until = (datetime.now(timezone.utc) + timedelta(hours=args.valid_hours)).strftime("%Y-%m-%d %H:%M UTC")
    issued = Message(f"رمز تسجيل لجهاز من مكتب {office}، يُستعمل مرة واحدة، صالح حتى {until}.",
                     f"Enrolment token for a device of office {office}, for one use, valid until {until}.")
    print(issued.in_language(args.lang) if args.lang else f"{issued.ar}\n{issued.en}", file=sys.stderr)
    return 0


def _enroll_offline(args) -> int:
    from fundclient.hq.enrol_usb import ANSWER_WRITTEN, enrol_offline
    from fundclient.hq.keys import HQKeys
    info, path = enrol_offline(_engine(args), HQKeys(_dir(args), _passphrase(args)), Path(args.request), args.token)
    message = ANSWER_WRITTEN.format(number=info["device_number"], office=info["office_code"], path=path)
    print(message.in_language(args.lang) if args.lang else f"{message.ar}\n{message.en}")
    return 0


def _revoke_device(args) -> int:
    from fundclient.hq.devices import revoke_device
    revoke_device(_engine(args), args.device_id, args.reason)
    return 0


def _devices(args) -> int:
    from fundclient.hq.devices import list_devices
    if getattr(args, "export", None):
        return _export_devices(args)
    print(json.dumps(list_devices(_engine(args)), ensure_ascii=False, indent=1))
    return 0


def _export_devices(args) -> int:
    """HQ's signed devices list into a new file (never over an existing one, never through a link)."""
    import os

    from fundclient.errors import Message
    from fundclient.hq.devices import devices_list
    from fundclient.hq.keys import HQKeys

    doc = devices_list(_engine(args), HQKeys(_dir(args), _passphrase(args)).sign_private)
    data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
    fd = os.open(args.export, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    revoked = sum(1 for e in doc["devices"].values() if e["revoked_at"])
    done = Message(f"كُتبت قائمة الأجهزة الموقَّعة في {args.export}: {len(doc['devices'])} جهازًا، منها {revoked} ملغى.",
                   f"Signed devices list written to {args.export}: {len(doc['devices'])} devices, "
                   f"{revoked} of them revoked.")
    print(done.in_language(args.lang) if args.lang else f"{done.ar}\n{done.en}")
    return 0


def _export(args) -> int:
    from fundclient.hq.export import write_export
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            write_export(_engine(args), fh, args.format)
    else:
        write_export(_engine(args), sys.stdout, args.format)
    return 0


def _import(args) -> int:
    from fundclient.hq.ingest import Ingestor
    from fundclient.hq.keys import HQKeys
    from fundclient.hq.usb import import_batches
    report = import_batches(Ingestor(_engine(args), HQKeys(_dir(args), _passphrase(args))), Path(args.dir))
    for line in report.lines():
        print(line)
    return int(report.exit_code)


def _set_reference(args) -> int:
    from fundclient.hq.refdata import set_reference
    from fundclient.errors import Message, SyncError
    try:
        data = None if args.delete else json.loads(args.data or "{}")
    except json.JSONDecodeError as exc:
        raise SyncError(Message(f"--json ليس JSON صالحًا (العمود {exc.colno}).",
                                f"--json is not valid JSON (column {exc.colno})."), code="bad_json") from None
    if data is not None and not isinstance(data, dict):
        raise SyncError(Message("--json يجب أن يكون كائنًا {…}.", "--json must be an object {…}."), code="bad_json")
    set_reference(_engine(args), args.kind, args.code, data)
    return 0


def _revoke_card(args) -> int:
    from fundclient.hq.refdata import revoke_card
    with _engine(args).begin() as conn:
        revoke_card(conn, args.number, args.reason, source="hq")
    return 0
