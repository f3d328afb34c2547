"""The office's reference data: the bundled lists updated with what HQ sent (offices,
municipalities, pensions authorities, categories), installed at login so forms, rules and
cards use it."""

from __future__ import annotations

from pathlib import Path

from fundclient.domain.categories import with_categories
from fundclient.domain.reference import ReferenceData, bundled_reference, use_reference, with_updates

# sync's kind of entry -> the domain's list name
PULLED_LISTS = {"offices": "offices", "municipalities": "municipalities",
                "pension_authorities": "pensions_authorities"}


def office_reference(data_dir: Path) -> ReferenceData:
    from fundclient.sync.reference import ReferenceStore  # lazy: start-up (cryptography, platformdirs, requests)

    pulled = ReferenceStore(Path(data_dir))
    lists = with_updates(bundled_reference(), {name: pulled.entries(kind) for kind, name in PULLED_LISTS.items()})
    return with_categories(lists, pulled.entries("categories"))


def install_office_reference(data_dir: Path) -> ReferenceData:
    reference = office_reference(data_dir)
    use_reference(reference)
    return reference
