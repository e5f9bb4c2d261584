"""How ``zhili serve`` runs uvicorn, and how each of its workers ties its life to the parent's.

With ``--workers N`` uvicorn's parent binds the port (``SO_REUSEADDR``) and spawns N workers that
share it. If the parent is killed (``kill -9``), nothing tells the workers: they would keep serving
as orphans and hold the port, so a restart failed with "address already in use". Each worker
therefore asks Linux for a parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGTERM)``), or on other
systems watches its parent's pid, and shuts down gracefully when the parent is gone. Workers answer
uvicorn's health check from a thread while they start; ``ZHILI_SERVE_WORKER_HEALTHCHECK_SECONDS``
gives a slow start on a loaded machine time before the parent replaces a worker.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhili.settings import Settings

PARENT_ENV = "ZHILI_SERVE_PARENT_PID"
METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"
PR_SET_PDEATHSIG = 1
GRACEFUL_SHUTDOWN_SECONDS = 10
WATCH_SECONDS = 1.0


def _die_with_parent(parent: int) -> None:
    """SIGTERM this worker when ``parent`` exits; exit now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    else:  # pragma: no cover - other systems: a watcher thread

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(WATCH_SECONDS)
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch, name="zhili-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(0)


def tie_to_parent() -> None:
    """In a worker of ``zhili serve --workers N``: end with the parent, and retire its metric files."""
    parent = os.environ.get(PARENT_ENV)
    if not parent or int(parent) == os.getpid():
        return  # a single-process server (or a test's app) has no parent to follow
    _die_with_parent(int(parent))
    if os.environ.get(METRICS_ENV):
        from prometheus_client import multiprocess

        atexit.register(multiprocess.mark_process_dead, os.getpid())


def metrics_dir(settings: Settings, port: int) -> Path:
    """A fresh folder for the workers' shared metric files (prometheus-client's multiprocess mode)."""
    folder = Path(os.environ.get(METRICS_ENV) or settings.data_dir / f"metrics-{port}").resolve()
    if folder.is_dir():
        shutil.rmtree(folder)  # left by an earlier run; its counts would be added to this run's
    folder.mkdir(parents=True)
    return folder


def serve(settings: Settings, *, host: str, port: int, workers: int, reload: bool, access_log: bool) -> None:
    import uvicorn

    if workers > 1:
        os.environ[PARENT_ENV] = str(os.getpid())
    # The workers build their settings from the environment: carry --no-access-log to them.
    os.environ["ZHILI_ACCESS_LOG"] = "true" if access_log else "false"
    if workers > 1 or os.environ.get(METRICS_ENV):
        os.environ[METRICS_ENV] = str(metrics_dir(settings, port))
    uvicorn.run(
        "zhili.app:create_worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        access_log=access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_worker_healthcheck=settings.serve_worker_healthcheck_seconds,
        # zhili configures logging itself (ZHILI_LOG_FORMAT/LEVEL), uvicorn's access log included,
        # and believes X-Forwarded-For only from ZHILI_TRUSTED_PROXIES (in the app, not in uvicorn).
        log_config=None,
        proxy_headers=False,
    )
