"""What a backup carries from a folder: every file but temporary ones and the store's derived
caches (the early warnings it keeps, worked out again on demand)."""

from __future__ import annotations

from pathlib import Path

from zhili.analytics import warning_cache
from zhili.ops.backup import folders


def test_temporary_files_and_kept_warnings_are_left_out(tmp_path: Path) -> None:
    for name in (
        "_state.json",
        "cases/month=2025-10/part-a.parquet",
        "cases/month=2025-10/.part-b.parquet.tmp",
        ".lock",
        f"{warning_cache.FOLDER}/2025-10-20-abc.json",
        f"{warning_cache.FOLDER}/.2025-10-21-abc.json.1.tmp",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    kept = [relative for relative, _ in folders.files(tmp_path)]
    assert kept == ["_state.json", "cases/month=2025-10/part-a.parquet"]
    assert not folders.is_empty(tmp_path)
    (tmp_path / "cases" / "month=2025-10" / "part-a.parquet").unlink()
    (tmp_path / "_state.json").unlink()
    assert folders.is_empty(tmp_path)  # kept warnings alone are not a store worth keeping
