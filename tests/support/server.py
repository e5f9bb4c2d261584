"""A real ``zhili serve`` in a child process, for tests of what only a real server shows (locks
between requests, workers, signals): a free port, the environment it runs with, and waiting for it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

import zhili

SOURCE = str(Path(zhili.__file__).resolve().parents[1])
START_TIMEOUT_S = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a test server: this worktree's zhili, no background jobs, test settings."""
    path = os.environ.get("PYTHONPATH", "")
    env = {
        **os.environ,
        "PYTHONPATH": SOURCE + (os.pathsep + path if path else ""),
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_DATABASE_URL": database_url,
        "ZHILI_DATA_DIR": str(data_dir),
        "ZHILI_SECRET_KEY": "server-test-" + "x" * 32,
        "ZHILI_SWEEP_INTERVAL_MINUTES": "0",
        "ZHILI_ANALYTICS_SYNC_MINUTES": "0",
    }
    env.update({f"ZHILI_{k.upper()}": v for k, v in settings.items()})
    return env


def start(env: dict[str, str], port: int, *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    """``python -m zhili.cli serve --port PORT *args``; its output goes to ``log`` (or nowhere)."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
    return subprocess.Popen(
        [sys.executable, "-m", "zhili.cli", "serve", "--port", str(port), "--no-access-log", *args],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def answers(base: str, path: str = "/healthz") -> int | None:
    """The status ``base + path`` answers, or None when nothing answers."""
    try:
        return httpx.get(base + path, timeout=2).status_code
    except httpx.HTTPError:
        return None


def wait_healthy(process: subprocess.Popen[bytes], base: str, timeout: float = START_TIMEOUT_S) -> float:
    """Seconds until ``/healthz`` answers 200; fails if the server exits or never answers."""
    started = time.monotonic()
    while answers(base) != 200:
        if process.poll() is not None:
            raise RuntimeError(f"zhili serve exited with {process.returncode}")
        if time.monotonic() - started > timeout:
            raise RuntimeError("zhili serve did not answer /healthz in time")
        time.sleep(0.1)
    return time.monotonic() - started


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
