"""Reference data: offices, municipalities, pensions authorities, categories, choice lists.

Plain data loadable from JSON so HQ can send an updated set later; the bundled
`reference_data.json` is the default. Codes are stored in records, labels are shown.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from fundclient.catalogue import available_languages
from fundclient.errors import FundError, Message

LIST_NAMES = ("offices", "municipalities", "pensions_authorities", "relations",
              "marital_statuses", "channels", "sexes", "statuses")

BAD_REFERENCE = Message("The reference data file is not valid: {detail}")


def other_labels(entry: dict[str, Any], prefix: str = "") -> tuple[tuple[str, str], ...]:
    """An entry's labels (`prefix` "") or hints ("hint_") in languages other than Arabic and
    English, keyed by language code ({"fr": "Retraités", "hint_fr": …}); only languages that
    have a catalogue count (a label for a language nobody can choose is never shown)."""
    found = []
    for language in available_languages():
        text = entry.get(prefix + language)
        if language not in ("ar", "en") and isinstance(text, str) and text.strip():
            found.append((language, text))
    return tuple(found)


def label_message(entry: dict[str, Any], prefix: str = "") -> Message:
    """An entry's label (or hint, `prefix` "hint_") in every language (docs/dev/translations.md,
    "Reference data"): the entry's own text in that language — Arabic and English always, any
    other language when HQ gave one (`"fr": …`) — else the catalogue's translation of the
    English label (context "reference data", for the bundled set), else the English label."""
    return Message.fixed(ar=str(entry.get(prefix + "ar", "")), en=str(entry.get(prefix + "en", "")),
                         **dict(other_labels(entry, prefix)))


@dataclass(frozen=True)
class RefItem:
    code: str
    ar: str
    en: str
    active: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    others: tuple[tuple[str, str], ...] = ()  # labels in further languages: (("fr", "Fils"),)

    def label(self, language: str = "ar") -> str:
        """The label in `language` (`label_message`): the entry's own, else the catalogue's
        translation of the English label, else the English label."""
        return self.message.template(language)

    @property
    def message(self) -> Message:
        return Message.fixed(ar=self.ar, en=self.en, **dict(self.others))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RefItem":
        return cls(code=str(data["code"]), ar=str(data["ar"]), en=str(data["en"]),
                   active=bool(data.get("active", True)), extra=dict(data.get("extra", {})),
                   others=other_labels(data))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "ar": self.ar, "en": self.en, **dict(self.others), "active": self.active,
                "extra": dict(self.extra)}


@dataclass(frozen=True)
class ReferenceData:
    """One consistent set of reference lists; `categories` holds raw category specs
    (turned into field rules by `domain.categories`)."""

    version: str
    lists: dict[str, tuple[RefItem, ...]]
    categories: tuple[dict[str, Any], ...]

    def items(self, list_name: str, *, active_only: bool = False) -> tuple[RefItem, ...]:
        items = self.lists.get(list_name, ())
        return tuple(i for i in items if i.active) if active_only else items

    def item(self, list_name: str, code: str) -> RefItem | None:
        return self._index().get((list_name, code))

    def codes(self, list_name: str) -> frozenset[str]:
        cached = self.__dict__.get("_codes_cache")
        if cached is None:
            cached = {}
            object.__setattr__(self, "_codes_cache", cached)
        found = cached.get(list_name)
        if found is None:
            found = cached[list_name] = frozenset(i.code for i in self.lists.get(list_name, ()))
        return found

    def category_spec(self, code: str) -> dict[str, Any] | None:
        return next((c for c in self.categories if c.get("code") == code), None)

    def _index(self) -> dict[tuple[str, str], RefItem]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {(name, i.code): i for name, items in self.lists.items() for i in items}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ReferenceData":
        """Build from the JSON shape; a malformed set raises FundError (never half-loads)."""
        try:
            lists = {name: tuple(RefItem.from_dict(d) for d in data.get(name, ()))
                     for name in LIST_NAMES}
            # Deep copies both ways: a caller editing its dict must never change a loaded set.
            categories = tuple(copy.deepcopy(dict(c)) for c in data.get("categories", ()))
            for spec in categories:
                for f in spec["fields"]:
                    f["key"], f["kind"]  # noqa: B018 - presence check
            version = str(data["version"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FundError(BAD_REFERENCE.format(detail=repr(exc)[:200]),
                            code="reference") from None
        return cls(version=version, lists=lists, categories=categories)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version}
        out.update({name: [i.to_dict() for i in items] for name, items in self.lists.items()})
        out["categories"] = [copy.deepcopy(dict(c)) for c in self.categories]
        return out


def load_reference(path: Path) -> ReferenceData:
    """Load a reference set from a JSON file (e.g. one received from HQ)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FundError(BAD_REFERENCE.format(detail=type(exc).__name__),
                        code="reference") from None
    if not isinstance(data, dict):
        raise FundError(BAD_REFERENCE.format(detail="not an object"), code="reference")
    return ReferenceData.from_dict(data)


@lru_cache(maxsize=1)
def bundled_reference() -> ReferenceData:
    """The reference set shipped with the app."""
    text = resources.files("fundclient.domain").joinpath("reference_data.json").read_text(
        encoding="utf-8")
    return ReferenceData.from_dict(json.loads(text))


_in_use: ReferenceData | None = None


def default_reference() -> ReferenceData:
    """The reference set in use: the bundled one, or the office's copy updated from HQ once
    `use_reference` installed it (at login)."""
    return _in_use or bundled_reference()


def use_reference(reference: ReferenceData | None) -> None:
    """Install the set every screen and rule reads (None: back to the bundled set)."""
    global _in_use
    _in_use = reference


def with_updates(base: ReferenceData, updates: dict[str, dict[str, dict[str, Any] | None]]) -> ReferenceData:
    """`base` with entries added, replaced or (value None) removed: {list: {code: entry}}.
    An entry without both names is skipped rather than breaking every form."""
    lists = dict(base.lists)
    for list_name, entries in updates.items():
        items = {item.code: item for item in lists.get(list_name, ())}
        for code, entry in entries.items():
            if entry is None:
                items.pop(code, None)
            elif entry.get("ar") and entry.get("en"):
                items[code] = RefItem.from_dict({**entry, "code": code})
        lists[list_name] = tuple(items.values())
    return ReferenceData(version=base.version, lists=lists, categories=base.categories)
