"""The SQL console's child process: one query, in its own memory, answered on stdout as JSON.

``python -m zhili.analytics.console_child`` reads one request (JSON on stdin) from
``zhili.analytics.console``, runs it in a fresh DuckDB with a small ``memory_limit`` and ``threads``,
and writes one answer (JSON on stdout). It stops reading rows at the row cap or at the byte cap,
whichever comes first, so that its answer stays small however large the result would be; the parent
kills it at its wall-clock limit. Only this module is imported here (not the web app), so the child
starts quickly and whatever DuckDB allocates dies with it.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

BATCH = 256
# Address space allowed beyond DuckDB's own memory limit: the interpreter, the library and the
# values DuckDB holds outside its buffer manager (a result chunk of long strings is one such).
HEADROOM_MB = 512
THREAD_MB = 128
MB = 1024 * 1024
PR_SET_PDEATHSIG = 1


def _connection(request: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(
        ":memory:",
        config={
            "threads": int(request["threads"]),
            "memory_limit": f"{int(request['memory_mb'])}MB",
            "max_temp_directory_size": "0B",  # never spill: a query over the limit fails instead
        },
    )
    con.execute("SET enable_progress_bar = false")
    for table, glob in request["tables"].items():
        quoted = glob.replace("'", "''")
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{quoted}', hive_partitioning = true, "
            "union_by_name = true)"
        )
    root = str(request["root"]).replace("'", "''")
    con.execute(f"SET allowed_directories = ['{root}']")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _rows(result: duckdb.DuckDBPyConnection, row_cap: int, byte_cap: int) -> tuple[list[str], str | None]:
    """The rows as JSON texts, and why they stopped early: "rows", "bytes" or None (all of them)."""
    encoded: list[str] = []
    size = 2  # the brackets around the rows
    while True:
        batch = result.fetchmany(BATCH)
        if not batch:
            return encoded, None
        for row in batch:
            if len(encoded) == row_cap:
                return encoded, "rows"
            text = json.dumps([plain(v) for v in row], ensure_ascii=False)
            size += len(text.encode()) + 1
            if size > byte_cap:
                return encoded, "bytes"
            encoded.append(text)


def answer(request: dict[str, Any]) -> str:
    """The answer's JSON text: ``{"columns", "rows", "cut"}``, or ``{"error", "kind"}``."""
    import duckdb

    try:
        con = _connection(request)
    except duckdb.Error as exc:
        return json.dumps({"error": str(exc).splitlines()[0], "kind": "setup"}, ensure_ascii=False)
    timer = threading.Timer(float(request["seconds"]), con.interrupt)
    timer.start()
    try:
        result = con.execute(request["sql"])
        columns = [d[0] for d in result.description or []]
        rows, cut = _rows(result, int(request["row_cap"]), int(request["byte_cap"]))
    except duckdb.InterruptException:
        return json.dumps({"error": "interrupted", "kind": "time"})
    except duckdb.OutOfMemoryException as exc:
        return json.dumps({"error": str(exc).splitlines()[0], "kind": "memory"}, ensure_ascii=False)
    except duckdb.Error as exc:
        return json.dumps({"error": str(exc).splitlines()[0], "kind": "query"}, ensure_ascii=False)
    finally:
        timer.cancel()
    head = json.dumps({"columns": columns, "cut": cut}, ensure_ascii=False)
    return head[:-1] + ', "rows": [' + ",".join(rows) + "]}"


def _bound_memory(memory_mb: int, threads: int) -> None:
    """Cap the whole process's address space, so that no allocation, tracked by DuckDB or not, can
    take the machine: past it DuckDB fails with an out-of-memory error, answered as such. Each
    thread reserves address space of its own (its stack, an allocator arena), hence the share."""
    limit = (memory_mb + HEADROOM_MB + THREAD_MB * threads) * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _die_with_parent() -> None:
    """A server worker killed mid-query takes its query with it (Linux: a parent-death signal)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def main() -> None:
    _die_with_parent()
    request = json.loads(sys.stdin.buffer.read())
    _bound_memory(int(request["memory_mb"]), int(request["threads"]))
    sys.stdout.buffer.write(answer(request).encode())
    sys.stdout.flush()


if __name__ == "__main__":
    main()
