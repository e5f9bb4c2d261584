"""Bulk import of historical cases (诉求) from a legacy system: ``zhili cases import FILE``.

Files: CSV (UTF-8, or ``--encoding gbk``), XLSX (first sheet) or Parquet, with a header row. Headers
may be the English names below or their Chinese labels; unknown columns are ignored (and listed).

=====================  ====  ================================================================
column (中文表头)         req   content
=====================  ====  ================================================================
code (编号)                    legacy tracking code, kept when given (≤ 24 letters, digits, - _);
                               otherwise a new code is handed out for the received day
demand_type (诉求类型)    yes   咨询/求助/投诉/举报/建议/表扬, or consultation/help/complaint/...
urgency (紧急程度)              一般/紧急/特急 or ordinary/urgent/emergency; default 一般
category (分类编码)             category code, e.g. 020201 (may be a category no longer in use)
channel (渠道)            yes   电话/网站/App/小程序/Open311/网格巡查/领导留言板/媒体/其他, or the codes
title (标题)              yes   ≤ 200 characters
description (诉求内容)    yes   ≤ 5000 characters
address (地址)                  ≤ 300 characters
lat, lng (纬度, 经度)           WGS84 degrees, both or neither
district_code (区编码),          national statistical codes (6/9/12 digits). When none is given,
street_code (街乡编码),          the location is resolved from lat/lng and address, as at intake
community_code (社区编码)
citizen_name (姓名)             ≤ 50 characters     } personal data: stored only encrypted, never
citizen_phone (电话)            mobile or landline  } written to the rejects file, logs or the
citizen_id_number (身份证号)     18 characters      } audit trail
confidential (保密)             是/否
received_at (受理时间)    yes   time; without a zone it is local time (ZHILI_TIMEZONE)
state (状态)              yes   the final state: 已受理/已派单/已签收/已联系/已反馈/已回访/已办结
                               or received/dispatched/signed/contacted/reported/visited/closed
dispatched_at (派单时间),       the legacy system's step times; formats 2024-03-01 10:00:00,
signed_at (签收时间),            2024/03/01 10:00, ISO 8601 with or without an offset, or real
contacted_at (联系时间),         date cells in XLSX / timestamps in Parquet
reported_at (反馈时间),
visited_at (回访时间),
closed_at (办结时间)
lead_unit (主办单位)            unit code, e.g. S110105026; required once dispatched
reply (答复)                    the unit's reply, ≤ 5000 characters
satisfaction (满意度)           满意/基本满意/不满意 or satisfied/basically_satisfied/unsatisfied
visit_solved (是否解决)          是/否 (已解决/未解决)
visit_comment (回访意见)         ≤ 5000 characters
=====================  ====  ================================================================

The state must agree with the times: the state's own time is required (已办结 needs closed_at,
已受理 needs received_at), no later step may have a time, the times present must run in lifecycle
order and none may lie in the future. 已派单 to 已反馈 need dispatched_at and lead_unit; a 回访 result
needs visited_at. 退单审核中 and 已合并 cannot be imported. Closed cases get closure kind ``imported``.

Every row is checked; a refused row is written nowhere but the rejects file ``FILE.rejects.csv``
(row number, column, reason, and the row's non-personal columns). Each accepted case gets one
``import`` event (actor ``import``), cases still open get their lead unit's assignment and their
deadlines, and the run gets audit entries (file name, run id and counts only): ``case.import_started``
(导入开始) once the file is open and before the first batch, which the CLI commits at once, and
``case.import`` (导入完成) at the end. A run that was killed part-way thus leaves its started entry
without a finished one; one that failed with an error gets ``case.import_failed`` (导入中断).

Transactions and resuming: each batch is written in one transaction (a savepoint inside the caller's
transaction; the CLI commits after every batch), so a failure leaves nothing of the batch in flight.
Re-running the same file is idempotent: rows whose code is already in the database, or, for rows
without a code, whose content (time, type, channel, title, description, address) was imported before,
are skipped and counted as such. So after a crash, run the same command again.

``initial_load`` (``--initial-load``) is for the first migration into a system not yet in service:
secondary indexes and foreign keys are dropped, the file is loaded in one transaction, and they are
rebuilt at the end (``importer_indexes``).

Speed: reading, checking and encrypting a batch (this thread) overlaps the writing of the previous one
(a writer thread). SQLite takes a Core ``insert()`` executemany; PostgreSQL takes ``COPY``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.cases.context import CaseContext
from zhili.cases.importer.check import Checked, Lookups, Refusal, check_batch
from zhili.cases.importer.indexes import drop_secondary_indexes, rebuild_indexes
from zhili.cases.importer.read import RawBatch, batches, open_import_file
from zhili.cases.importer.rejects import RejectsFile
from zhili.cases.importer.rows import IMPORT_ACTOR, RowBuilder, import_key, subset
from zhili.cases.importer.write import (
    existing_codes,
    existing_keys,
    highest_case_id,
    insert_rows,
    reserve_ids,
)
from zhili.errors import ValidationFailed

DEFAULT_BATCH = 20_000


@dataclass
class BatchResult:
    rows: int
    accepted: int
    refused: int
    skipped: int


@dataclass
class ImportReport:
    file: Path
    kind: str
    rows: int = 0
    accepted: int = 0
    refused: int = 0
    skipped: int = 0
    seconds: float = 0.0
    rejects: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)
    run: str = ""

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def add(self, result: BatchResult) -> None:
        self.rows += result.rows
        self.accepted += result.accepted
        self.refused += result.refused
        self.skipped += result.skipped

    def audit_detail(self) -> dict[str, object]:
        return {
            "stage": "导入完成",
            "run": self.run,
            "file": self.file.name,
            "format": self.kind,
            "rows": self.rows,
            "accepted": self.accepted,
            "refused": self.refused,
            "skipped": self.skipped,
        }


def import_cases(
    session: Session,
    ctx: CaseContext,
    path: Path,
    *,
    actor: str = "import",
    batch_size: int = DEFAULT_BATCH,
    encoding: str = "utf-8",
    after_batch: Callable[[BatchResult], None] | None = None,
    on_start: Callable[[int | None], None] | None = None,
    after_started: Callable[[str], None] | None = None,
    initial_load: bool = False,
) -> ImportReport:
    """Import ``path``; ``after_batch`` runs once each batch is written (the CLI commits there), and
    ``after_started(run)`` once the started audit entry of run ``run`` is recorded, before any batch
    (the CLI commits it).

    ``initial_load`` drops the secondary indexes and foreign keys first and rebuilds them at the end
    (see ``importer_indexes``): the whole file is then one transaction, so ``after_batch`` must not
    commit.

    Two stages overlap: while a writer thread puts batch *n* into the database (mostly waiting on
    the database, without the GIL), this thread reads, checks and encrypts batch *n + 1*. Only one
    thread uses the session at any moment.
    """
    source = open_import_file(path, encoding)
    if on_start is not None:
        on_start(source.total_estimate)
    report = ImportReport(path, source.kind, ignored_columns=source.ignored, run=secrets.token_hex(6))
    audit.record(
        session,
        actor=actor,
        action="case.import_started",
        target_type="file",
        target_id=path.name,
        detail={"stage": "导入开始", "file": path.name, "format": source.kind, "run": report.run},
    )
    if after_started is not None:
        after_started(report.run)
    started = time.perf_counter()
    deferred = drop_secondary_indexes(session) if initial_load else None
    run = _Run(session, ctx, path, highest_case_id(session), exclusive=initial_load)
    with RejectsFile(path, list(source.known.values())) as rejects, ThreadPoolExecutor(1) as writer:
        in_flight: Future[BatchResult] | None = None
        try:
            for raw in batches(source, batch_size):
                prepared = run.prepare(raw)
                if in_flight is not None:
                    _finish(in_flight.result(), report, after_batch)
                in_flight = writer.submit(run.write, prepared, rejects)
            if in_flight is not None:
                _finish(in_flight.result(), report, after_batch)
                in_flight = None
        finally:
            if in_flight is not None:
                in_flight.cancel()
                wait([in_flight])  # never leave the writer holding the session
        report.rejects = rejects.path if rejects.written else None
    if report.rows == 0:
        raise ValidationFailed(f"文件中没有数据行：{path.name}", field="file")
    if deferred is not None:
        rebuild_indexes(session, deferred)
    report.seconds = time.perf_counter() - started
    audit.record(
        session,
        actor=actor,
        action="case.import",
        target_type="file",
        target_id=path.name,
        detail=report.audit_detail(),
    )
    return report


def _finish(
    result: BatchResult, report: ImportReport, after_batch: Callable[[BatchResult], None] | None
) -> None:
    report.add(result)
    if after_batch is not None:
        after_batch(result)


def record_failure(session: Session, report_file: Path, actor: str, reason: str, run: str = "") -> None:
    """An audit entry for an import that stopped part-way (its committed batches stay)."""
    audit.record(
        session,
        actor=actor,
        action="case.import_failed",
        target_type="file",
        target_id=report_file.name,
        detail={"stage": "导入中断", "run": run, "file": report_file.name, "reason": reason[:200]},
    )


@dataclass
class _Prepared:
    raw: RawBatch
    checked: Checked


class _Run:
    def __init__(
        self, session: Session, ctx: CaseContext, path: Path, first_id: int, *, exclusive: bool
    ) -> None:
        self.session = session
        self.exclusive = exclusive
        self.ctx = ctx
        self.now = ctx.now()
        self.lookups = Lookups.load(session, ctx)
        self.builder = RowBuilder(session, ctx, path.name)
        # Cases with a larger id were written by this run: meeting one again is a duplicate row.
        self.first_id = first_id

    def prepare(self, raw: RawBatch) -> _Prepared:
        """Check and seal a batch: no database work, so it overlaps the previous batch's writing."""
        checked = check_batch(raw, self.lookups, self.ctx, self.now)
        values = checked.values
        values["import_key"] = [
            None if code else import_key(values, j) for j, code in enumerate(values["code"])
        ]
        self.builder.seal(values)
        return _Prepared(raw, checked)

    def write(self, prepared: _Prepared, rejects: RejectsFile) -> BatchResult:
        """Write one prepared batch in its own savepoint (the writer thread)."""
        raw, checked = prepared.raw, prepared.checked
        keep, skipped, more = self._against_database(raw, checked)
        refusals = sorted([*checked.refusals, *more], key=lambda r: r.row)
        values = subset(checked.values, keep)
        written = len(keep)
        if written:
            with self.session.begin_nested():
                codes = self.builder.codes(values)
                ids = reserve_ids(self.session, written, exclusive=self.exclusive)
                insert_rows(self.session, self.builder.build(values, ids, codes, self.now))
        rejects.write(raw, refusals)
        refused = len({r.row for r in refusals})
        return BatchResult(len(raw), written, refused, skipped)

    def _against_database(self, raw: RawBatch, checked: Checked) -> tuple[list[int], int, list[Refusal]]:
        """Which accepted rows to write: rows imported before are skipped; a row whose code is held
        by another case, or that repeats a row written earlier in this run, is refused."""
        values = checked.values
        codes: list[str | None] = values["code"]
        keys: list[str | None] = values["import_key"]
        held = existing_codes(self.session, [c for c in codes if c])
        seen = existing_keys(self.session, [k for k in keys if k])
        keep: list[int] = []
        refusals: list[Refusal] = []
        skipped = 0
        first_in_batch: dict[str, int] = {}
        for j, (code, key) in enumerate(zip(codes, keys, strict=True)):
            row = raw.rows[checked.accepted[j]]
            if code is not None and code in held:
                case_id, created_by = held[code]
                if created_by != IMPORT_ACTOR:
                    refusals.append(Refusal(row, "code", "编号已被系统中的其他诉求占用"))
                elif case_id > self.first_id:
                    refusals.append(Refusal(row, "code", "文件中编号重复（与前面已导入的一行相同）"))
                else:
                    skipped += 1
                continue
            if key is not None:
                if key in seen:
                    if seen[key] > self.first_id:
                        refusals.append(Refusal(row, "title", "与文件中前面的一行内容完全相同（重复记录）"))
                    else:
                        skipped += 1
                    continue
                if key in first_in_batch:
                    refusals.append(
                        Refusal(row, "title", f"与第 {first_in_batch[key]} 行内容完全相同（重复记录）")
                    )
                    continue
                first_in_batch[key] = row
            keep.append(j)
        return keep, skipped, refusals
