"""Logging for ``zhili serve`` and the CLI: one handler on the root logger, text or JSON lines.

Every line carries the request id of the request it belongs to (``request_id``, set by
``zhili.request_id``). Personal data is never meant to reach a log, and ``PersonalDataFilter`` is the
last line of defence: it masks mobile numbers, landlines and ID numbers in every message, and the
tokens of 回访 links in logged paths, before any handler writes it. Uvicorn's access log goes through
the same handler (``zhili serve`` starts uvicorn with ``log_config=None``).
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from zhili.kernel.masking import ID_NUMBER, MOBILE, mask_id_number, mask_phone

request_id_var: ContextVar[str] = ContextVar("zhili_request_id", default="-")

LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}-?[0-9]{7,8}(?![0-9])")
# 回访 tokens in a logged path or query string (old links): /portal/visit/<code>/<token>,
# /api/track/<code>/visit/<token>, token=<token>.
VISIT_PATH = re.compile(r"(/portal/visit/[^/\s?\"]+/|/track/[^/\s?\"]+/visit/)[^/\s?\"]+")
TOKEN_QUERY = re.compile(r"((?:^|[?&])token=)[^&\s\"]+")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
ACCESS_FIELDS = ("client_addr", "method", "path", "http_version", "status_code")
HANDLER_NAME = "zhili"
CHATTY_LIBRARIES = ("alembic", "httpx", "httpcore")


def mask_personal_data(text: str) -> str:
    """Mask phones and ID numbers, and hide 回访 tokens, anywhere in ``text``."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)) or "", text)
    text = MOBILE.sub(lambda m: mask_phone(m.group(0)) or "", text)
    text = LANDLINE.sub(lambda m: mask_phone(m.group(0)) or "", text)
    text = VISIT_PATH.sub(r"\1***", text)
    return TOKEN_QUERY.sub(r"\1***", text)


class PersonalDataFilter(logging.Filter):
    """Adds the request id, and rewrites the message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            for name, value in zip(ACCESS_FIELDS, record.args, strict=True):
                setattr(record, name, mask_personal_data(str(value)))
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep the template only
            message = str(record.msg)
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Exception texts (a database error quoting its parameters) may carry personal data.
            record.exc_text = mask_personal_data(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def formatter_for(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            JSON_FIELDS, rename_fields={"levelname": "level", "name": "logger"}, json_ensure_ascii=False
        )
    return logging.Formatter(TEXT_FORMAT)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Writes to whatever ``sys.stderr`` is at the time (a CLI test runner swaps it)."""

    @property  # type: ignore[override,unused-ignore]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(settings: Any, stream: Any = None) -> logging.Handler:
    """Install zhili's handler on the root logger (replacing an earlier one): idempotent."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == HANDLER_NAME:
            root.removeHandler(existing)
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter_for(getattr(settings, "log_format", "text")))
    handler.addFilter(PersonalDataFilter())
    root.addHandler(handler)
    root.setLevel(getattr(settings, "log_level", "INFO"))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()  # uvicorn's own handlers and level, if it configured any:
        logger.setLevel(logging.NOTSET)  # ZHILI_LOG_LEVEL on the root decides
        logger.propagate = True
    # Libraries that narrate their routine work at INFO (alembic on every migration check, so on every
    # /readyz and CLI command; httpx on every request) speak only at WARNING unless DEBUG is asked for.
    chatty_level = logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(chatty_level)
    # Uvicorn logs access lines whenever its logger reaches a handler, ours included: the switch is here.
    logging.getLogger("uvicorn.access").disabled = not getattr(settings, "access_log", True)
    return handler
