"""A day's close at an office, as counted: per operator, how many registrations were saved,
approved, sent back, left undecided, made on a home visit; and the day's totals.

`services.dayclose` counts them from the store; the day-close screen and the day-close PDF
(`cards.day_report`) show them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class OperatorCounts:
    saved: int = 0
    approved: int = 0
    sent_back: int = 0
    undecided: int = 0
    home_visits: int = 0


@dataclass
class DayCloseSummary:
    day: date
    office_code: str
    closed_by: str
    per_operator: dict[str, OperatorCounts] = field(default_factory=dict)
    duplicates_flagged: int = 0
    photo_exceptions: int = 0  # saved without an accepted photo by a supervisor's decision

    @property
    def totals(self) -> OperatorCounts:
        total = OperatorCounts()
        for counts in self.per_operator.values():
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(counts, name))
        return total


def operator_table(summary: DayCloseSummary) -> list[tuple[str, OperatorCounts]]:
    return sorted(summary.per_operator.items(), key=lambda kv: (-kv[1].saved, kv[0]))
