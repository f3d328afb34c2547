"""Office-side sync commands: enroll, sync, export-batches, import-acks, sync-status."""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("enroll", help="enrol this device with HQ (one-time token from `hq enroll-token`)")
    p.add_argument("--server", required=True, help="HQ URL, e.g. https://hq.example.ly")
    p.add_argument("--token", required=True)
    p.add_argument("--label", default="", help="a name for this device shown at HQ")
    p.set_defaults(handler=_enroll)

    p = sub.add_parser("sync", help="send sealed batches to HQ and pull reference data (for the OS scheduler)")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(handler=_sync)

    p = sub.add_parser("sync-status", help="pending / quarantined batches and the last sync")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_status)

    p = sub.add_parser("sync-requeue", help="send a quarantined batch again (after the cause was fixed at HQ)")
    p.add_argument("batch_id")
    p.set_defaults(handler=_requeue)

    p = sub.add_parser("export-batches", help="copy pending sealed batches to a removable drive")
    p.add_argument("--to", required=True)
    p.set_defaults(handler=_export)

    p = sub.add_parser("import-acks", help="apply an acknowledgement file written by `hq import-batches`")
    p.add_argument("file")
    p.set_defaults(handler=_import_acks)


def _enroll(args) -> int:
    from fundclient.sync.enrol import enrol
    device = enrol(args.data_dir, args.server, args.token, label=args.label)
    print(json.dumps({"device_id": device.device_id, "device_number": device.device_number,
                      "office_code": device.office_code}))
    return 0


def _sync(args) -> int:
    from fundclient.sync.engine import run_sync
    summary = run_sync(args.data_dir)
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    elif summary.error:
        print(summary.error["ar" if (args.lang or "ar") == "ar" else "en"], file=sys.stderr)
    return 0 if summary.status == "ok" else 1


def _status(args) -> int:
    from fundclient.config import Settings
    from fundclient.sync.history import SyncHistory
    from fundclient.sync.outbox import Outbox
    outbox, history = Outbox(args.data_dir), SyncHistory(args.data_dir)
    doc = {"pending": len(outbox.pending()), "pending_bytes": outbox.pending_bytes(),
           "quarantined": [{"batch": q.path.name, "code": q.code, "ar": q.message.ar, "en": q.message.en}
                           for q in outbox.quarantined()],
           "last_success_age_days": history.last_success_age_days(), "last_error": history.last_error(),
           "stale_after_days": Settings.load(args.data_dir).stale_sync_warning_days}
    print(json.dumps(doc, ensure_ascii=False, indent=None if args.json else 1))
    return 0


def _requeue(args) -> int:
    from fundclient.sync.outbox import Outbox
    print(Outbox(args.data_dir).requeue(args.batch_id).name)
    return 0


def _export(args) -> int:
    from pathlib import Path

    from fundclient.sync.usb import export_batches
    print(len(export_batches(args.data_dir, Path(args.to))))
    return 0


def _import_acks(args) -> int:
    from pathlib import Path

    from fundclient.sync.usb import import_acks
    result = import_acks(args.data_dir, Path(args.file))
    print(json.dumps(result))
    return 0
