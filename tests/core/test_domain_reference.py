"""Reference data: bundled default, JSON round trip, an HQ update, malformed files."""

from __future__ import annotations

import json

import pytest

from fundclient.domain.categories import categories
from fundclient.domain.records import Channel, MaritalStatus, Relation, Sex
from fundclient.domain.reference import (ReferenceData, default_reference, load_reference)
from fundclient.domain.validation import make_context, validate_field
from fundclient.errors import FundError


def test_bundled_offices_and_southern_municipalities():
    ref = default_reference()
    offices = {o.code: o for o in ref.items("offices")}
    assert set(offices) == {"SBH", "BRK", "TRG", "QRQ", "GHT", "BWN"}
    assert offices["SBH"].ar == "المكتب الرئيسي سبها" and offices["SBH"].extra["kind"] == "main"
    assert offices["GHT"].label("ar") == "مكتب غات" and offices["GHT"].label("en") == "Ghat office"
    assert ref.item("municipalities", "SBH").ar == "سبها"
    assert len(ref.items("municipalities")) >= 15
    assert {"SSF", "MIL"} <= ref.codes("pensions_authorities")


def test_choice_lists_match_the_record_enums():
    ref = default_reference()
    assert ref.codes("relations") == {r.value for r in Relation}
    assert ref.codes("marital_statuses") == {m.value for m in MaritalStatus}
    assert ref.codes("channels") == {c.value for c in Channel}
    assert ref.codes("sexes") == {s.value for s in Sex}


def test_every_reference_code_is_unique_per_list():
    ref = default_reference()
    for name, items in ref.lists.items():
        codes = [i.code for i in items]
        assert len(codes) == len(set(codes)), name


def test_json_round_trip_and_an_update_from_hq(tmp_path):
    data = default_reference().to_dict()
    assert ReferenceData.from_dict(json.loads(json.dumps(data))) == default_reference()
    data["version"] = "2027-01"
    data["municipalities"].append({"code": "DRJ", "ar": "درج", "en": "Derj"})
    data["categories"][1]["active"] = True
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    updated = load_reference(path)
    assert updated.version == "2027-01"
    ctx = make_context(reference=updated)
    assert validate_field("municipality", "DRJ", ctx) is None
    assert validate_field("municipality", "DRJ") is not None  # default set unchanged
    assert [c.active for c in categories(updated)] == [True, True]


@pytest.mark.parametrize("content", ["not json", "[]", '{"offices": []}',
                                     '{"version": "x", "offices": [{"code": "A"}]}',
                                     '{"version": "x", "categories": [{"code": "c"}]}'])
def test_malformed_reference_files_raise_a_fund_error(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FundError) as err:
        load_reference(path)
    assert err.value.message.ar and err.value.code == "reference"


def test_a_category_spec_with_bad_values_is_refused_when_used():
    data = default_reference().to_dict()
    data["categories"][0]["fields"][0]["max_length"] = "long"
    ref = ReferenceData.from_dict(data)
    with pytest.raises(FundError):
        categories(ref)


def test_a_label_in_a_further_language_is_the_entry_s_own_else_the_catalogue_s_else_english():
    """Reference data carries Arabic and English, and any further language HQ gives ("fr"):
    the entry's own label first, then the catalogue's translation of the English label (the
    bundled set is in translations/fr.po, context "reference data"), then the English label."""
    from fundclient.domain.reference import RefItem, with_updates

    son = default_reference().item("relations", "son")
    assert (son.label("ar"), son.label("en"), son.label("fr")) == ("ابن", "Son", "Fils")  # the catalogue's
    office = RefItem.from_dict({"code": "UBR", "ar": "مكتب أوباري", "en": "Ubari office", "fr": "Bureau d'Oubari"})
    assert office.label("fr") == "Bureau d'Oubari" and office.label("ar") == "مكتب أوباري"
    assert RefItem.from_dict(office.to_dict()) == office  # kept through the device's copy
    unknown = RefItem.from_dict({"code": "X", "ar": "مكتب جديد", "en": "New office"})
    assert unknown.label("fr") == "New office"  # no French anywhere yet: English, never empty
    updated = with_updates(default_reference(), {"offices": {"UBR": {"ar": "مكتب أوباري", "en": "Ubari office",
                                                                      "fr": "Bureau d'Oubari"}}})
    assert updated.item("offices", "UBR").label("fr") == "Bureau d'Oubari"
    assert RefItem.from_dict({"code": "Y", "ar": "أ", "en": "A", "xx": "?"}).to_dict().get("xx") is None


def test_a_category_s_french_label_and_hint_from_hq():
    from fundclient.domain.categories import categories, with_categories

    retiree = default_reference().category_spec("retiree")
    spec = {**retiree, "code": "farmers", "ar": "شريحة المزارعين", "en": "Farmers", "fr": "Agriculteurs",
            "fields": [{**retiree["fields"][0], "fr": "Numéro de pension (agriculteurs)",
                        "hint_fr": "Tel qu'imprimé sur le relevé"}]}
    reference = with_categories(default_reference(), {"farmers": spec})
    found = {c.code: c for c in categories(reference)}
    farmers = found["farmers"]
    assert farmers.label.template("fr") == "Agriculteurs" and farmers.label.template("ar") == "شريحة المزارعين"
    assert farmers.fields[0].label.template("fr") == "Numéro de pension (agriculteurs)"
    assert farmers.fields[0].hint.template("fr") == "Tel qu'imprimé sur le relevé"
    assert found["retiree"].label.template("fr") == "Retraités"  # bundled: the catalogue's
