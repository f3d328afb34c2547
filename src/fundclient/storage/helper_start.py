"""The store refuses to open in a helper process that is still starting (`OpenedWhileHelperStarts`).

The store's helpers — the re-keying's at the opening (`storage.duplicate_rule`), an import's
(`storage.importer`), a bulk build's (`storage.bulk`) — are *spawned* processes: never forked
from a process holding database connections. A spawned process first runs its parent's
`__main__` script again (as `__mp_main__`) to find the function it is to run. A script that
opens the store at module level, not under `if __name__ == "__main__":`, therefore opens it
again in each helper — which then waits for ever for a lock its parent holds (the upgrade's
`.rekey.lock`, the writer's) while the parent waits for the helper's first slice: both hang.

Python marks a process in that phase (`multiprocessing.process.current_process()._inheriting`,
set by `multiprocessing.spawn` while it re-runs the script and unpickles the process object,
cleared before the target runs). Opening the store then raises at once: the helper ends with the
message, its parent sees it gone and stops with `HelperStopped`. Costs nothing at start-up: a
process that never imported multiprocessing is no spawned helper.
"""

from __future__ import annotations

import sys

from fundclient.storage.errors import OpenedWhileHelperStarts


def refuse_while_a_helper_starts() -> None:
    """Raise `OpenedWhileHelperStarts` in a spawned process still re-running its parent's script."""
    process = sys.modules.get("multiprocessing.process")
    if process is not None and getattr(process.current_process(), "_inheriting", False):
        raise OpenedWhileHelperStarts()
