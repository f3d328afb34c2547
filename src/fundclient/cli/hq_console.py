"""`fundclient hq add-user` and `fundclient hq audit verify` (registered by cli/hq.py)."""

from __future__ import annotations

from pathlib import Path

from fundclient.cli.output import PASSWORD, PASSWORD_AGAIN, PASSWORDS_DIFFER, ask, done, partly
from fundclient.cli.parser import N_
from fundclient.errors import Message, SyncError

USER_SET = Message("HQ console account '{user}' is ready, role {role}.")
CHAIN_INTACT = Message("Audit chain intact: {count} entries.")
CHAIN_BROKEN = Message("Audit chain BROKEN at entry {entry}.")


def register(cmds, engine_of) -> None:
    p = cmds.add_parser("add-user", help=N_("create or reset an HQ console account (viewer, reviewer or admin)"))
    p.add_argument("username", help=N_("the console account's user name"))
    p.add_argument("--role", required=True, choices=["viewer", "reviewer", "admin"],
                   help=N_("viewer, reviewer or admin"))
    p.add_argument("--password-file", help=N_("file holding the password (default: ask twice)"))
    p.add_argument("--totp", action="store_true", help=N_("require a TOTP code at sign-in; prints the secret and "
                                                      "an otpauth:// link for the authenticator app"))
    p.set_defaults(handler=lambda args: _add_user(args, engine_of))
    p = cmds.add_parser("audit", help=N_("HQ staff audit log"))
    p.add_argument("audit_command", choices=["verify"], help=N_("verify: check the audit log's hash chain"))
    p.set_defaults(handler=lambda args: _audit(args, engine_of))


def _password(args) -> str:
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").rstrip("\r\n")
    first = ask(args, PASSWORD, secret=True)
    if ask(args, PASSWORD_AGAIN, secret=True) != first:
        raise SyncError(PASSWORDS_DIFFER, code="passwords_differ")
    return first


def _add_user(args, engine_of) -> int:
    from fundclient.hq.console.auth import add_user  # lazy: start-up (argon2, SQLAlchemy)
    from fundclient.hq.console.models import create_tables  # lazy: start-up (SQLAlchemy)
    engine = engine_of(args)
    create_tables(engine)
    secret = add_user(engine, args.username, args.role, _password(args), totp=args.totp)
    if secret:
        import pyotp  # lazy: start-up (pyotp)
        print(f"TOTP secret: {secret}")
        print(pyotp.TOTP(secret).provisioning_uri(name=args.username, issuer_name="fundclient HQ"))
    return done(USER_SET.format(user=args.username, role=args.role))


def _audit(args, engine_of) -> int:
    from fundclient.hq.console.audit import verify  # lazy: start-up (SQLAlchemy)
    from fundclient.hq.console.models import create_tables  # lazy: start-up (SQLAlchemy)
    engine = engine_of(args)
    create_tables(engine)
    intact, count, broken = verify(engine)
    if intact:
        return done(CHAIN_INTACT.format(count=count))
    return partly(CHAIN_BROKEN.format(entry=broken))
