"""Who is told how the store's one-time upgrades at its opening go (`storage.opening_upgrade`: the
duplicate check's keys made again, the names filed by their ends' sound): the sign-in window shows it, the CLI
prints a line. The listener belongs to the thread that opens the store, so whichever way the
store is opened (`open_store`, `services.session.login`, a test's own login function) the
listener set around it hears the upgrade.

    with reporting(lambda stage, done, total: ...):
        store, operator = open_store(data_dir, username, password)

`stage` is `HOLDERS` ("keys": done, total: holders done so far, all of them), `SPACE` ("space":
rows of tables a migration took out of use removed so far, about how many there are —
`storage.retired_drop`), `BUILD` ("build": a bulk build stopped before its end, finished —
`storage.bulk_build`) or `LAST` ("index": the last step — staged rows filed, indexes made —, no
count). Light: the login window imports it.

What the person is told is worded once, here (`said`): the sign-in window and the CLI's line
show the same sentence, its counts grouped and in digits by the display rule (`display.Number`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fundclient.domain.display import Number
from fundclient.errors import Message

Listener = Callable[[str, int, int], None]
HOLDERS, LAST = "keys", "index"  # the stages told: N of M holders done; the last step (no count)
SPACE = "space"  # rows of retired tables freed, N of about M (storage.retired_drop), before the others
# A bulk build stopped before its end (killed, power cut), finished at the next opening
# (storage.bulk_build: its indexes and name tables made), N of M in rows' worth of work.
BUILD = "build"
COUNTED_STAGES = (HOLDERS, SPACE, BUILD)  # told with a count (a bar that fills); the others without
_local = threading.local()


@contextmanager
def reporting(listener: Listener) -> Iterator[None]:
    before = getattr(_local, "listener", None)
    _local.listener = listener
    try:
        yield
    finally:
        _local.listener = before


def report(stage: str, done: int, total: int) -> None:
    listener = getattr(_local, "listener", None)
    if listener is not None:
        listener(stage, done, total)


COUNTED = Message("Preparing this office's records for the new version: {done} of {total} beneficiaries ({percent}%).")
FREEING = Message("Preparing this office's records for the new version: removing data it no longer uses ({percent}%).")
LAST_STEP = Message("Preparing this office's records for the new version: the last step (a few minutes).")
ONCE = Message("This happens once after an update; keep the computer on.")
FINISHING = Message("Finishing the loading of this office's records from a list, which was stopped before its end ({percent}%).")
ONCE_AFTER_STOP = Message("This happens once; keep the computer on.")
_TOLD = Message.plain("{step} {once}")


def said(stage: str, done: int, total: int) -> Message:
    """What the person is told of the upgrade at `stage` (the sign-in window, the CLI's line)."""
    if stage == HOLDERS:
        step = COUNTED.format(done=Number(done), total=Number(total), percent=Number(done * 100 // max(1, total)))
    elif stage == SPACE:
        step = FREEING.format(percent=Number(done * 100 // max(1, total)))
    elif stage == BUILD:
        return _TOLD.format(step=FINISHING.format(percent=Number(done * 100 // max(1, total))), once=ONCE_AFTER_STOP)
    else:
        step = LAST_STEP
    return _TOLD.format(step=step, once=ONCE)
