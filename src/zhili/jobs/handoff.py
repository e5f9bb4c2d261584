"""An app server of the worker tier (``ZHILI_JOBS=queue``) hands work it would do after an answer to
the workers: it defers the registered job instead of running it in its own process.

The queue is opened once per process, with a pool of at most two connections, on the first hand-off.
A hand-off while a run of the job already waits is a no-op (the job's queueing lock): that run takes
the new work too, so a burst of requests wakes the workers once. A hand-off that fails is only logged:
the job's periodic run is the backstop, and the work it would pick up is durable already.
"""

from __future__ import annotations

import logging
import threading

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from zhili.jobs.queue import build_queue
from zhili.settings import Settings
from zhili.triage import pending as triage_pending

log = logging.getLogger("zhili.jobs")

POOL_CONNECTIONS = 2


class HandOff:
    """Calling it defers the job ``name`` (from any request thread)."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.name = name
        self._settings = settings
        self._queue: App | None = None
        self._lock = threading.Lock()

    def _opened(self) -> App:
        with self._lock:
            if self._queue is None:
                queue = build_queue(self._settings, max_connections=POOL_CONNECTIONS)
                queue.open()
                self._queue = queue
            return self._queue

    def __call__(self) -> None:
        try:
            self._opened().tasks[self.name].defer()
        except AlreadyEnqueued:
            pass  # a waiting run takes this work too
        except Exception as exc:
            log.warning(
                "could not hand %s to the workers (%s); its periodic run will", self.name, type(exc).__name__
            )

    def close(self) -> None:
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
