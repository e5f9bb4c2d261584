"""Issue 16 #2 and #15 against a real ``zhili serve`` on SQLite: what an attacker's wrong passwords
cost the real user, whether X-Forwarded-For from 127.0.0.1 changes the client address, and whether
the 回访 SMS leaves (in the log with the log backend; at a local HTTP gateway with the http backend).

    PYTHONPATH=src .venv/bin/python bench/ops_core.py            # this tree
    PYTHONPATH=/tmp/zhili-main/src .venv/bin/python bench/ops_core.py   # another tree, for "before"

The script prints one line per figure. It sleeps out the real user's wait, so it takes about a minute.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

CASE = {
    "demand_type": "投诉",
    "urgency": "一般",
    "category": "020201",
    "channel": "电话",
    "title": "小区楼下广场舞噪音扰民",
    "description": "每天晚上九点后广场舞音响声音很大，影响老人孩子休息。",
    "citizen": {"name": "张三", "phone": "13812341234"},
    "lat": 39.9966,
    "lng": 116.4706,
    "address": "北京市朝阳区望京街道望京西园三区",
}
ATTACKS = 10
ADMIN_PASSWORD = "Bench-admin-2026"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup(data_dir: Path) -> dict[str, str]:
    """Migrate, seed, and give the demo staff API keys (and the admin a known password)."""
    os.environ["ZHILI_DATA_DIR"] = str(data_dir)
    from sqlalchemy import update

    from zhili.auth import passwords, service
    from zhili.auth.models import User
    from zhili.bootstrap import initialise
    from zhili.db import Database
    from zhili.settings import Settings

    database = Database(Settings().resolved_database_url)
    initialise(database, demo=True)
    keys = {}
    with database.session() as session:
        session.execute(update(User).values(must_change_password=False))
        admin_hash = passwords.hash_password(ADMIN_PASSWORD)
        session.execute(update(User).where(User.username == "admin").values(password_hash=admin_hash))
        for username in ("operator", "dispatcher", "wangjing"):
            user = session.query(User).filter_by(username=username).one()
            keys[username] = service.issue_api_key(session, user, "bench", actor="bench")[1]
    database.dispose()
    return keys


def _serve(data_dir: Path, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    full_env = {**os.environ, "ZHILI_DATA_DIR": str(data_dir), "ZHILI_SWEEP_INTERVAL_MINUTES": "0",
                "ZHILI_ANALYTICS_SYNC_MINUTES": "0", **env}  # fmt: skip
    command = [sys.executable, "-m", "zhili.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=full_env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def lockout(base: str) -> None:
    def login(password: str, forwarded: str | None = None, username: str = "admin") -> httpx.Response:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        body = {"username": username, "password": password}
        return httpx.post(f"{base}/api/auth/login", json=body, headers=headers, timeout=10)

    statuses = [login(f"wrong-guess-{n}").status_code for n in range(ATTACKS)]
    counts = f"{statuses.count(401)}×401, {statuses.count(429)}×429"
    print(f"lockout: {ATTACKS} wrong passwords for admin → {counts}")
    first = login(ADMIN_PASSWORD)
    wait = int(first.headers.get("Retry-After", "0"))
    print(f"lockout: the real admin right after → {first.status_code}, Retry-After {wait} s")
    if first.status_code == 429 and "Retry-After" not in first.headers:
        print(f"lockout: the real admin is refused: {first.json()['error']['message']}")
    elif first.status_code == 429 and wait <= 120:
        time.sleep(wait + 0.5)
        second = login(ADMIN_PASSWORD)
        print(f"lockout: the real admin after waiting {wait} s → {second.status_code}")
    elif first.status_code == 429:
        print(f"lockout: the real admin is locked out for {wait} s ({wait // 60} min)")
    spoofed = [
        login("wrong-x", forwarded=f"192.0.2.{n}", username=f"nobody{n}").status_code for n in range(1, 61)
    ]
    print(
        "x-forwarded-for: 60 wrong passwords (60 accounts) from 127.0.0.1, each with another "
        f"X-Forwarded-For → {spoofed.count(401)}×401, {spoofed.count(429)}×429"
    )


def sms(base: str, keys: dict[str, str]) -> str:
    def call(who: str, path: str, body: dict[str, Any]) -> httpx.Response:
        response = httpx.post(f"{base}{path}", json=body, headers={"X-API-Key": keys[who]}, timeout=30)
        response.raise_for_status()
        return response

    code = str(call("operator", "/api/cases", CASE).json()["code"])
    call("dispatcher", f"/api/cases/{code}/dispatch", {"lead_unit": "S110105026"})
    for action in ("sign", "contact"):
        call("wangjing", f"/api/cases/{code}/{action}", {})
    call("wangjing", f"/api/cases/{code}/report", {"reply": "已协调社区调整活动时间。"})
    return code


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        keys = _setup(data_dir)
        port = _port()
        log = data_dir / "server.log"
        server = _serve(data_dir, port, {"ZHILI_NOTIFIER": "log"}, log)
        base = f"http://127.0.0.1:{port}"
        try:
            code = sms(base, keys)
            time.sleep(3)  # the in-process deliverer runs after the commit
            lockout(base)
        finally:
            server.terminate()
            server.wait(timeout=30)
        text = log.read_text(encoding="utf-8", errors="replace")
        lines = [line for line in text.splitlines() if code in line and "短信" in line and "→" in line]
        print(f"sms (ZHILI_NOTIFIER=log): lines in the server log for the 回访 SMS of {code}: {len(lines)}")
        print(f"sms: full phone number in the server log: {'13812341234' in text}")
        tagged = sum(1 for line in text.splitlines() if " [" in line and "] " in line)
        print(f"sms: server log lines with a request id: {tagged}")


if __name__ == "__main__":
    main()
