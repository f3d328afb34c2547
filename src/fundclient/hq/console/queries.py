"""What the console pages read. Searches go through the console's own index of the newest
revision of each record (console_people*), kept up to date incrementally from `records`;
names are indexed and ranked with the office client's domain code (domain.arabic,
domain.duplicates), so HQ and the offices agree on what "the same name" means."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.engine import Engine

from fundclient.domain import card_numbers
from fundclient.domain.arabic import name_tokens, normalise_name, phonetic_key
from fundclient.domain.digits import normalise_digits
from fundclient.domain.name_match import rank_tokens
from fundclient.domain.phone import normalise_mobile
from fundclient.domain.records import full_name_of
from fundclient.hq.console.decisions import ACTION_STATUS
from fundclient.hq.console.models import (day_counts, decisions, index_state, people, people_keys, people_pairs,
                                          people_sounds)
from fundclient.hq.bulk import insert_rows
from fundclient.hq.db import batches, blobs, card_revocations, devices, duplicate_findings, photos, records, rejections

_index_lock = threading.Lock()
CHUNK = 2000
LATE_COMMIT = timedelta(minutes=2)  # longest an ingest transaction may take to commit
PAGE_WAIT_S = 2.0  # a page waits this long for an index run under way
NAME_CANDIDATES = 200  # ranked, four pages: a name shared by more people needs another word or a filter
SOUND_COUNT_CAP = 20_000
PAGE_SIZE = 50
MAX_PAIR_WORDS = 6  # as the office's search keys (storage/search_keys.py)
PAIR_JOIN = "x"  # a Latin letter: never inside an Arabic sound key


def _aware(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _utc_day(value) -> str:
    return _aware(value).astimezone(timezone.utc).date().isoformat()


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- the index ------------------------------------------------------------------------------
def _card_key(value) -> str:
    """A card number in its printed form (as typed in any accepted way), or the text itself."""
    text = str(value or "").strip()
    return card_numbers.normalise(text) if card_numbers.is_valid(text) else text[:40]


def _sound(word: str) -> str:
    return phonetic_key(word)[:48]


def _pair(a: str, b: str) -> str:
    return f"{a}{PAIR_JOIN}{b}"


def sound_pairs(norm: str) -> set[str]:
    """The sound-key pairs of one normalised name that console_people_pairs holds: the first
    word's sound key with each later word's (first MAX_PAIR_WORDS words). What a person types
    to find someone starts with the first name (first + family, first + father + family); a
    search that does not falls back to single sound keys."""
    keys = [k for k in (_sound(w) for w in norm.split()) if k][:MAX_PAIR_WORDS]
    return {_pair(keys[0], k) for k in keys[1:]}


def _rows_for(record_id: str, revision: int, data: dict, office: str, status: str, received, device: str) -> tuple:
    full = full_name_of(data.get("name"))
    names = [normalise_name(full)]
    keys: set[tuple[str, str]] = set()
    if data.get("card_number"):
        keys.add(("card", _card_key(data["card_number"])))
    for dep in data.get("dependants") or []:
        if not isinstance(dep, dict):
            continue
        names.append(normalise_name(full_name_of(dep.get("name"))))
        if dep.get("card_number"):
            keys.add(("card", _card_key(dep["card_number"])))
        if dep.get("national_number"):
            keys.add(("nn", normalise_digits(str(dep["national_number"]))[:40]))
    for old in data.get("card_history") or []:
        if isinstance(old, dict) and old.get("card_number"):
            keys.add(("card", _card_key(old["card_number"])))
    phone = normalise_mobile(str(data.get("mobile", ""))) or ""
    person = dict(record_id=record_id, revision=revision, national_number=str(data.get("national_number", ""))[:32],
                  office_code=office, status=status, received_at=received, name=full[:400],
                  names=_stored_names(names), birth=str(data.get("date_of_birth") or "")[:10], phone=phone,
                  decided=False, device_id=device, registered_day=_day(data.get("created_at"), received))
    sounds, pairs = _sounds_and_pairs(person["names"])
    return person, sounds, keys, pairs


def _stored_names(names: list[str]) -> str:
    return "\n".join(names)[:4000]


def _sounds_and_pairs(stored: str) -> tuple[set, set]:
    """A person's sound and pair rows, from the names as stored (cut to the column's length): a
    new revision finds exactly these again to delete them (there is no index by record)."""
    names = stored.split("\n")
    return {_sound(w) for n in names for w in n.split() if w}, set().union(*(sound_pairs(n) for n in names))


def _count_deltas(deltas: dict, person, sign: int) -> None:
    """Add (sign=1) or take back (sign=-1) what one indexed person counts for."""
    get = person.get if isinstance(person, dict) else person._mapping.get
    office, device = get("office_code"), get("device_id") or ""
    received = deltas.setdefault((_utc_day(get("received_at")), office, device), [0, 0])
    received[0] += sign
    if get("registered_day"):
        deltas.setdefault((get("registered_day"), office, device), [0, 0])[1] += sign


def _insert_many(conn, table, rows: list[tuple]) -> None:
    """The index writes ~20 of these rows per record: through hq.bulk (COPY on PostgreSQL, one
    executemany on SQLite) rather than SQLAlchemy's per-row parameter handling, which cost more
    than the database's own work. Sorted, so the B-tree pages they touch are near each other."""
    if rows:
        names = [c.name for c in table.columns]
        insert_rows(conn, table, [dict(zip(names, row)) for row in sorted(rows)])


