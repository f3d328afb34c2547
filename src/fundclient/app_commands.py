"""`fundclient gui`, `fundclient demo`, `fundclient selftest` (wired in later)."""


def register(sub) -> None:
    return None
