"""Card numbers: layout, uniqueness by construction, and the check digits' error detection."""

from __future__ import annotations

import random
import string

import pytest

from fundclient.domain import card_numbers as numbers
from fundclient.domain.card_numbers import CardNumberError, is_valid, make_card_number, parse

ALPHABET = string.digits + string.ascii_uppercase


def test_layout_and_round_trip():
    number = make_card_number("seb", 7, 123)
    assert number == "SEB-007-000123-" + numbers.mod97_check("SEB007000123")
    card = parse(number)
    assert (card.office_code, card.device_number, card.sequence) == ("SEB", 7, 123)
    assert not card.provisional_device and parse(make_card_number("BRK", 950, 1)).provisional_device
    # Typed without hyphens, lower case, with Arabic-Indic digits: the same number.
    typed = number.replace("-", "").lower().translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert numbers.normalise(typed) == number
    assert numbers.normalise(number.replace("-", " ")) == number


def test_known_iso_7064_mod_97_10_vector():
    # ISO 7064 / IBAN: "GB82 WEST 1234 5698 7654 32" is valid; its MOD 97-10 check is the "82".
    assert numbers.mod97_valid("WEST12345698765432GB82")
    assert numbers.mod97_check("WEST12345698765432GB") == "82"


@pytest.mark.parametrize("office, device, sequence", [
    ("S", 1, 1), ("SEBHA", 1, 1), ("S3B", 1, 1), ("سبها", 1, 1),
    ("SEB", 0, 1), ("SEB", 1000, 1), ("SEB", 1, 0), ("SEB", 1, 1_000_000),
])
def test_bad_parts_are_refused(office, device, sequence):
    with pytest.raises(CardNumberError) as info:
        make_card_number(office, device, sequence)
    assert info.value.message.ar and info.value.message.en


def test_no_collision_between_offices_devices_and_sequences():
    made = {make_card_number(office, device, seq)
            for office in ("SEB", "BRK", "TRG", "QRQ", "GHT", "BWN", "12")
            for device in (1, 2, 899, 900, 999) for seq in range(1, 201)}
    assert len(made) == 7 * 5 * 200
    assert len({parse(n).compact[:-2] for n in made}) == len(made)


def test_the_check_digits_catch_every_error_for_every_input():
    """Exhaustive over the checksum's states: a proof for numbers of any length.

    MOD 97-10 reads the digit string left to right with state p in 0..96 and
    step(p, d) = (10p + d) mod 97 (a letter is the two-digit step (100p + v) mod 97).
    Each step is a bijection of the state for a fixed character (10 and 100 are invertible mod
    97), so an error that changes the state after some character is never undone later.
    It is therefore enough to check, for every state, every single substitution and every
    adjacent swap of the character classes the layout allows (digit-digit, letter-letter).
    """
    digits = range(10)
    letters = range(10, 36)

    def step(p, value):
        return (p * (10 if value < 10 else 100) + value) % 97

    for p in range(97):
        assert len({step(p, d) for d in digits}) == 10
        assert len({step(p, v) for v in letters}) == 26
        for group in (digits, letters):
            for a in group:
                for b in group:
                    if a != b:
                        assert step(step(p, a), b) != step(step(p, b), a), (p, a, b)
    for value in range(36):  # the state update is injective in p: errors propagate
        assert len({step(p, value) for p in range(97)}) == 97


def _single_substitutions(text):
    for i, ch in enumerate(text):
        for other in ALPHABET:
            if other != ch:
                yield text[:i] + other + text[i + 1:]


def _adjacent_swaps(text):
    for i in range(len(text) - 1):
        if text[i] != text[i + 1]:
            yield text[:i] + text[i + 1] + text[i] + text[i + 2:]


def test_every_single_error_and_adjacent_swap_of_real_numbers_is_caught():
    """Every substitution (36 symbols at each position) and every adjacent swap, in the
    compact and the printed form (a character swapped with a hyphen is an error too)."""
    rng = random.Random(1)
    offices = ["SEB", "BRK", "TRG", "QRQ", "GHT", "BWN", "AB", "WXYZ", "12", "0421"]
    samples = [make_card_number(o, rng.randint(1, 999), rng.randint(1, numbers.MAX_SEQUENCE))
               for o in offices for _ in range(15)]
    samples += [make_card_number("SEB", 1, 1), make_card_number("ZZZZ", 999, numbers.MAX_SEQUENCE)]
    checked = 0
    for number in samples:
        compact = parse(number).compact
        for text in (compact, number):
            for wrong in (*_single_substitutions(text), *_adjacent_swaps(text)):
                assert not is_valid(wrong), (number, wrong)
                checked += 1
    assert checked > 100_000


@pytest.mark.parametrize("text", ["", "SEB", "SEB-007-000123", "SEB-007-000123-4", "SEB-000-000123-00",
                                  "SEB-007-ABCDEF-12", "ص-007-000123-12"])
def test_malformed_numbers_are_invalid(text):
    assert not is_valid(text)