def _add_counts(conn, deltas: dict) -> None:
    rows = [dict(day=day, office_code=office, device_id=device, received=r, registered=g)
            for (day, office, device), (r, g) in deltas.items() if r or g]
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert  # lazy: the database in use
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # lazy: the database in use
    stmt = upsert(day_counts)
    stmt = stmt.on_conflict_do_update(
        index_elements=[day_counts.c.day, day_counts.c.office_code, day_counts.c.device_id],
        set_={"received": day_counts.c.received + stmt.excluded.received,
              "registered": day_counts.c.registered + stmt.excluded.registered})
    conn.execute(stmt, rows)


def _day(created, received) -> str:
    try:
        return datetime.fromisoformat(str(created)).astimezone(timezone.utc).date().isoformat()
    except (TypeError, ValueError):
        return _aware(received).date().isoformat()


def refresh_index(engine: Engine, *, wait: bool = True, chunks: int | None = None) -> int:
    """Index records received since the last run; returns how many were (re)indexed. Pages call
    it with wait=False and one chunk (what arrived since the last look; they wait a moment for a
    run already under way rather than show a page without it); the console's background indexer
    does the rest.

    A record's received_at is the moment its batch was read, not when the batch committed, so a
    batch that commits late can hold rows older than the watermark. Each run therefore looks back
    LATE_COMMIT before the watermark and indexes every revision it does not hold yet (keyset
    order: received_at, record_id, revision), so nothing is ever skipped."""
    if not _index_lock.acquire(timeout=600 if wait else PAGE_WAIT_S):
        return 0
    try:
        total = 0
        with engine.connect() as conn:
            mark = conn.execute(select(index_state.c.watermark).where(index_state.c.id == 1)).scalar()
        after = None if mark is None else (_aware(mark) - LATE_COMMIT, "", 0)
        while True:
            with engine.begin() as conn:
                if conn.dialect.name == "sqlite":  # the index B-trees are large: keep more of them in memory
                    conn.exec_driver_sql("PRAGMA cache_size=-131072")
                query = (select(records.c.record_id, records.c.revision, records.c.received_at)
                         .order_by(records.c.received_at, records.c.record_id, records.c.revision).limit(CHUNK))
                if after is not None:
                    at, rid, rev = after
                    # the plain bound first: PostgreSQL reads the index from it (an OR alone made it
                    # walk the index from the oldest record on every run)
                    query = query.where(records.c.received_at >= at, or_(records.c.received_at > at,
                                            and_(records.c.received_at == at,
                                                 or_(records.c.record_id > rid,
                                                     and_(records.c.record_id == rid, records.c.revision > rev)))))
                seen = conn.execute(query).all()
                if not seen:
                    return total
                after = (seen[-1].received_at, seen[-1].record_id, seen[-1].revision)
                newest: dict[str, int] = {}
                for r in seen:
                    newest[r.record_id] = max(r.revision, newest.get(r.record_id, 0))
                held = {r.record_id: r.revision for r in conn.execute(
                    select(people.c.record_id, people.c.revision).where(people.c.record_id.in_(newest)))}
                wanted = {rid: rev for rid, rev in newest.items() if held.get(rid, 0) < rev}
                todo = [r for r in conn.execute(
                    select(records.c.record_id, records.c.revision, records.c.data, records.c.office_code,
                           records.c.status, records.c.received_at, records.c.device_id)
                    .where(records.c.record_id.in_(wanted))) if wanted.get(r.record_id) == r.revision] if wanted else []
                ids = [r.record_id for r in todo]
                if ids:
                    counts: dict = {}
                    again = [i for i in ids if i in held]  # a new revision of a record already indexed
                    if again:
                        for old in conn.execute(select(people.c.record_id, people.c.names, people.c.office_code,
                                                       people.c.device_id, people.c.received_at,
                                                       people.c.registered_day)
                                                .where(people.c.record_id.in_(again))):
                            _count_deltas(counts, old, -1)
                            # its sound and pair rows, found again from its names (no index by record)
                            old_sounds, old_pairs = _sounds_and_pairs(old.names)
                            for table, column, values in ((people_sounds, people_sounds.c.sound, old_sounds),
                                                          (people_pairs, people_pairs.c.pair, old_pairs)):
                                if values:
                                    conn.execute(delete(table).where(table.c.record_id == old.record_id,
                                                                     column.in_(values)))
                        for table in (people, people_keys):
                            conn.execute(delete(table).where(table.c.record_id.in_(again)))
                    persons, sounds, keys, pairs = [], [], [], []
                    for r in todo:
                        person, snd, ks, prs = _rows_for(r.record_id, r.revision, json.loads(r.data), r.office_code,
                                                         r.status, r.received_at, r.device_id)
                        persons.append(person)
                        _count_deltas(counts, person, 1)
                        sounds += [(s, r.record_id) for s in snd]
                        keys += [(k, v, r.record_id) for k, v in ks]
                        pairs += [(p, r.record_id) for p in prs]
                    insert_rows(conn, people, persons)
                    _insert_many(conn, people_sounds, sounds)
                    _insert_many(conn, people_keys, keys)
                    _insert_many(conn, people_pairs, pairs)
                    _add_counts(conn, counts)
                # re-apply decisions already taken on these revisions
                for d in conn.execute(select(decisions.c.record_id, decisions.c.revision, decisions.c.action)
                                      .where(decisions.c.record_id.in_(ids)).order_by(decisions.c.id)) if ids else ():
                    conn.execute(update(people).where(people.c.record_id == d.record_id,
                                                      people.c.revision == d.revision)
                                 .values(decided=True, status=ACTION_STATUS[d.action]))
                last = seen[-1].received_at
                if mark is None or _aware(last) > _aware(mark):
                    mark = last
                    if conn.execute(update(index_state).where(index_state.c.id == 1)
                                    .values(watermark=last)).rowcount == 0:
                        conn.execute(insert(index_state).values(id=1, watermark=last))
                total += len(todo)
                if chunks is not None and todo:  # chunks already indexed (the look-back) cost no budget
                    chunks -= 1
                if len(seen) < CHUNK or chunks == 0:
                    return total
    finally:
        _index_lock.release()



