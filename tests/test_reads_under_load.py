"""Issue 16 item 12: on SQLite, GET routes that write (an audited read, the API key's ``last_used_at``)
failed under concurrency: with 6 clients filing cases, 856 answers of 500 and 480 connection resets
against 25 of 200.

A real server (uvicorn in a thread, a database file) takes intakes from six threads while six others
read person-level records (an audited read) with API keys, each first use of a key touching its
``last_used_at``. Every answer is a success, every read left its audit entry, and every key's
``last_used_at`` is set. The same runs on PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from support.cases import CASE_BODY, WANGJING
from support.threaded_server import serving
from zhili.app import create_app
from zhili.audit.models import AuditEntry
from zhili.auth import service as auth_service
from zhili.auth.models import ApiKey, Role, User
from zhili.db import Database
from zhili.settings import Settings

WRITERS, READERS = 6, 6
INTAKES_PER_WRITER, READS_PER_READER = 12, 30
KEYS_PER_READER = 10
COMMUNITY = "110105026001"  # in 望京


def _user_with_keys(database: Database, username: str, role: Role, unit: str, keys: int) -> list[str]:
    with database.session() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            user, _ = auth_service.create_user(session, username=username, role=role, unit_code=unit)
            user.must_change_password = False
        return [auth_service.issue_api_key(session, user, f"load {i}", "test")[1] for i in range(keys)]


@pytest.fixture(scope="module")
def server(committed_database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("load")
    settings = Settings(
        environment="test",
        data_dir=data_dir,
        secret_key="load-test-secret-" + "x" * 32,
        database_url=committed_database.url,
        sweep_interval_minutes=0,
        analytics_sync_minutes=0,
        audit_anchor_minutes=0,
    )
    with serving(create_app(settings)) as base:  # the server owns its engine, as `zhili serve` does
        yield base


def test_audited_reads_and_key_touches_beside_intakes_never_fail(
    server: str, committed_database: Database
) -> None:
    [operator_key] = _user_with_keys(committed_database, "load_op", Role.operator, "C11", 1)
    reader_keys = [
        _user_with_keys(committed_database, f"load_cw{i}", Role.community_worker, WANGJING, KEYS_PER_READER)
        for i in range(READERS)
    ]
    with committed_database.session(write=False) as session:
        reads_before = session.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "grid.person.read")
        ).scalar_one()
    statuses: Counter[tuple[str, int | str]] = Counter()
    lock = threading.Lock()

    def count(kind: str, outcome: int | str) -> None:
        with lock:
            statuses[(kind, outcome)] += 1

    def write(_: int) -> None:
        with httpx.Client(base_url=server, timeout=60, headers={"X-API-Key": operator_key}) as client:
            for _i in range(INTAKES_PER_WRITER):
                try:
                    count("intake", client.post("/api/cases", json=CASE_BODY).status_code)
                except httpx.HTTPError as exc:
                    count("intake", type(exc).__name__)

    def read(reader: int) -> None:
        keys = reader_keys[reader]
        with httpx.Client(base_url=server, timeout=60) as client:
            for i in range(READS_PER_READER):
                headers = {"X-API-Key": keys[i % len(keys)]}  # the first use of each key touches it
                try:
                    answer = client.get("/api/grid/people", params={"community": COMMUNITY}, headers=headers)
                    count("audited read", answer.status_code)
                except httpx.HTTPError as exc:
                    count("audited read", type(exc).__name__)

    with ThreadPoolExecutor(WRITERS + READERS) as pool:
        jobs = [pool.submit(write, i) for i in range(WRITERS)]
        jobs += [pool.submit(read, i) for i in range(READERS)]
        for job in jobs:
            job.result()

    reads = READERS * READS_PER_READER
    assert statuses == Counter({("intake", 201): WRITERS * INTAKES_PER_WRITER, ("audited read", 200): reads})
    with committed_database.session(write=False) as session:
        audited = session.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "grid.person.read")
        ).scalar_one()
    assert audited - reads_before == reads  # no read was served without its audit entry
    deadline = time.monotonic() + 10  # touches run after the answer: wait for the last ones
    while True:
        with committed_database.session(write=False) as session:
            untouched = session.execute(
                select(func.count())
                .select_from(ApiKey)
                .join(User, User.id == ApiKey.user_id)
                .where(User.username.like("load_%"), ApiKey.last_used_at.is_(None))
            ).scalar_one()
        if untouched == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert untouched == 0
