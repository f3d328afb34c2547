"""The console's pages and form actions (FastAPI router, Jinja2 templates, no JavaScript).

Every page needs a staff session; every POST carries the session's CSRF token; every action
that changes something is written to the hash-chained HQ audit log in the same transaction.
Roles: viewer reads; reviewer also decides; admin also manages devices, keys and reference data.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from markupsafe import Markup
from sqlalchemy import select, update

from fundclient.errors import Message, SyncError
from fundclient.fonts import fonts_dir
from fundclient.hq import devices as device_admin
from fundclient.hq import refdata, refusals
from fundclient.hq.console import audit, auth, decisions as decision_admin, exports, queries
from fundclient.hq.console.charts import registrations_svg
from fundclient.hq.console.i18n import audit_action, is_rtl, language_name, languages, translate
from fundclient.hq.console.models import create_tables
from fundclient.hq.db import changes, devices
from fundclient.hq.limits import Limits, Rate, RateLimitMiddleware
from fundclient.sync.device_requests import decode_signature
from fundclient.sync.reasons import DECISION_REASONS, REASONS
from fundclient.domain.reference import bundled_reference, label_message
from fundclient.domain.reference import default_reference
from fundclient.hq.keys import rotate_keys

HERE = Path(__file__).resolve().parent
COOKIE = "fc_session"
PRE_COOKIE = "fc_login"  # CSRF token of the login form (double submit: no session exists yet)
LANG_COOKIE = "fc_lang"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CSP = ("default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
CODE_RE = re.compile(r"^[A-Z0-9_-]{1,32}$")
# Sign-in page and form per client address (hq/limits.py): on top of the per-account lock, a
# client cannot try user names faster than this.
LOGIN_RATE = ("/console/login", Rate(burst=30, per_second=0.5))
FONT_FILES = {"NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "NotoSansArabic-Regular.ttf",
              "NotoSansArabic-Bold.ttf"}
STATIC_FILES = {"console.css"}


def _fmt(value) -> Markup:
    """A UTC time as the console shows it: digits left to right even inside Arabic text."""
    if value is None:
        return Markup("")
    return Markup('<span dir="ltr" class="time">{}</span>').format(queries._aware(value).strftime("%Y-%m-%d %H:%M"))


FORBIDDEN = Message("This page or action is not within your role.")
FORM_EXPIRED = Message("The form expired; please try again.")
NOT_FOUND = Message("Not found.")
BAD_CODE = Message("Code: capital Latin letters and digits, up to 32.")
NOT_CONFIRMED = Message("The rotation was not confirmed.")
KEYS_ROTATED = Message("Keys rotated. Active key: {key}")


def _office_label(code, lang: str) -> str:
    """An office as staff read it: its name, then its code («مكتب براك (BRK)»)."""
    name = _ref_label("offices", code, lang)
    return f"{name} ({code})" if code and name != str(code) else str(code or "")


def _ref_label(kind: str, code, lang: str) -> str:
    """The office client's label of a code (relation, category, municipality …) in the page language."""
    reference = default_reference()
    if kind == "categories":
        spec = reference.category_spec(str(code))
        # the category's own label in that language, else the catalogue's, else English
        return label_message(spec).template(lang) if spec else str(code or "")
    item = reference.item(kind, str(code))
    return item.label(lang) if item else str(code or "")


class Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


class Denied(Exception):
    pass