# --- records ----------------------------------------------------------------------------------
@dataclass
class Filters:
    q: str = ""
    office: str = ""
    status: str = ""
    date_from: str = ""
    date_to: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, params) -> "Filters":
        def text(key, size):
            return str(params.get(key, "") or "").strip()[:size]
        try:
            page = max(1, min(10_000, int(params.get("page", 1))))
        except (TypeError, ValueError):
            page = 1
        f = cls(text("q", 120), text("office", 32), text("status", 16), text("from", 10), text("to", 10), page)
        for attr in ("date_from", "date_to"):
            try:
                date.fromisoformat(getattr(f, attr)) if getattr(f, attr) else None
            except ValueError:
                setattr(f, attr, "")
        return f

    def query_string(self, **override) -> str:
        from urllib.parse import urlencode
        values = {"q": self.q, "office": self.office, "status": self.status, "from": self.date_from,
                  "to": self.date_to, "page": self.page, **override}
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


def search(engine: Engine, f: Filters, *, limit: int = PAGE_SIZE) -> tuple[list[dict], bool]:
    """(rows, more). The query text is a national number, a card number, a phone number or a name."""
    refresh_index(engine, wait=False, chunks=1)
    conds = []
    if f.office:
        conds.append(people.c.office_code == f.office)
    if f.status:
        conds.append(people.c.status == f.status)
    if f.date_from:
        conds.append(people.c.received_at >= datetime.fromisoformat(f.date_from).replace(tzinfo=timezone.utc))
    if f.date_to:
        conds.append(people.c.received_at < datetime.fromisoformat(f.date_to).replace(tzinfo=timezone.utc)
                     + timedelta(days=1))
    q = normalise_digits(f.q).strip()
    ranked: list[str] | None = None
    if q:
        digits = q.replace(" ", "").replace("-", "")
        phone = normalise_mobile(q)
        if card_numbers.is_valid(q):
            conds.append(people.c.record_id.in_(select(people_keys.c.record_id).where(
                people_keys.c.kind == "card", people_keys.c.value == card_numbers.normalise(q))))
        elif phone:
            conds.append(people.c.phone == phone)
        elif digits.isdigit():  # a holder's or a dependant's national number: two index lookups
            with engine.connect() as conn:
                ids = [r[0] for r in conn.execute(
                    select(people.c.record_id).where(people.c.national_number == digits).limit(500))]
                ids += [r[0] for r in conn.execute(
                    select(people_keys.c.record_id).where(people_keys.c.kind == "nn",
                                                          people_keys.c.value == digits).limit(500))]
            conds.append(people.c.record_id.in_(ids))
        else:
            sounds = [s for s in (_sound(w) for w in name_tokens(q)) if s]
            if not sounds:
                return [], False
            conds.append(people.c.record_id.in_(_name_candidates(engine, sounds)))
            ranked = []
    with engine.connect() as conn:
        base = select(people).where(and_(*conds)) if conds else select(people)
        if ranked is None:
            offset = (f.page - 1) * limit
            rows = conn.execute(base.order_by(people.c.received_at.desc()).offset(offset).limit(limit + 1)).all()
            out = [dict(r._mapping) for r in rows]
            return out[:limit], len(out) > limit
        rows = [dict(r._mapping) for r in conn.execute(base)]
    typed = name_tokens(q)
    for row in rows:
        row["score"] = max((rank_tokens(typed, n.split()).score for n in row["names"].split("\n")), default=0.0)
    rows.sort(key=lambda r: (-r["score"], -_aware(r["received_at"]).timestamp()))
    start = (f.page - 1) * limit
    return rows[start:start + limit], len(rows) > start + limit


