"""What an operation changed, so screens refresh from it instead of re-reading everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Changes:
    records: set[str] = field(default_factory=set)  # record ids touched
    beneficiaries: bool = False
    sync: bool = False  # outbox / sync states changed
    operators: bool = False
    settings: bool = False
    drafts: bool = False
    result: Any = None  # the operation's own return value (e.g. the saved record)

    def merge(self, other: "Changes") -> "Changes":
        return Changes(
            records=self.records | other.records,
            beneficiaries=self.beneficiaries or other.beneficiaries,
            sync=self.sync or other.sync,
            operators=self.operators or other.operators,
            settings=self.settings or other.settings,
            drafts=self.drafts or other.drafts,
            result=other.result if other.result is not None else self.result,
        )
