"""Notification backends. Nothing leaves the machine unless the gateway backend is configured.

``HttpSmsGateway`` (``ZHILI_NOTIFIER=http``, in ``gateway.py``) posts each message, signed, to the
city's SMS gateway. ``LogNotifier`` (the default, for development) writes one line per message to the
``zhili.notifications`` logger with the case code and the masked number, never the number itself; the
log configuration also hides the link's token. ``MemoryNotifier`` keeps messages in a list, for tests
and demos. Message texts must not carry personal data.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from zhili.kernel.masking import mask_phone

log = logging.getLogger("zhili.notifications")

MEMORY_CAPACITY = 1000


class Notifier(Protocol):
    def send_sms(self, to: str, text: str, *, case_code: str) -> None: ...


@dataclass(frozen=True)
class SentMessage:
    to: str
    text: str
    case_code: str


class LogNotifier:
    """Writes what would be sent to the log, with the phone number masked (138****1234)."""

    def send_sms(self, to: str, text: str, *, case_code: str) -> None:
        log.info("短信 → %s（诉求 %s）：%s", mask_phone(to), case_code, text)


class MemoryNotifier:
    """Keeps the last messages in memory, newest last."""

    def __init__(self, capacity: int = MEMORY_CAPACITY) -> None:
        self._messages: deque[SentMessage] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def send_sms(self, to: str, text: str, *, case_code: str) -> None:
        with self._lock:
            self._messages.append(SentMessage(to=to, text=text, case_code=case_code))

    @property
    def messages(self) -> list[SentMessage]:
        with self._lock:
            return list(self._messages)

    def for_case(self, case_code: str) -> list[SentMessage]:
        return [m for m in self.messages if m.case_code == case_code]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


BACKENDS = ("log", "memory", "http")
# One outbox per process, so that whoever selected ``memory`` can read what was sent.
OUTBOX = MemoryNotifier()
_LOG = LogNotifier()


def backend_named(name: str) -> Notifier:
    if name == "log":
        return _LOG
    if name == "memory":
        return OUTBOX
    raise ValueError(f"未知的通知方式：{name}（可选：{'、'.join(BACKENDS)}）")