def _name_candidates(engine: Engine, typed: list[str]) -> list[str]:
    """Records with a name holding the first typed word's sound key paired with each other typed
    word's (either way round: the family name typed first still finds the record) — one range of
    the pairs index per pair. Otherwise (one word typed, or the first name not typed, or a slip)
    records having every typed word's sound, found from the rarest sound (a few index lookups
    even when one word is محمد); if none, every sound but the commonest (one slip)."""
    with engine.connect() as conn:
        if len(typed) > 1:
            groups = list({frozenset({_pair(typed[0], k), _pair(k, typed[0])}) for k in typed[1:]})
            query = select(people_pairs.c.record_id).where(people_pairs.c.pair.in_(sorted(groups[0])))
            for group in groups[1:]:
                alias = people_pairs.alias()
                query = query.where(select(alias.c.record_id).where(
                    alias.c.pair.in_(sorted(group)), alias.c.record_id == people_pairs.c.record_id).exists())
            found = [r[0] for r in conn.execute(query.distinct().limit(NAME_CANDIDATES))]
            if found:
                return found
        sounds = sorted(set(typed))
        # how common each sound is, counted only up to a cap (a common word must not cost a full count)
        counts = {s: conn.execute(select(func.count()).select_from(
            select(people_sounds.c.record_id).where(people_sounds.c.sound == s).limit(SOUND_COUNT_CAP).subquery())
        ).scalar() for s in sounds} if len(sounds) > 1 else {sounds[0]: 1}  # one word: nothing to order
        order = sorted(sounds, key=counts.get)
        for wanted in (order, order[:-1]) if len(order) > 1 else (order,):
            if not wanted or counts[wanted[0]] == 0:
                continue
            query = select(people_sounds.c.record_id).where(people_sounds.c.sound == wanted[0])
            for other in wanted[1:]:
                alias = people_sounds.alias()
                query = query.where(select(alias.c.record_id).where(
                    alias.c.sound == other, alias.c.record_id == people_sounds.c.record_id).exists())
            found = [r[0] for r in conn.execute(query.distinct().limit(NAME_CANDIDATES))]
            if found:
                return found
    return []


def offices_list(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(devices.c.office_code).distinct().order_by(devices.c.office_code))]


