"""The peer of ``bench/intake.py --peer helpdesk``: django-helpdesk's ticket creation, same run.

django-helpdesk (a Django ticket tracker) is installed in a virtualenv of its own under /tmp, never
in zhili's dependencies: ``bench/peers/helpdesk/`` holds a minimal Django project around it. Its
REST API creates a ticket (``POST /api/tickets/``: DRF token authentication, helpdesk's
``TicketForm``, the ticket and its first follow-up, mail to a dummy backend). It is served by
uvicorn with the same number of workers, on the same database backend (a SQLite file, or its own
PostgreSQL schema), warmed up, and driven with the same load generator, connections, duration and
demand texts as zhili's intake.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from intake import free_port, measured, stop, wait_until_up
from load_python import Result, timed

PEER_DIR = Path(__file__).resolve().parent / "peers" / "helpdesk"
PIN = "django-helpdesk[teams]==2.6.1"
EXTRA = ["uvicorn==0.55.0", "psycopg[binary]==3.3.9"]
SCHEMA = "zhili_bench_peer"


def peer_python() -> Path:
    """The peer's virtualenv (``ZHILI_PEER_VENV``, default /tmp/zhili-peer-helpdesk), made once."""
    venv = Path(os.environ.get("ZHILI_PEER_VENV", "/tmp/zhili-peer-helpdesk"))
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"installing {PIN} into {venv} (once)")
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PIN, *EXTRA], check=True)
    return python


def peer_env(folder: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(PEER_DIR), "DJANGO_SETTINGS_MODULE": "peer_site.settings"}
    if database_url:
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        engine.dispose()
        url = engine.url
        env.update(
            PEER_PG_DSN="1",
            PEER_PG_SCHEMA=SCHEMA,
            PEER_PG_NAME=str(url.database),
            PEER_PG_USER=str(url.username),
            PEER_PG_HOST=str(url.host),
            PEER_PG_PORT=str(url.port or 5432),
        )
    else:
        env["PEER_SQLITE"] = str(folder / "helpdesk.sqlite3")
    return env


def drop_peer_schema(database_url: str | None) -> None:
    if database_url:
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()


def ticket_bodies(bodies: list[dict[str, object]], queue: int) -> list[str]:
    """zhili's demand texts as tickets, ``__TAG__`` after the title as in ``intake.tagged``."""
    return [
        json.dumps(
            {
                "queue": queue,
                "title": f"{body['title']} __TAG__",
                "description": body["description"],
                "submitter_email": "citizen@example.com",
                "priority": 3,
            },
            ensure_ascii=False,
        )
        for body in bodies
    ]


def drive(base: str, args: argparse.Namespace, name: str, token: str | None, templates: list[str]) -> Result:
    """The Python load generator of ``bench/intake.py`` (same connections and duration)."""
    host, port = base.removeprefix("http://").split(":")
    counter = [0]

    def make_post(_n: int) -> bytes:
        counter[0] += 1
        body = templates[counter[0] % len(templates)].replace("__TAG__", str(counter[0])).encode()
        head = (
            f"POST /api/tickets/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Authorization: Token {token}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    health = f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()

    return timed(host, int(port), make_post if token else (lambda _n: health), args, name)


def run_helpdesk(
    args: argparse.Namespace, bodies: list[dict[str, object]], folder: Path, database_url: str | None
) -> tuple[Result, Result]:
    """(GET /healthz, POST /api/tickets/) of django-helpdesk, measured like zhili's endpoints."""
    python = peer_python()
    env = peer_env(folder, database_url)
    try:
        prepared = subprocess.run(
            [str(python), str(PEER_DIR / "peer_site" / "prepare.py")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        token, queue = prepared.stdout.split()[-2:]
        port = free_port()
        serve = ["-m", "uvicorn", "peer_site.asgi:application", "--app-dir", str(PEER_DIR)]
        serve += ["--port", str(port), "--workers", str(args.workers), "--no-access-log"]
        server = subprocess.Popen(
            [str(python), *serve], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server)
            templates = ticket_bodies(bodies, int(queue))
            for i in range(20):  # warm-up, as for zhili
                request = urllib.request.Request(
                    f"{base}/api/tickets/",
                    data=templates[i % len(templates)].replace("__TAG__", f"w{i}").encode(),
                    method="POST",
                    headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
                )
                with urllib.request.urlopen(request, timeout=30) as response:
                    assert response.status == 201, response.status
            health = measured(server, lambda: drive(base, args, "helpdesk GET /healthz", None, []))
            create = measured(server, lambda: drive(base, args, "helpdesk POST ticket", token, templates))
        finally:
            stop(server)
    finally:
        drop_peer_schema(database_url)
    return health, create


if __name__ == "__main__":
    sys.exit("run it through bench/intake.py --peer helpdesk")
