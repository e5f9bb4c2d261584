"""Sending what zhili tells citizens: the configured backend, and delivery that never fails the caller.

What a message says, and when it is sent, belongs to the domain that sends it (the 回访 link:
``zhili.cases.tracking.visit_link``).
"""

from __future__ import annotations

import logging
from typing import Any

from zhili.notifications.backends import Notifier, backend_named

log = logging.getLogger("zhili.notifications")

DEFAULT_NOTIFIER = "log"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def public_base_url(settings: Any) -> str:
    return str(getattr(settings, "public_base_url", "") or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def notifier_for(settings: Any) -> Notifier:
    """The backend chosen by ``ZHILI_NOTIFIER`` (log by default)."""
    return backend_named(str(getattr(settings, "notifier", "") or DEFAULT_NOTIFIER))


def deliver(notifier: Notifier, number: str, text: str, case_code: str) -> bool:
    """Send; a failure is logged (without the number) and never raised."""
    try:
        notifier.send_sms(number, text, case_code=case_code)
    except Exception as exc:
        # The exception text of a gateway may echo the number: log its type only.
        log.warning("诉求 %s 的短信发送失败：%s", case_code, type(exc).__name__)
        return False
    return True