class _SecurityHeaders:
    """The console's pages get CSP, nosniff, no-referrer, no framing and (except static files)
    no-store. Plain ASGI, and only on /console: the intake's uploads pass straight through (a
    BaseHTTPMiddleware copied every request body through a stream: #11 item 7)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith("/console"):
            return await self.app(scope, receive, send)
        static = path.startswith("/console/static/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        return await self.app(scope, receive, with_headers)


def mount(app: FastAPI, ingestor, hq_dir: Path, passphrase: bytes | None = None, *, silent_days: int = 3) -> None:
    """Add the console (under /console/) and the decisions API to the intake app."""
    engine = ingestor.engine
    create_tables(engine)
    # its own per-client rate on the sign-in page and form (the intake's limits stay as they are)
    app.add_middleware(RateLimitMiddleware, limits=Limits(max_batch_bytes=0, rates=[LOGIN_RATE]))
    # Catch up with records received before the console existed (or while it was off); from then
    # on each page indexes what arrived since the last look.
    threading.Thread(target=queries.refresh_index, args=(engine,), name="console-index", daemon=True).start()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    router = APIRouter(prefix="/console")

    app.add_middleware(_SecurityHeaders)

    @app.exception_handler(Redirect)
    async def _redirect(request: Request, exc: Redirect):
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(Denied)
    async def _denied(request: Request, exc: Denied):
        return page(request, "message.html", None, {"text": FORBIDDEN.in_language(lang_of(request))}, status=403)

    @app.get("/api/v1/decisions")
    async def decisions_api(device_id: str = "", since: str = "0", at: str = "0", sig: str = ""):
        """Signed HQ decisions for the office of the device that signed this request
        (console/decisions.py, sync/decisions.py)."""
        signature, at_n = b"", 0
        try:
            since_n, at_n = int(since), int(at)
            signature = decode_signature(sig) or b""  # the one reader of a device request's signature
        except ValueError:
            since_n = -1
        if not re.fullmatch(r"[0-9a-f-]{36}", device_id) or not 0 <= since_n < 2**62 or len(signature) != 64 \
                or not 0 <= at_n < 2**40:
            return Response('{"code":"malformed"}', status_code=400, media_type="application/json")
        answer = await run_in_threadpool(decision_admin.answers_for_device, engine, device_id, since_n, at_n,
                                         signature)
        if answer is None:
            return Response('{"code":"bad_signature"}', status_code=403, media_type="application/json")
        return answer

    # --- helpers ----------------------------------------------------------------------------
    def lang_of(request: Request) -> str:
        lang = request.cookies.get(LANG_COOKIE, "ar")
        return lang if lang in languages() else "ar"

    def t(request: Request) -> Callable[..., str]:
        lang = lang_of(request)
        return lambda text, **values: translate(text, lang, **values)

    def pt(request: Request) -> Callable[..., str]:
        lang = lang_of(request)
        return lambda context, text, **values: translate(text, lang, context, **values)

    def secure(request: Request) -> bool:
        return (request.url.hostname or "") not in LOOPBACK

    def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None = None,
                   http_only: bool = True) -> None:
        response.set_cookie(name, value, max_age=max_age, httponly=http_only, secure=secure(request),
                            samesite="strict", path="/console")

    def page(request: Request, template: str, session, context: dict, status: int = 200) -> HTMLResponse:
        lang = lang_of(request)
        reason_text = {code: msg.in_language(lang) for code, msg in REASONS.items()}
        return templates.TemplateResponse(request, template, {
            "t": t(request), "pt": pt(request), "lang": lang, "dir": "rtl" if is_rtl(lang) else "ltr",
            "languages": [(code, language_name(code)) for code in languages()],
            "rtl_languages": [code for code in languages() if is_rtl(code)], "session": session,
            "path": request.url.path, "query": request.url.query, "reason_text": reason_text,
            "fmt": _fmt, "ref": lambda kind, code: _ref_label(kind, code, lang),
            "office": lambda code: _office_label(code, lang),
            "action": lambda code: audit_action(code, lang), **context},
            status_code=status)

    async def staff(request: Request, role: str = "viewer") -> auth.StaffSession:
        session = await run_in_threadpool(auth.session_for, engine, request.cookies.get(COOKIE))
        if session is None:
            nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise Redirect("/console/login?" + urlencode({"next": nxt}))
        if not session.may(role):
            raise Denied()
        return session

    async def form_of(request: Request, session: auth.StaffSession) -> dict:
        form = await request.form()
        if not auth.csrf_ok(session, form.get("csrf")):
            raise Denied()
        return {k: str(v) for k, v in form.items()}

    def safe_next(value: str | None) -> str:
        value = value or "/console/offices"
        return value if value.startswith("/console/") and not value.startswith("//") and "\\" not in value \
            else "/console/offices"

    # --- static, language, login ----------------------------------------------------------------
    @router.get("/static/{name}")
    async def static(name: str):
        if name in STATIC_FILES:
            return FileResponse(HERE / "static" / name, headers={"Cache-Control": "max-age=3600"})
        if name in FONT_FILES:
            return FileResponse(fonts_dir() / name, media_type="font/ttf", headers={"Cache-Control": "max-age=86400"})
        return Response(status_code=404)

    @router.get("/lang/{lang}")
    async def switch_language(request: Request, lang: str, next: str = ""):
        response = RedirectResponse(safe_next(next), status_code=303)
        if lang in languages():
            set_cookie(response, request, LANG_COOKIE, lang, max_age=365 * 86400)
        return response

    @router.get("/")
    async def home():
        return RedirectResponse("/console/offices", status_code=303)

    def login_page(request: Request, error: str = "", status: int = 200, next_url: str = "") -> HTMLResponse:
        token = secrets.token_urlsafe(24)
        response = page(request, "login.html", None, {"error": error, "csrf": token, "next": safe_next(next_url)},
                        status=status)
        set_cookie(response, request, PRE_COOKIE, token)
        return response

    @router.get("/login")
    async def login_form(request: Request, next: str = ""):
        return login_page(request, next_url=next)

    @router.post("/login")
    async def login_post(request: Request):
        form = await request.form()
        sent, expected = str(form.get("csrf", "")), request.cookies.get(PRE_COOKIE, "")
        if not expected or not secrets.compare_digest(sent, expected):
            return login_page(request, FORM_EXPIRED.in_language(lang_of(request)), 400)
        try:
            token = await run_in_threadpool(auth.login, engine, str(form.get("username", ""))[:64],
                                            str(form.get("password", ""))[:1000], str(form.get("totp", ""))[:12])
        except SyncError as exc:
            return login_page(request, exc.message.in_language(lang_of(request)), 401, str(form.get("next", "")))
        response = RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)
        set_cookie(response, request, COOKIE, token)
        response.delete_cookie(PRE_COOKIE, path="/console")
        return response

    @router.post("/logout")
    async def logout(request: Request):
        session = await staff(request)
        await form_of(request, session)
        await run_in_threadpool(auth.logout, engine, request.cookies.get(COOKIE), session.username)
        response = RedirectResponse("/console/login", status_code=303)
        response.delete_cookie(COOKIE, path="/console")
        return response

    # --- own account ------------------------------------------------------------------------------
    @router.get("/account")
    async def account_page(request: Request, saved: str = ""):
        session = await staff(request)
        return page(request, "account.html", session, {"saved": saved == "1", "error": ""})

    @router.post("/account/password")
    async def change_password(request: Request):
        session = await staff(request)
        form = await form_of(request, session)
        try:
            await run_in_threadpool(auth.change_password, engine, session, request.cookies.get(COOKIE, ""),
                                    form.get("current", "")[:1000], form.get("new", "")[:1000],
                                    form.get("again", "")[:1000])
        except SyncError as exc:
            return page(request, "account.html", session,
                        {"saved": False, "error": exc.message.in_language(lang_of(request))}, status=400)
        return RedirectResponse("/console/account?saved=1", status_code=303)

    # --- offices ---------------------------------------------------------------------------------
    @router.get("/offices")
    async def offices(request: Request):
        session = await staff(request)
        try:  # the staff choose how many days of silence to highlight (1 to 90)
            silent = max(1, min(90, int(request.query_params.get("silent", silent_days))))
        except ValueError:
            silent = silent_days
        overview = await run_in_threadpool(queries.offices_overview, engine, silent)
        days, series = await run_in_threadpool(queries.registrations_per_day, engine, 14)
        return page(request, "offices.html", session, {"o": overview, "chart": registrations_svg(
            days, series, lang_of(request), label=lambda code: _office_label(code, lang_of(request)))})

    # --- records ---------------------------------------------------------------------------------
    @router.get("/records")
    async def records_page(request: Request):
        session = await staff(request)
        f = queries.Filters.from_query(request.query_params)
        rows, more = await run_in_threadpool(queries.search, engine, f)
        office_codes = await run_in_threadpool(queries.offices_list, engine)
        return page(request, "records.html", session, {"f": f, "rows": rows, "more": more, "offices": office_codes})

    @router.get("/records/{record_id}")
    async def record_page(request: Request, record_id: str, saved: str = ""):
        session = await staff(request)
        detail = await run_in_threadpool(queries.record_detail, engine, record_id[:36])
        if detail is None:
            return page(request, "message.html", session, {"text": NOT_FOUND.in_language(lang_of(request))}, status=404)
        return page(request, "record.html", session, {"r": detail, "reasons": DECISION_REASONS,
                                                      "saved": bool(saved)})

    @router.get("/photos/{photo_id}")
    async def photo(request: Request, photo_id: int):
        await staff(request)
        found = await run_in_threadpool(queries.photo, engine, photo_id)
        if found is None or found[1] not in ("image/jpeg", "image/png"):
            return Response(status_code=404)
        return Response(found[0], media_type=found[1], headers={"Cache-Control": "private, no-store"})

    # --- decisions -------------------------------------------------------------------------------
    @router.get("/decisions")
    async def decisions_page(request: Request, saved: str = ""):
        session = await staff(request)
        waiting = await run_in_threadpool(queries.queue, engine)
        recent = await run_in_threadpool(queries.decided, engine)
        refused = await run_in_threadpool(refusals.waiting, engine)
        return page(request, "decisions.html", session, {"queue": waiting, "recent": recent, "refused": refused,
                                                         "reasons": DECISION_REASONS, "saved": bool(saved)})

    @router.post("/decisions/{record_id}")
    async def decide(request: Request, record_id: str):
        session = await staff(request, "reviewer")
        form = await form_of(request, session)
        action = form.get("action", "")
        reason = form.get(f"reason_{action}", "") or (DECISION_REASONS.get(action, ("",))[0])
        try:
            await run_in_threadpool(decision_admin.decide, engine, ingestor.keys.sign_private, session.username,
                                    record_id[:36], action, reason, form.get("duplicate_of", "")[:36],
                                    form.get("note", ""))
        except SyncError as exc:
            return page(request, "message.html", session, {"text": exc.message.in_language(lang_of(request))},
                        status=400)
        back = form.get("back", "")
        return RedirectResponse((back if back.startswith("/console/") else "/console/decisions") + "?saved=1",
                                status_code=303)

    # --- devices and enrolment -------------------------------------------------------------------
    def devices_context(session, **extra) -> dict:
        overview = queries.offices_overview(engine, silent_days)
        codes = sorted(refdata_current().get("offices", {}).keys() | {r["office_code"] for r in overview["rows"]})
        return {"rows": overview["rows"], "office_codes": codes, "active_key": ingestor.keys.active_decrypt, **extra}

    @router.get("/devices")
    async def devices_page(request: Request):
        session = await staff(request)
        return page(request, "devices.html", session, await run_in_threadpool(devices_context, session))

    @router.post("/devices/token")
    async def issue_token(request: Request):
        session = await staff(request, "admin")
        form = await form_of(request, session)
        office = form.get("office", "").strip().upper()
        try:
            hours = max(1.0, min(24 * 14, float(form.get("hours", "72"))))
        except ValueError:
            hours = 72.0
        if not CODE_RE.match(office):
            return page(request, "message.html", session, {"text": BAD_CODE.in_language(lang_of(request))}, status=400)

        def work():
            token = device_admin.create_token(engine, office, ingestor.keys.active_sign, valid_hours=hours)
            with engine.begin() as conn:
                audit.record(conn, session.username, "token_issued", office, hours=hours)
            return token
        try:
            token = await run_in_threadpool(work)
        except SyncError as exc:  # e.g. an office code not in HQ's reference data
            return page(request, "message.html", session, {"text": exc.message.in_language(lang_of(request))},
                        status=400)
        import segno  # lazy: start-up (segno)
        qr = segno.make(token, error="m").svg_data_uri(scale=5, border=2)
        expires = datetime.now(timezone.utc).timestamp() + hours * 3600
        context = await run_in_threadpool(devices_context, session, token=token, qr=qr, token_office=office,
                                          token_expires=datetime.fromtimestamp(expires, timezone.utc))
        return page(request, "devices.html", session, context)

    @router.post("/devices/{device_id}/revoke")
    async def revoke(request: Request, device_id: str):
        session = await staff(request, "admin")
        form = await form_of(request, session)

        def work():
            device_admin.revoke_device(engine, device_id[:36], form.get("reason", "")[:500])
            with engine.begin() as conn:
                audit.record(conn, session.username, "device_revoked", device_id[:36], reason=form.get("reason", ""))
        try:
            await run_in_threadpool(work)
        except SyncError as exc:
            return page(request, "message.html", session, {"text": exc.message.in_language(lang_of(request))}, 404)
        return RedirectResponse("/console/devices", status_code=303)

    @router.post("/devices/{device_id}/rename")
    async def rename(request: Request, device_id: str):
        session = await staff(request, "admin")
        form = await form_of(request, session)
        label = form.get("label", "").strip()[:200]

        def work():
            with engine.begin() as conn:
                done = conn.execute(update(devices).where(devices.c.device_id == device_id[:36]).values(label=label))
                if done.rowcount:
                    audit.record(conn, session.username, "device_renamed", device_id[:36], label=label)
                return done.rowcount
        if not await run_in_threadpool(work):
            return page(request, "message.html", session, {"text": NOT_FOUND.in_language(lang_of(request))}, status=404)
        return RedirectResponse("/console/devices", status_code=303)

    @router.post("/keys/rotate")
    async def rotate(request: Request):
        session = await staff(request, "admin")
        form = await form_of(request, session)
        if form.get("confirm", "").strip() != "ROTATE":
            return page(request, "message.html", session, {"text": NOT_CONFIRMED.in_language(lang_of(request))}, status=400)
        signing = form.get("signing") == "1"

        def work():
            ring = rotate_keys(hq_dir, passphrase, signing=signing)
            ingestor.keys.__init__(hq_dir, passphrase)  # in place: the intake routes hold this object
            with engine.begin() as conn:
                audit.record(conn, session.username, "keys_rotated", ring["active_decrypt"], signing=signing)
            return ring
        ring = await run_in_threadpool(work)
        return page(request, "message.html", session,
                    {"text": KEYS_ROTATED.format(key=ring['active_decrypt']).in_language(lang_of(request))})

    # --- reference data ----------------------------------------------------------------------------
    def further_languages() -> list[str]:
        """Languages besides Arabic and English that have a catalogue: an entry may carry a label
        in each (docs/dev/translations.md, "Reference data"); offices show it in that language."""
        return [code for code in languages() if code not in ("ar", "en")]

    def further_labels(form: dict) -> dict[str, str]:
        return {code: form[code].strip()[:200] for code in further_languages() if form.get(code, "").strip()}

    def refdata_current() -> dict[str, dict[str, dict]]:
        """What the offices hold: the list bundled with the client (version "—"), with HQ's
        published changes (their change number is the version) over it."""
        bundled = bundled_reference()
        list_of = {"pension_authorities": "pensions_authorities"}  # as services/reference.py PULLED_LISTS
        out: dict[str, dict[str, dict]] = {
            k: {i.code: {"ar": i.ar, "en": i.en, **dict(i.others), "_version": "—"}
                for i in bundled.items(list_of.get(k, k))}
            for k in refdata.REFERENCE_KINDS if k != "categories"}
        out["categories"] = {str(c["code"]): {**c, "_version": "—"} for c in bundled.categories}
        with engine.connect() as conn:
            for r in conn.execute(select(changes).where(changes.c.kind.in_(refdata.REFERENCE_KINDS))
                                  .order_by(changes.c.id)):
                if r.deleted:
                    out[r.kind].pop(r.key, None)
                else:
                    out[r.kind][r.key] = {**json.loads(r.data), "_version": r.id}
        return out

    def reference_view(request: Request, session, kind: str, edit: str = "", form: dict | None = None,
                       error: str = "", status: int = 200) -> HTMLResponse:
        current = refdata_current()
        if form is None and kind == "categories" and edit in current["categories"]:
            spec = current["categories"][edit]  # the form starts from the category being edited
            form = {"code": edit, "ar": spec.get("ar", ""), "en": spec.get("en", ""),
                    **{lang: spec.get(lang, "") for lang in further_languages()},
                    "active": "1" if spec.get("active", True) else "", "min_age": str(spec.get("min_age", 0)),
                    "fields": json.dumps(spec.get("fields", []), ensure_ascii=False, indent=1)}
        return page(request, "reference.html", session, {"kinds": refdata.REFERENCE_KINDS, "kind": kind,
                                                         "further": [(code, language_name(code))
                                                                     for code in further_languages()],
                                                         "entries": current[kind], "form": form or {},
                                                         "error": error}, status=status)

    @router.get("/reference")
    async def reference_page(request: Request, kind: str = "offices", edit: str = ""):
        session = await staff(request)
        kind = kind if kind in refdata.REFERENCE_KINDS else "offices"
        return await run_in_threadpool(reference_view, request, session, kind, edit[:32])

    def category_from(form: dict) -> dict:
        """The category the form describes; a JSON slip in the fields names its line and column."""
        try:
            fields = json.loads(form.get("fields", "").strip() or "[]")
        except json.JSONDecodeError as exc:
            raise SyncError(Message("'Category fields' is not valid JSON (line {line}, column {col}).")
                            .format(line=exc.lineno, col=exc.colno),
                            code="bad_category") from None
        try:
            min_age = int(form.get("min_age", "0") or 0)
        except ValueError:
            min_age = -1  # category_problem names the field
        return {"ar": form.get("ar", "").strip(), "en": form.get("en", "").strip(), **further_labels(form),
                "active": form.get("active") == "1", "min_age": min_age, "fields": fields}

    @router.post("/reference")
    async def reference_save(request: Request):
        session = await staff(request, "admin")
        form = await form_of(request, session)
        kind = form.get("kind", "")
        categories = kind == "categories"
        code = form.get("code", "").strip()
        code = code.lower() if categories else code.upper()
        if kind not in refdata.REFERENCE_KINDS or not CODE_RE.match(code.upper()):
            return page(request, "message.html", session, {"text": BAD_CODE.in_language(lang_of(request))}, status=400)
        try:
            if form.get("delete") == "1":
                data = None
            elif categories:
                data = category_from({k: v[:20_000] for k, v in form.items()})
            else:
                data = {"ar": form.get("ar", "").strip()[:200], "en": form.get("en", "").strip()[:200],
                        **further_labels(form)}

            def work():
                refdata.set_reference(engine, kind, code, data)
                with engine.begin() as conn:
                    audit.record(conn, session.username, "reference_deleted" if data is None else "reference_saved",
                                 f"{kind}/{code}", **({k: v for k, v in data.items() if k != "fields"} if data else {}))
            await run_in_threadpool(work)
        except SyncError as exc:  # named in the page language, the form kept as typed
            return await run_in_threadpool(reference_view, request, session, kind, "", {**form, "code": code},
                                           exc.message.in_language(lang_of(request)), 400)
        return RedirectResponse(f"/console/reference?kind={kind}", status_code=303)

    # --- exports -----------------------------------------------------------------------------------
    @router.get("/exports")
    async def exports_page(request: Request):
        session = await staff(request)
        return page(request, "exports.html", session, {})

    def download(session, what: str, fmt: str, header, rows, lang: str) -> Response:
        with engine.begin() as conn:
            audit.record(conn, session.username, "export", what, format=fmt, rows=len(rows))
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M")
        if fmt == "xlsx":
            return Response(exports.to_xlsx(header, rows, rtl=lang == "ar"), headers={
                "Content-Disposition": f'attachment; filename="fundclient-{what}-{stamp}.xlsx"'},
                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return Response(exports.to_csv(header, rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="fundclient-{what}-{stamp}.csv"'})

    @router.get("/exports/{what}.{fmt}")
    async def export(request: Request, what: str, fmt: str):
        session = await staff(request, "admin" if what == "audit" else "viewer")
        if fmt not in ("csv", "xlsx") or what not in ("records", "intake", "audit"):
            return Response(status_code=404)
        lang = lang_of(request)

        def work():
            if what == "records":
                f = queries.Filters.from_query(request.query_params)
                rows, _ = queries.search(engine, f, limit=100_000)
                return download(session, what, fmt, exports.RECORD_COLUMNS, exports.record_rows(rows), lang)
            if what == "intake":
                return download(session, what, fmt, exports.INTAKE_COLUMNS, exports.intake_rows(engine), lang)
            return download(session, what, fmt, exports.AUDIT_COLUMNS, exports.audit_rows(engine), lang)
        return await run_in_threadpool(work)

    # --- audit -------------------------------------------------------------------------------------
    @router.get("/audit")
    async def audit_page(request: Request):
        session = await staff(request, "admin")
        intact, count, broken = await run_in_threadpool(audit.verify, engine)
        rows = await run_in_threadpool(audit.recent, engine)
        return page(request, "audit.html", session, {"rows": rows, "intact": intact, "count": count,
                                                     "broken": broken})

    app.include_router(router)