def record_detail(engine: Engine, record_id: str) -> dict | None:
    with engine.connect() as conn:
        revs = conn.execute(select(records.c.revision, records.c.batch_id, records.c.device_id, records.c.status,
                                   records.c.duplicate_of, records.c.received_at, records.c.office_code,
                                   records.c.data, records.c.national_number)
                            .where(records.c.record_id == record_id).order_by(records.c.revision)).all()
        if not revs:
            return None
        newest = revs[-1]
        data = json.loads(newest.data)
        shots = conn.execute(select(photos.c.id, photos.c.revision, photos.c.kind, photos.c.mime)
                             .where(photos.c.record_id == record_id).order_by(photos.c.revision.desc(),
                                                                              photos.c.position)).all()
        batch_info = {b.batch_id: b for b in conn.execute(
            select(batches.c.batch_id, batches.c.seq, batches.c.source, batches.c.received_at)
            .where(batches.c.batch_id.in_({r.batch_id for r in revs})))}
        cards = {data.get("card_number")} | {d.get("card_number") for d in data.get("dependants") or []}
        cards |= {c.get("card_number") for c in data.get("card_history") or [] if isinstance(c, dict)}
        cards.discard(None)
        cards.discard("")
        revoked = {r.card_number: r for r in conn.execute(
            select(card_revocations).where(card_revocations.c.card_number.in_(cards)))} if cards else {}
        taken = conn.execute(select(decisions).where(decisions.c.record_id == record_id)
                             .order_by(decisions.c.id.desc())).all()
        others = conn.execute(select(records.c.record_id, records.c.office_code, records.c.received_at)
                              .where(records.c.national_number == newest.national_number,
                                     records.c.record_id != record_id).distinct()).all()
    return {"record_id": record_id, "data": data, "newest": newest, "revisions": revs, "batches": batch_info,
            "photos": shots, "cards": sorted(cards), "revoked": revoked, "decisions": taken, "same_number": others}


def photo(engine: Engine, photo_id: int) -> tuple[bytes, str] | None:
    with engine.connect() as conn:
        row = conn.execute(select(blobs.c.data, photos.c.mime).select_from(photos)
                           .join(blobs, blobs.c.sha256 == photos.c.sha256)
                           .where(photos.c.id == photo_id)).first()
    return (bytes(row.data), row.mime) if row else None


# --- offices ----------------------------------------------------------------------------------
@dataclass
class _Stat:
    count: int
    last_seq: int
    last_batch: datetime | None


def offices_overview(engine: Engine, silent_days: int = 3) -> dict:
    refresh_index(engine, wait=False, chunks=1)
    now = _now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = today - timedelta(days=today.weekday())
    with engine.connect() as conn:
        # count and last sequence number from the (device_id, seq) index alone; then the last
        # batches' times in one query of index lookups (never a scan of every batch row)
        counted = conn.execute(select(batches.c.device_id, func.count().label("count"),
                                      func.max(batches.c.seq).label("last_seq")).group_by(batches.c.device_id)).all()
        last_at = {r.device_id: r.received_at for r in conn.execute(
            select(batches.c.device_id, batches.c.received_at)
            .where(tuple_(batches.c.device_id, batches.c.seq).in_([(r.device_id, r.last_seq) for r in counted])))
        } if counted else {}
        stats = {r.device_id: _Stat(r.count, r.last_seq, last_at.get(r.device_id)) for r in counted}
        counts: dict = {}  # from the indexer's per-day counters: a few rows per device
        for r in conn.execute(select(day_counts.c.device_id, day_counts.c.day,
                                     func.sum(day_counts.c.received).label("n"))
                              .where(day_counts.c.day >= min(today, week).date().isoformat())
                              .group_by(day_counts.c.device_id, day_counts.c.day)):
            mine = counts.setdefault(r.device_id, {"today": 0, "week": 0})
            mine["week"] += r.n if r.day >= week.date().isoformat() else 0
            mine["today"] += r.n if r.day == today.date().isoformat() else 0
        refused = {}
        for r in conn.execute(select(rejections.c.device_id, rejections.c.code, func.count().label("n"),
                                     func.max(rejections.c.at).label("last"))
                              .group_by(rejections.c.device_id, rejections.c.code)):
            refused.setdefault(r.device_id, []).append({"code": r.code, "count": r.n, "last": _aware(r.last)})
        rows = []
        for d in conn.execute(select(devices).order_by(devices.c.office_code, devices.c.device_number)):
            s = stats.get(d.device_id)
            last = _aware(s.last_batch) if s else None
            refusals = refused.get(d.device_id, [])
            contact = max([t for t in [last] + [x["last"] for x in refusals] if t is not None], default=None)
            count, last_seq = (s.count, s.last_seq) if s else (0, 0)
            rows.append({"device_id": d.device_id, "office_code": d.office_code, "device_number": d.device_number,
                         "label": d.label, "enrolled_at": _aware(d.enrolled_at), "revoked": d.revoked_at is not None,
                         "revoke_reason": d.revoke_reason or "", "last_contact": contact, "last_batch": last,
                         "last_seq": last_seq, "today": counts.get(d.device_id, {}).get("today", 0),
                         "week": counts.get(d.device_id, {}).get("week", 0), "refused": refusals,
                         "gaps": max(0, last_seq - count),
                         "silent": d.revoked_at is None and (contact or _aware(d.enrolled_at))
                         < now - timedelta(days=silent_days)})
        recent_refusals = conn.execute(select(rejections).order_by(rejections.c.id.desc()).limit(20)).all()
    return {"rows": rows, "refusals": recent_refusals, "silent_days": silent_days}


