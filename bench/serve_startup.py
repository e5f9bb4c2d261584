"""Start-up of ``zhili serve --workers 2``: seconds until both workers are up, and how many workers
uvicorn's health check killed on the way; then ``kill -9`` of the parent and whether workers remain.

Compares source trees in the same run, alternating, because the machine's load moves the absolute
numbers (2 shared cores). ``--tree before=/tmp/zhili-before/src`` for an older checkout made with
``git archive <commit> src | tar -x -C /tmp/zhili-before``; the default is this worktree's ``src``.

    .venv/bin/python bench/serve_startup.py --rounds 3 --tree before=/tmp/zhili-before/src

Per start it prints: wall seconds to two "Application startup complete", the CPU seconds of one
``create_app()`` in a fresh interpreter (import and build, load-independent), workers replaced by the
health check, and workers still alive 10 s after ``kill -9`` of the parent. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "src"
READY = "Application startup complete"
KILLED = ("died", "was not ready", "Terminated child")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def env_for(src: str, data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": src,
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_DATA_DIR": str(data),
        "ZHILI_SECRET_KEY": "bench-startup-" + "x" * 32,
        "ZHILI_SWEEP_INTERVAL_MINUTES": "0",
        "ZHILI_ANALYTICS_SYNC_MINUTES": "0",
    }


def app_cpu_seconds(src: str, data: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-c", "from zhili.app import create_app; create_app()"],
        env=env_for(src, data),
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


def alive(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def one_start(src: str, data: Path, timeout: float) -> tuple[float | None, int, int]:
    port = free_port()
    log = data / f"serve-{port}.log"
    with open(log, "wb") as out:
        parent = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zhili.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                "2",
                "--no-access-log",
            ],
            env=env_for(src, data),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    started = time.monotonic()
    took = None
    while time.monotonic() - started < timeout:
        if log.read_text(errors="replace").count(READY) >= 2:
            took = time.monotonic() - started
            break
        time.sleep(0.1)
    workers = children(parent.pid) if parent.poll() is None else set()
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    time.sleep(10)
    left = [w for w in workers if alive(w)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    text = log.read_text(errors="replace")
    return took, sum(text.count(k) for k in KILLED), len(left)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--tree", action="append", default=[], help="name=path/to/src (repeatable)")
    args = parser.parse_args()
    trees = dict(t.split("=", 1) for t in args.tree)
    trees.setdefault("this", str(HERE))
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            for name, src in trees.items():
                data = Path(tmp) / f"{name}-{round_}"
                data.mkdir()
                cpu = app_cpu_seconds(src, data)
                took, killed, left = one_start(src, data, args.timeout)
                shown = f"{took:.1f} s" if took is not None else f"not up in {args.timeout:.0f} s"
                print(
                    f"round {round_} {name:>8}: two workers up {shown}; create_app CPU {cpu:.2f} s; "
                    f"health-check replacements {killed}; workers alive after kill -9 of the parent {left}"
                )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
