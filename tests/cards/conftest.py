"""Fixtures for the card tests: a device key, settings, a long-named record and PDF helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from card_test_helpers import DEVICE_ID
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import fundclient.resources.samples as samples
from fundclient.cards.payload import KeySigner
from fundclient.cards.sample import sample_record
from fundclient.config import Settings

FACE_JPG = Path(samples.__file__).parent / "face.jpg"


@pytest.fixture
def signer():
    return KeySigner(DEVICE_ID, Ed25519PrivateKey.generate())


@pytest.fixture
def settings():
    return Settings(office_code="BRK")


@pytest.fixture
def record():
    return sample_record()


@pytest.fixture
def face_jpeg():
    return FACE_JPG.read_bytes()


@pytest.fixture
def qt_app(qapp):
    """pytest-qt's application (a QApplication), shared with the UI tests in the same session."""
    return qapp
