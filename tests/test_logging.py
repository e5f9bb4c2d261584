"""Issue 16 #2 and issue 18: logging is configured (text or JSON), every line of a request carries its
X-Request-ID, uvicorn's access log goes through the same handler, and no phone, ID number or 回访
token reaches a log — even when a message tries to write one."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from support.cases import WANGJING, act, intake, staff
from support.threaded_server import serving
from zhili.db import Database
from zhili.kernel.logs import HANDLER_NAME, configure_logging, mask_personal_data
from zhili.notifications.backends import LogNotifier
from zhili.notifications.service import deliver_pending
from zhili.settings import Settings

PHONE = "13812341234"
ID_NUMBER = "110105199001011234"


@pytest.fixture
def log_lines(settings: Settings) -> Iterator[io.StringIO]:
    """zhili's logging, in JSON at DEBUG, written to a buffer; the root logger is restored afterwards."""
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = configure_logging(
        settings.model_copy(update={"log_format": "json", "log_level": "DEBUG"}), stream
    )
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_an_intake_with_a_phone_leaves_no_personal_data_in_the_logs(
    app: Any, session: Session, db: Database, log_lines: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    s = staff(app, session)
    s.operator.headers["X-Request-ID"] = "intake-req-1"
    with caplog.at_level(logging.DEBUG):
        code = intake(s.operator)  # the citizen 张三 with a mobile and an ID number
        act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
        act(s.street, code, "sign")
        act(s.street, code, "contact")
        act(s.street, code, "report", reply="已处理。")
        assert deliver_pending(db, app.state.settings, LogNotifier()) >= 1  # the log backend logs the SMS
    records = _records(log_lines)
    text = log_lines.getvalue()
    for secret in (PHONE, ID_NUMBER, "张三", "望京西园"):
        assert secret not in text
        assert secret not in caplog.text  # not even before the filter: nothing logged it
    intake_lines = [r for r in records if r["logger"] == "zhili.cases" and code in r["message"]]
    assert intake_lines and {r["request_id"] for r in intake_lines} == {"intake-req-1"}
    [sms] = [r for r in records if r["logger"] == "zhili.notifications" and "短信 →" in r["message"]]
    assert "138****1234" in sms["message"] and f"/portal/visit/{code}/***" in sms["message"]


def test_the_filter_masks_what_a_careless_message_would_write(log_lines: io.StringIO) -> None:
    token = "AbCdEfGhIjKlMnOpQrStUvWx"
    logging.getLogger("zhili.test").warning(
        "市民 %s 身份证 %s 座机 010-65001234 链接 /portal/visit/BJ1/%s 旧链接 /visit/BJ1?token=%s",
        PHONE,
        ID_NUMBER,
        token,
        token,
    )
    [record] = [r for r in _records(log_lines) if r["logger"] == "zhili.test"]
    message = record["message"]
    assert "138****1234" in message and "110105********1234" in message and "010****1234" in message
    for secret in (PHONE, ID_NUMBER, "65001234", token):
        assert secret not in message
    assert record["level"] == "WARNING" and record["request_id"] == "-"


def test_text_format_and_level_come_from_the_settings(settings: Settings) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(
        settings.model_copy(update={"log_format": "text", "log_level": "WARNING"}), stream
    )
    try:
        logging.getLogger("zhili.test").info("not written")
        logging.getLogger("zhili.test").warning("written %s", PHONE)
        assert [h for h in root.handlers if h.get_name() == HANDLER_NAME] == [handler]  # one, however often
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert "not written" not in stream.getvalue()
    assert "WARNING zhili.test [-] written 138****1234" in stream.getvalue()


def test_no_access_log_means_none(settings: Settings) -> None:
    """``zhili serve --no-access-log`` (ZHILI_ACCESS_LOG=false in every worker) writes no access line."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(settings.model_copy(update={"access_log": False}), stream)
    try:
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1", "GET", "/", "1.1", 200
        )
        logging.getLogger("zhili.test").warning("still written")
    finally:
        logging.getLogger("uvicorn.access").disabled = False  # back on, as every other test expects
        root.removeHandler(handler)
        root.setLevel(level)
    assert "GET /" not in stream.getvalue() and "still written" in stream.getvalue()


def test_mask_leaves_codes_and_times_alone() -> None:
    line = "诉求 BJ20261206000123 于 2026-12-06 17:00:00 派单至 C110105，耗时 12345 ms"
    assert mask_personal_data(line) == line


def test_uvicorns_access_log_goes_through_the_same_handler(app: Any, log_lines: io.StringIO) -> None:
    """A real server, started as ``zhili serve`` starts it (log_config=None, no proxy headers)."""
    token = "AbCdEfGhIjKlMnOpQrStUvWx"
    config = {"log_config": None, "log_level": None, "proxy_headers": False, "lifespan": "off"}
    with serving(app, **config) as base:
        health = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "probe-42"})
        assert health.headers["X-Request-ID"] == "probe-42"
        made_up = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "bad id\twith\ttabs"})
        assert (
            made_up.headers["X-Request-ID"] != "bad id\twith\ttabs"
            and len(made_up.headers["X-Request-ID"]) == 32
        )
        httpx.get(f"{base}/portal/visit/BJ20990101000001/{token}", headers={"X-Request-ID": "visit-1"})
        httpx.get(f"{base}/api/track/BJ1/visit", params={"token": token}, headers={"X-Request-ID": "visit-2"})
    access = {r["request_id"]: r for r in _records(log_lines) if r["logger"] == "uvicorn.access"}
    assert access["probe-42"]["path"] == "/healthz" and access["probe-42"]["status_code"] == "200"
    assert access["visit-1"]["path"] == "/portal/visit/BJ20990101000001/***"
    assert access["visit-2"]["path"] == "/api/track/BJ1/visit?token=***"
    assert token not in log_lines.getvalue()


def test_the_cli_configures_logging(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from pythonjsonlogger.json import JsonFormatter
    from typer.testing import CliRunner

    from zhili.cli import app as cli
    from zhili.settings import get_settings

    monkeypatch.setenv("ZHILI_LOG_FORMAT", "json")
    monkeypatch.setenv("ZHILI_DATA_DIR", str(tmp_path))
    root = logging.getLogger()
    level = root.level
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["keys", "new-data-key"])
        assert result.exit_code == 0, result.output
        [handler] = [h for h in root.handlers if h.get_name() == HANDLER_NAME]
        assert isinstance(handler.formatter, JsonFormatter)
        assert any(
            isinstance(f, logging.Filter) and type(f).__name__ == "PersonalDataFilter"
            for f in handler.filters
        )
    finally:
        for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
            root.removeHandler(handler)
        root.setLevel(level)
        get_settings.cache_clear()


def test_libraries_narrating_routine_work_speak_only_at_warning(settings: Settings) -> None:
    """alembic's plugin lines on every migration check (each /readyz, each CLI command) and httpx's
    request lines buried `zhili doctor`'s ✓/✗ list; ZHILI_LOG_LEVEL=DEBUG still shows them."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    configure_logging(settings.model_copy(update={"log_level": "INFO"}), stream)
    try:
        logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
        logging.getLogger("httpx").info("HTTP Request: GET https://doctor.invalid/docs")
        logging.getLogger("alembic.runtime.migration").warning("a real problem")
        configure_logging(settings.model_copy(update={"log_level": "DEBUG"}), stream)
        logging.getLogger("httpx").info("shown when debugging")
    finally:
        configure_logging(settings, stream)
        for existing in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
            root.removeHandler(existing)
        root.setLevel(level)
    assert "Context impl" not in stream.getvalue() and "doctor.invalid" not in stream.getvalue()
    assert "a real problem" in stream.getvalue() and "shown when debugging" in stream.getvalue()
