"""Who sees what. The core enforces permissions again; menus only hide what a role cannot do."""

from __future__ import annotations

CLERK, SUPERVISOR, ADMIN = "clerk", "supervisor", "admin"
_RANK = {CLERK: 0, SUPERVISOR: 1, ADMIN: 2}


def role_of(operator) -> str:
    role = getattr(operator, "role", CLERK)
    role = getattr(role, "value", role)  # an Enum or a plain string
    return role if role in _RANK else CLERK


def at_least(operator, role: str) -> bool:
    return _RANK[role_of(operator)] >= _RANK[role]


def operator_name(operator) -> str:
    for attr in ("full_name", "username", "name"):
        value = getattr(operator, attr, "")
        if value:
            return str(value)
    return "?"


def operator_username(operator) -> str:
    return str(getattr(operator, "username", "") or getattr(operator, "name", ""))
