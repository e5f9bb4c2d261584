"""The machine: a valid time zone, free disk on the data folders, and folders zhili can write."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zhili.ops.doctor.report import Check, failed, ok
from zhili.settings import Settings

MIN_FREE_FRACTION = 0.05


def data_folders(settings: Settings) -> dict[str, Path]:
    """The folders zhili writes: its data directory, the analytics store and the attachments."""
    return {
        "数据目录": Path(settings.data_dir),
        "分析库目录": Path(settings.resolved_analytics_dir),
        "附件目录": Path(settings.data_dir) / "attachments",
    }


def timezone(settings: Settings) -> Check:
    title = "时区 ZHILI_TIMEZONE"
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return failed("timezone", title, f"{settings.timezone!r} 不是有效的 IANA 时区（例如 Asia/Shanghai）")
    return ok("timezone", title, settings.timezone)


def _existing(path: Path) -> Path:
    """The folder itself, or its nearest ancestor that exists (where it would be created)."""
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk(settings: Settings, min_free_gb: float) -> list[Check]:
    checks = []
    seen: set[int] = set()
    for label, folder in data_folders(settings).items():
        where = _existing(folder)
        device = os.stat(where).st_dev
        if device in seen:
            continue
        seen.add(device)
        usage = shutil.disk_usage(where)
        free_gb, fraction = usage.free / 2**30, usage.free / usage.total
        title = f"磁盘空间（{label} {folder}）"
        detail = f"剩余 {free_gb:.1f} GB（{fraction:.0%}）"
        if free_gb < min_free_gb or fraction < MIN_FREE_FRACTION:
            limit = f"至少 {min_free_gb:g} GB 且不低于 {MIN_FREE_FRACTION:.0%}"
            checks.append(failed("disk", title, f"{detail}，{limit}"))
        else:
            checks.append(ok("disk", title, detail))
    return checks


def writable(settings: Settings) -> list[Check]:
    checks = []
    for label, folder in data_folders(settings).items():
        title = f"{label}可写"
        where = _existing(folder)
        if not where.is_dir():
            checks.append(failed("writable", title, f"{where} 不是目录"))
            continue
        try:
            with tempfile.NamedTemporaryFile(dir=where, prefix=".zhili-doctor-"):
                pass
        except OSError as exc:
            checks.append(failed("writable", title, f"{folder}：{exc.strerror or type(exc).__name__}"))
            continue
        note = "" if where == folder.resolve() else f"（尚不存在，将在 {where} 下创建）"
        checks.append(ok("writable", title, f"{folder}{note}"))
    return checks
