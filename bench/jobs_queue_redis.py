"""The same measurement as ``bench/jobs_queue.py``, on Dramatiq over Redis: the alternative not chosen.

Dramatiq is not a dependency of zhili; install it beside the project's environment to run this:

    python -m venv /tmp/bench-dramatiq && /tmp/bench-dramatiq/bin/pip install "dramatiq[redis]==2.2.1"
    PYTHONPATH=src:.venv/lib/python3.11/site-packages /tmp/bench-dramatiq/bin/python bench/jobs_queue_redis.py

Each job runs zhili's ``probe`` with 0 s (a ``SELECT 1`` in its own session on PostgreSQL), as in
``bench/jobs_queue.py``; messages go through the Redis at 127.0.0.1:6379 under a namespace of their
own, deleted afterwards. Prints the time to send the jobs one by one, the time for an in-process
worker with 1 and 4 threads to run them, and the latency from send to start of single jobs.
Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from zhili.db import Database
from zhili.jobs.probe import probe
from zhili.settings import Settings

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--latency", type=int, default=50)
    args = parser.parse_args()
    broker = RedisBroker(url=args.redis, namespace=f"zhili-bench-{os.getpid()}")
    dramatiq.set_broker(broker)
    db = Database(args.pg)
    settings = Settings(environment="test")
    done = threading.Semaphore(0)
    started_at: dict[int, float] = {}

    @dramatiq.actor(queue_name="bench", max_retries=0)
    def run_probe(number: int) -> None:
        started_at[number] = time.perf_counter()
        probe(db, settings, 0)
        done.release()

    try:
        for threads in args.threads:
            started = time.perf_counter()
            for number in range(args.jobs):
                run_probe.send(number)
            sent = time.perf_counter() - started
            worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)
            started = time.perf_counter()
            worker.start()
            for _ in range(args.jobs):
                done.acquire()
            ran = time.perf_counter() - started
            worker.stop()
            print(
                f"{args.jobs} jobs, {threads} at a time: send {sent:.2f} s ({args.jobs / sent:,.0f}/s), "
                f"run {ran:.2f} s ({args.jobs / ran:,.0f}/s)"
            )
        worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
        worker.start()
        time.sleep(1.0)
        found = []
        for number in range(-args.latency, 0):
            sent_at = time.perf_counter()
            run_probe.send(number)
            done.acquire()
            found.append(started_at[number] - sent_at)
        worker.stop()
        found.sort()
        median, p95 = statistics.median(found) * 1000, found[max(0, round(0.95 * len(found)) - 1)] * 1000
        print(f"send → start on an idle worker, {len(found)} jobs: median {median:.0f} ms, p95 {p95:.0f} ms")
    finally:
        broker.flush_all()
        broker.close()
        db.dispose()


if __name__ == "__main__":
    main()
