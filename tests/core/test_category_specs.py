"""Categories edited at HQ: typed and checked on both sides (HQ refuses to publish a bad one,
an office skips one it cannot use), and the bundled categories pass the same check."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, strategies as st

from fundclient.domain.categories import categories, category_problem, with_categories
from fundclient.domain.reference import bundled_reference

RETIREE = copy.deepcopy(bundled_reference().category_spec("retiree"))


def test_the_bundled_categories_pass():
    assert all(category_problem(spec) is None for spec in bundled_reference().categories)


@pytest.mark.parametrize("change, named", [
    ({"code": "Retiree"}, "code"),
    ({"ar": ""}, "ar"),
    ({"active": "yes"}, "active"),
    ({"min_age": 300}, "min_age"),
    ({"fields": {"key": "x"}}, "fields"),
    ({"fields": [{"key": "a", "ar": "أ", "en": "A", "kind": "number"}]}, "Field 1: 'kind'"),
    ({"fields": [{"key": "a", "ar": "أ", "en": "A", "kind": "choice", "choices": "secrets"}]}, "Field 1: a choice"),
    ({"fields": [{"key": "a", "ar": "أ", "en": "A", "kind": "text"}] * 2}, "Field 2: 'key'"),
    ({"fr": 7}, "'fr'"),
    ({"fields": [{"key": "a", "ar": "أ", "en": "A", "kind": "text", "hint_fr": ["x"]}]}, "Field 1: 'hint_fr'"),
    ({"fields": [{"key": "a", "ar": "أ", "en": "A", "kind": "text", "min_length": 9, "max_length": 3}]},
     "Field 1: 'min_length'"),
])
def test_a_bad_spec_is_named(change, named):
    problem = category_problem({**RETIREE, **change})
    assert problem is not None and named in problem.en and problem.ar


def test_an_office_skips_what_it_cannot_use_and_keeps_the_rest():
    active = {**copy.deepcopy(bundled_reference().category_spec("social_support")), "active": True}
    broken = {**RETIREE, "code": "broken", "fields": [{"key": "x", "kind": "?"}]}
    wrong_key = {**RETIREE, "code": "other"}
    merged = with_categories(bundled_reference(), {"social_support": active, "broken": broken,
                                                   "not_other": wrong_key})
    codes = {c.code: c.active for c in categories(merged)}
    assert codes == {"retiree": True, "social_support": True}


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12))
def test_any_hostile_value_gives_a_message_or_a_usable_category(value):
    spec = {**RETIREE, "fields": value} if not isinstance(value, dict) else {**RETIREE, **value}
    if category_problem(spec) is None:  # accepted: the office can build its form from it
        categories(with_categories(bundled_reference(), {spec["code"]: spec}))
