"""Shared browser-test fixtures: Debian's Chromium driven by Playwright against a real uvicorn server.

* ``live_server`` (per module): the app served by uvicorn on a free port over ``committed_database``,
  with staff accounts for every workbench (``ACCOUNTS``). One backend only (SQLite by default; set
  ``ZHILI_BROWSER_BACKEND=postgresql`` for PostgreSQL): the TestClient suites cover both.
* ``browser`` (per session): ``/usr/bin/chromium`` (``ZHILI_CHROMIUM`` overrides). Never downloads a
  browser; skipped when Chromium or Playwright is missing, a failure under ``CI=true``.
* ``page_as(role, width=1920)``: a fresh browser context signed in as ``role`` (``None`` for an
  anonymous citizen). Every page it opens is watched: at teardown the test fails if any request
  went to a host other than the server, or if a script raised an error.
* ``shot(page, name)``: a full-page screenshot saved to ``artifacts/screenshots/<name>.png``
  (``ZHILI_SCREENSHOT_DIR`` overrides; the folder is git-ignored and kept as a CI artifact).
* ``fits(page)``: the page has no horizontal overflow at its viewport width.
* ``api(page, method, path, body)``: a JSON API call with the page's cookies and CSRF token, for
  setting up a case quickly when the test is about a later step.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from support.accounts import PASSWORD
from support.cases import STAFF
from support.threaded_server import serving
from zhili.app import create_app
from zhili.auth import service as auth_service
from zhili.auth.models import Role
from zhili.db import Database
from zhili.settings import Settings

playwright_api = pytest.importorskip("playwright.sync_api")

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("ZHILI_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOT_DIR = Path(os.environ.get("ZHILI_SCREENSHOT_DIR", REPO / "artifacts" / "screenshots"))
IN_CI = os.environ.get("CI", "").lower() == "true"
PHONE = 360
DESKTOP = 1920
# role name → (username, role, unit code); the staff of tests/support/cases.py plus an admin.
ACCOUNTS: dict[str, tuple[str, Role, str | None]] = {
    **STAFF,
    "admin": ("admin_b", Role.admin, None),
    # 人民建议征集's reviewer: an officer of 朝阳区信访办公室, where the office sits.
    "suggestion_reviewer": ("jy_reviewer_b", Role.petition_officer, "D110105-petitions"),
}


@pytest.fixture(scope="session")
def backend() -> str:
    """Browser tests run on one backend (overrides the parametrised fixture of tests/conftest.py)."""
    return os.environ.get("ZHILI_BROWSER_BACKEND", "sqlite")


@dataclass
class LiveServer:
    url: str
    database: Database
    settings: Settings
    host: str = field(init=False)

    def __post_init__(self) -> None:
        self.host = urlsplit(self.url).netloc


def _ensure_accounts(database: Database) -> None:
    from sqlalchemy import select

    from zhili.auth.models import User

    with database.session() as s:
        for username, role, unit in ACCOUNTS.values():
            if s.execute(select(User.id).where(User.username == username)).first() is None:
                auth_service.create_user(s, username=username, role=role, unit_code=unit, password=PASSWORD)


@pytest.fixture(scope="module")
def live_server(
    committed_database: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    _ensure_accounts(committed_database)
    settings = Settings(
        environment="test",
        data_dir=tmp_path_factory.mktemp("live-data"),
        secret_key="browser-test-secret-" + "x" * 32,
        notifier="memory",
    )
    with serving(create_app(settings, database=committed_database)) as base:
        yield LiveServer(base, committed_database, settings)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Per module, not per session: Playwright's sync API keeps its event loop marked as running in
    # this thread until it stops, and every later test of the worker that runs a loop of its own
    # (asyncio.run in `zhili doctor`, the anyio tests) would fail.
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (scripts/install installs Debian's chromium when run as root)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with playwright_api.sync_playwright() as pw:
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def signed_in(browser: Any, live_server: LiveServer) -> Callable[[str], dict[str, Any]]:
    """Storage state (the session cookie) per role, signed in once through the login form."""
    states: dict[str, dict[str, Any]] = {}

    def state(role: str) -> dict[str, Any]:
        if role not in states:
            context = browser.new_context(base_url=live_server.url)
            page = context.new_page()
            page.goto("/login")
            page.fill("input[name=username]", ACCOUNTS[role][0])
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")
            page.wait_for_url(lambda url: "/login" not in url)
            states[role] = context.storage_state()
            context.close()
        return states[role]

    return state


@dataclass
class Watch:
    """What a watched page did that a test must not allow."""

    server_host: str
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.server_host:
            self.external.append(request.url)


@pytest.fixture
def page_as(
    browser: Any, live_server: LiveServer, signed_in: Callable[[str], dict[str, Any]]
) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []
    watch = Watch(live_server.host)

    def open_page(role: str | None, width: int = DESKTOP, height: int | None = None) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height or (780 if width <= PHONE else 1080)},
            storage_state=signed_in(role) if role else None,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        # Generous: a loaded 2-core machine answers the first geocoding or suggestion slowly. It
        # bounds how long a step may take before the test fails, it does not measure speed.
        context.set_default_timeout(30_000)
        context.on("request", watch.on_request)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not watch.external, f"requests left the server: {watch.external}"
    assert not watch.errors, f"script errors: {watch.errors}"


SCREENSHOTS: list[Path] = []


def shot(page: Any, name: str, full_page: bool = True) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    SCREENSHOTS.append(path)
    return path


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def api(page: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    token = page.evaluate("document.querySelector('meta[name=csrf-token]').content")
    response = page.request.fetch(
        path, method=method, data=body, headers={"X-CSRF-Token": token, "Accept": "application/json"}
    )
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json()


def triaged(page: Any, code: str, *, attempts: int = 200) -> None:
    """Wait until the demand ``code`` taken in through the JSON API has been triaged: the API answers
    its 201 before triage, which follows the answer (``zhili.triage.pending``)."""
    for _ in range(attempts):
        if page.request.get(f"/api/cases/{code}/recommendation").ok:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{code} was not triaged")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOTS:
        terminalreporter.write_line(f"{len(SCREENSHOTS)} screenshots in {SCREENSHOT_DIR}")
