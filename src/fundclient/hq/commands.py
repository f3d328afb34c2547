"""Sub-commands of this package (filled in as the package lands)."""


def register(sub) -> None:
    return None
