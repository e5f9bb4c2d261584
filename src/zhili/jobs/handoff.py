"""An app server of the worker tier (``ZHILI_JOBS=queue``) hands work it would do after an answer to
the workers: it defers the registered job instead of running it in its own process.

The queue is opened once per process, with a pool of at most two connections, on the first hand-off.
Hand-offs are coalesced: the first defers at once, and those that follow within ``WINDOW_SECONDS``
defer once more at the end of that window (so work committed after a worker's run had started is
still picked up), instead of each asking the database. A defer while a run of the job already waits
is a no-op (the job's queueing lock): that run takes the new work too. A hand-off that fails is only
logged: the job's periodic run is the backstop, and the work it would pick up is durable already.
"""

from __future__ import annotations

import logging
import threading
import time

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from zhili.jobs.queue import build_queue
from zhili.settings import Settings
from zhili.triage import pending as triage_pending

log = logging.getLogger("zhili.jobs")

POOL_CONNECTIONS = 2
WINDOW_SECONDS = 0.2


class HandOff:
    """Calling it defers the job ``name`` (from any request thread), coalesced as above."""

    def __init__(self, settings: Settings, name: str, window: float = WINDOW_SECONDS) -> None:
        self.name = name
        self.window = window
        self.deferred = 0  # defers asked of the database
        self._settings = settings
        self._queue: App | None = None
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._trailing: threading.Timer | None = None

    def __call__(self) -> None:
        with self._lock:
            if self._trailing is not None:
                return  # the window's last defer is already set
            now = time.monotonic()
            wait = self._last + self.window - now
            if wait > 0:
                self._trailing = threading.Timer(wait, self._at_window_end)
                self._trailing.daemon = True
                self._trailing.start()
                return
            self._last = now
        self._defer()

    def _at_window_end(self) -> None:
        with self._lock:
            self._trailing = None
            self._last = time.monotonic()
        self._defer()

    def _defer(self) -> None:
        try:
            with self._lock:
                if self._queue is None:
                    queue = build_queue(self._settings, max_connections=POOL_CONNECTIONS)
                    queue.open()
                    self._queue = queue
                queue = self._queue
                self.deferred += 1
            queue.tasks[self.name].defer()
        except AlreadyEnqueued:
            pass  # a waiting run takes this work too
        except Exception as exc:
            log.warning(
                "could not hand %s to the workers (%s); its periodic run will", self.name, type(exc).__name__
            )

    def close(self) -> None:
        """Stop: a defer still set for the window's end is made now."""
        with self._lock:
            trailing, self._trailing = self._trailing, None
        if trailing is not None:
            trailing.cancel()
            self._defer()
        with self._lock:
            if self._queue is not None:
                self._queue.close()
                self._queue = None


def start_hand_offs(settings: Settings) -> HandOff | None:
    """A server of the worker tier hands intake triage to the workers; inline, none (it drains itself)."""
    if settings.jobs != "queue":
        return None
    hand_off = HandOff(settings, "intake_triage")
    triage_pending.hand_off_to(hand_off)
    return hand_off


def stop_hand_offs(hand_off: HandOff | None) -> None:
    if hand_off is None:
        return
    triage_pending.hand_off_to(None)
    hand_off.close()
