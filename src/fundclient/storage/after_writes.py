"""A store's background thread that follows its writes: started by the first write, woken by
each later one, started again if it was found dead, stopped by `close()` (which waits for it).
The checkpointer (`storage/checkpoints.py`) and the key filer (`storage/key_filing.py`) are
two of them; each says in `_run` what it does once woken (`_pending` under `_cond`)."""

from __future__ import annotations

import threading


class AfterWrites:
    def __init__(self, name: str) -> None:
        self._name = name
        self._cond = threading.Condition()
        self._pending = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def wrote(self) -> None:
        """A write committed: the thread has work."""
        with self._cond:
            if self._closed:
                return
            self._noted()
            self._pending = True
            if self._thread is None or not self._thread.is_alive():  # first write, or the thread died
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            else:
                self._cond.notify()

    def close(self) -> None:
        """Stop the thread and wait for it to end."""
        with self._cond:
            self._closed = True
            thread = self._thread
            self._cond.notify_all()
            self._closing()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _noted(self) -> None:
        """Under the condition, at each write (what the thread needs to know of it)."""

    def _closing(self) -> None:
        """Under the condition, at close (e.g. interrupt a statement under way)."""

    def _run(self) -> None:
        raise NotImplementedError
