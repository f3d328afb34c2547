"""A card for a record saved with a photo exception says so in its photo box (printed to PDF
through the real printing path and read back with pdftotext); a card without any photo says
«بدون صورة» — never an empty box."""

from __future__ import annotations

import pytest
from card_test_helpers import SAMPLE_OFFICE, comparable, pdftotext

from fundclient.cards import printing
from fundclient.cards.content import card_for_beneficiary
from fundclient.cards.render import card_image
from fundclient.domain.photo_exception import BEDRIDDEN, OTHER, REASONS, PhotoException

pytestmark = pytest.mark.qt

# The words the card prints (catalogue entries "Photo exception", "No photo"; Arabic documents).
PHOTO_EXCEPTION_MARK = "استثناء من الصورة"
NO_PHOTO_MARK = "بدون صورة"


def printed_text(cards, tmp_path, settings) -> str:
    out = tmp_path / "cards.pdf"
    printing.print_cards(cards, printing.card_printer(settings, pdf_path=out), margins_mm=0.0)
    return comparable(pdftotext(out, page=1))


def test_bedridden_exception_is_printed_in_the_photo_box(qt_app, tmp_path, record, signer, settings):
    record.photo_exception = PhotoException(BEDRIDDEN, "زيارة منزلية", "fatima", "2026-11-29T09:00:00+00:00")
    card = card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer)
    assert card.photo is None and card.photo_note == REASONS[BEDRIDDEN].ar
    text = printed_text([card], tmp_path, settings)
    assert comparable(PHOTO_EXCEPTION_MARK) in text
    assert comparable(REASONS[BEDRIDDEN].ar) in text
    assert comparable(NO_PHOTO_MARK) not in text


def test_other_reason_prints_the_clerks_words(qt_app, tmp_path, record, signer, settings):
    record.photo_exception = PhotoException(OTHER, "حروق في الوجه", "fatima")
    card = card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer)
    assert comparable("حروق في الوجه") in printed_text([card], tmp_path, settings)


def test_a_card_with_neither_photo_nor_exception_says_no_photo(qt_app, tmp_path, record, signer, settings):
    card = card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer)
    assert comparable(NO_PHOTO_MARK) in printed_text([card], tmp_path, settings)


def test_a_photo_used_under_an_exception_is_printed_as_a_photo(qt_app, record, signer, settings, face_jpeg):
    record.photo_exception = PhotoException(BEDRIDDEN, approved_by="fatima")
    card = card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer, photo=face_jpeg)
    image = card_image(card)
    assert not image.isNull() and card.photo == face_jpeg  # the photo, not the words
