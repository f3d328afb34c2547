"""Registered at another office? (#14) — what the registration form learns beyond its own PC:

* `from_digest`: offline, from HQ's national-number digest pulled at the last sync (sync.digest):
  a national number on the form (the holder's or a dependant's) that some office holds.
* `from_hq`: online, HQ's answer to a device-signed lookup (sync.lookup), at most
  LOOKUP_TIMEOUT seconds; None when HQ was not reached (offline, slow, not enrolled).

Both run off the GUI thread (the screen's QueryOps). Numbers this PC itself holds are the
local check's (services.registration.duplicates) and are left out here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from fundclient.domain.national_id import get_scheme
from fundclient.domain.records import Beneficiary
from fundclient.errors import FundError

if TYPE_CHECKING:
    from fundclient.services.session import Session


@dataclass(frozen=True)
class Elsewhere:
    """A person another record holds, as the banner shows it."""

    national_number: str  # the number on this form that matched ("" for a name + birth date match)
    office_code: str
    whom: str  # the name on this form (the holder's, or the dependant's on the form that matched)
    own_dependant: bool  # the match is through a dependant on this form
    source: str  # digest | hq
    registered_on: date | None = None
    card_status: str = ""  # HQ only: valid | revoked | inactive | none
    initials: str = ""  # HQ only: first and family name initials of the person HQ holds
    role: str = ""  # HQ only: holder | dependant in the record that holds them


def _numbers(session: "Session", b: Beneficiary, scheme=None) -> list[tuple[str, str, bool]]:
    """(normalised number, name on the form, through a dependant) of the form's complete numbers."""
    return [(number, person.name.full(), own) for number, person, own in _people(session, b, scheme)]


def _people(session: "Session", b: Beneficiary, scheme=None) -> list[tuple[str, object, bool]]:
    """(normalised number, the person, through a dependant) of the form's complete numbers."""
    scheme = scheme or get_scheme(session.settings.national_id_scheme)
    out = []
    for person, own in ((b, False), *((d, True) for d in b.dependants)):
        number = scheme.normalise(person.national_number or "")
        if len(number) == scheme.length and number.isdigit():
            out.append((number, person, own))
    return out


def _held_here(session: "Session", b: Beneficiary) -> set[str]:
    """Numbers this record already had when saved here (an edit is not its own duplicate)."""
    try:
        stored = session.store.beneficiaries.get(b.record_id)
    except (FundError, LookupError, KeyError):
        return set()
    except Exception:  # noqa: BLE001  RecordNotFound and friends: a new registration
        return set()
    scheme = get_scheme(session.settings.national_id_scheme)
    return {scheme.normalise(p.national_number or "") for p in (stored, *stored.dependants)}


def from_digest(session: "Session", b: Beneficiary, local_numbers: set[str] = frozenset()) -> list[Elsewhere]:
    """Numbers on the form that HQ's digest says another office holds (or another PC of this
    office), leaving out those the local check already found (`local_numbers`)."""
    from fundclient.sync.digest import registered_elsewhere  # lazy: start-up (cryptography, NumPy, platformdirs)

    wanted = _numbers(session, b)
    if not wanted:
        return []
    own_office = _office(session)
    skip = set(local_numbers) | _held_here(session, b)
    held = registered_elsewhere(session.data_dir, [n for n, _, _ in wanted])
    found = []
    for number, whom, own in wanted:
        for office in held.get(number, []):
            if office == own_office and number in skip:
                continue  # this PC holds it: the local check's, or this record itself
            found.append(Elsewhere(number, office, whom, own, "digest"))
    return found


def from_digest_many(session: "Session", records: list[Beneficiary]) -> list[list[Elsewhere]]:
    """`from_digest(session, b)` of every record of an import's batch, with the digest, the
    device and the stored copies read once for the batch instead of once per record."""
    from fundclient.sync.digest import registered_elsewhere  # lazy: start-up (cryptography, NumPy, platformdirs)

    scheme = get_scheme(session.settings.national_id_scheme)
    wanted = [_people(session, b, scheme) for b in records]  # the names only for numbers the digest holds
    if not any(wanted):
        return [[] for _ in records]
    own_office = _office(session)
    held = registered_elsewhere(session.data_dir, sorted({n for numbers in wanted for n, _, _ in numbers}))
    if not held:
        return [[] for _ in records]
    ids = [b.record_id for b, numbers in zip(records, wanted) if b.record_id and any(n in held for n, _, _ in numbers)]
    stored: dict[str, Beneficiary] = {}
    for start in range(0, len(ids), 400):
        stored.update(session.store.beneficiaries.get_many(ids[start:start + 400]))
    out = []
    for b, numbers in zip(records, wanted):
        kept = stored.get(b.record_id)
        skip = {scheme.normalise(p.national_number or "") for p in (kept, *kept.dependants)} if kept else set()
        out.append([Elsewhere(number, office, person.name.full(), own, "digest") for number, person, own in numbers
                    for office in held.get(number, []) if not (office == own_office and number in skip)])
    return out


def _office(session: "Session") -> str:
    try:
        from fundclient.sync.device import Device  # lazy: start-up (cryptography)
        return Device.load(session.data_dir).office_code
    except Exception:  # noqa: BLE001  not enrolled
        return ""


def from_hq(session: "Session", b: Beneficiary, local_numbers: set[str] = frozenset(),
            timeout: float | None = None) -> list[Elsewhere] | None:
    """HQ's answer for the form's numbers and name + birth date; None when HQ was not reached in
    time (or this PC is not enrolled). Raises nothing: the form never waits on HQ's problems."""
    import logging

    import requests  # lazy: start-up (requests)

    from fundclient.sync.device import Device  # lazy: start-up (cryptography)
    from fundclient.sync.http import make_session, require_https  # lazy: start-up (platformdirs, requests)
    # lazy: start-up (cryptography, platformdirs, requests)
    from fundclient.sync.lookup import LOOKUP_TIMEOUT, lookup, query

    log = logging.getLogger(__name__)
    wanted = _numbers(session, b)
    name_ready = bool(b.name.first and b.name.family and b.date_of_birth)
    if not wanted and not name_ready:
        return []
    try:
        device = Device.load(session.data_dir)
        base = require_https(session.settings.hq_url or device.hq_url)
        body = query([n for n, _, _ in wanted], b.name.first, b.name.father, b.name.grandfather, b.name.family,
                     b.date_of_birth if name_ready else None, getattr(b.sex, "value", b.sex) or "",
                     b.mother_name or "", b.record_id)
        with make_session(session.settings) as http:
            hits = lookup(http, base, device, body, timeout=timeout or LOOKUP_TIMEOUT)
    except (FundError, requests.RequestException, OSError, ValueError) as exc:
        log.info("HQ lookup not answered: %s", type(exc).__name__)
        return None
    names = {n: (whom, own) for n, whom, own in wanted}
    skip = set(local_numbers) | _held_here(session, b)
    out = []
    for hit in hits:
        if hit.office_code == device.office_code and ((hit.asked and hit.asked in skip)
                                                      or (not hit.asked and local_numbers)):
            continue  # this PC holds it (the local check's, or this record itself as HQ holds it)
        whom, own = names.get(hit.asked, (b.name.full(), False))
        out.append(Elsewhere(hit.asked, hit.office_code, whom, own, "hq", hit.registered_on, hit.card_status,
                             hit.initials, hit.role))
    return out
