"""A fresh encrypted office for storage tests (tests import it like `waiting`)."""

from __future__ import annotations

from fundclient import storage

PASSWORD = "correct horse 1"


def new_office(path):
    """`path` initialised as office SEB with its administrator, and opened as them."""
    storage.initialise(path, "SEB", "admin", PASSWORD, "مدير النظام")
    return open_office(path)


def open_office(path):
    store, _ = storage.open_store(path, "admin", PASSWORD)
    return store