def registrations_per_day(engine: Engine, days: int = 14) -> tuple[list[date], dict[str, list[int]]]:
    """People registered per day per office (the office's registration date), for the chart:
    the indexer's per-day counters."""
    end = _now().date()
    start = end - timedelta(days=days - 1)
    day_list = [start + timedelta(days=i) for i in range(days)]
    series: dict[str, list[int]] = {}
    refresh_index(engine, wait=False, chunks=1)
    with engine.connect() as conn:
        for r in conn.execute(select(day_counts.c.office_code, day_counts.c.day,
                                     func.sum(day_counts.c.registered).label("n"))
                              .where(day_counts.c.day >= start.isoformat(), day_counts.c.day <= end.isoformat())
                              .group_by(day_counts.c.office_code, day_counts.c.day)):
            try:
                day = date.fromisoformat(r.day)
            except ValueError:
                continue
            if start <= day <= end and r.n:
                series.setdefault(r.office_code, [0] * days)[(day - start).days] += r.n
    return day_list, series


# --- decisions queue ---------------------------------------------------------------------------
def queue(engine: Engine, limit: int = 100) -> list[dict]:
    """Flagged records not decided yet, each with the records it may duplicate: what the HQ-wide
    check found (hq/duplicates.py, with its evidence) and any other record with its number."""
    refresh_index(engine, wait=False, chunks=1)
    with engine.connect() as conn:
        rows = conn.execute(select(people).where(people.c.decided.is_(False), people.c.status == "duplicate")
                            .order_by(people.c.received_at).limit(limit)).all()
        out = [dict(r._mapping) for r in rows]
        numbers = {r["national_number"] for r in out}
        found: dict[str, list] = {}
        if out:
            for f in conn.execute(select(duplicate_findings)
                                  .where(duplicate_findings.c.record_id.in_([r["record_id"] for r in out]))
                                  .order_by(duplicate_findings.c.id)):
                found.setdefault(f.record_id, []).append(f)
        other_ids = {f.other_record_id for fs in found.values() for f in fs}
        owners: dict[str, list] = {}
        by_id: dict[str, object] = {}
        if numbers or other_ids:
            for p in conn.execute(select(people.c.record_id, people.c.national_number, people.c.office_code,
                                         people.c.received_at, people.c.name)
                                  .where(or_(people.c.national_number.in_(numbers),
                                             people.c.record_id.in_(other_ids)))):
                owners.setdefault(p.national_number, []).append(p)
                by_id[p.record_id] = p
    for r in out:
        mine = found.get(r["record_id"], [])
        newest = [f for f in mine if f.revision == r["revision"]] or mine[-1:]
        r["findings"] = [{"kind": f.kind, "other_office": f.other_office, "other_date": f.other_date,
                          "reason": json.loads(f.evidence).get("reason", {}), "other_record_id": f.other_record_id}
                         for f in newest]
        others = [by_id[f.other_record_id] for f in newest if f.other_record_id in by_id]
        others += [o for o in owners.get(r["national_number"], []) if o.record_id != r["record_id"]]
        r["others"] = list({o.record_id: o for o in others}.values())
    return out


def decided(engine: Engine, limit: int = 50) -> list:
    with engine.connect() as conn:
        return conn.execute(select(decisions).order_by(decisions.c.id.desc()).limit(limit)).all()
