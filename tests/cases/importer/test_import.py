"""Bulk import of historical cases from CSV, XLSX and Parquet files, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from support.accounts import login, make_user
from support.cases import JIUXIANQIAO, WANGJING, intake, staff
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.cases.context import CaseContext
from zhili.cases.importer.service import ImportReport, import_cases
from zhili.cases.models import Case, CaseAssignment, CaseEvent
from zhili.cases.privacy import open_contact
from zhili.errors import ValidationFailed
from zhili.kernel.clock import as_aware
from zhili.settings import Settings

PHONE = "13912345678"
NAME = "李四"
ID_NUMBER = "11010519800101123X"
HEADER = [
    "code", "demand_type", "urgency", "category", "channel", "title", "description", "address", "lat", "lng",
    "district_code", "street_code", "community_code", "citizen_name", "citizen_phone", "citizen_id_number",
    "received_at", "state", "dispatched_at", "signed_at", "contacted_at", "reported_at", "visited_at",
    "closed_at", "lead_unit", "reply", "satisfaction", "visit_solved",
]  # fmt: skip

CLOSED: dict[str, Any] = {
    "code": "LEG-2024-0001",
    "demand_type": "投诉",
    "urgency": "一般",
    "category": "020201",
    "channel": "电话",
    "title": "广场舞噪音扰民（历史）",
    "description": "晚上九点后广场舞音响声音很大。",
    "district_code": "110105",
    "street_code": "110105026",
    "community_code": "110105026034",
    "lat": "39.9966",
    "lng": "116.4706",
    "citizen_name": NAME,
    "citizen_phone": PHONE,
    "citizen_id_number": ID_NUMBER,
    "received_at": "2025-03-01 10:00:00",
    "state": "已办结",
    "dispatched_at": "2025-03-01 11:00:00",
    "signed_at": "2025-03-01 12:00:00",
    "contacted_at": "2025-03-01 13:00:00",
    "reported_at": "2025-03-03 09:00:00",
    "visited_at": "2025-03-04 09:00:00",
    "closed_at": "2025-03-04 09:05:00",
    "lead_unit": WANGJING,
    "reply": "已约谈广场舞队伍负责人。",
    "satisfaction": "满意",
    "visit_solved": "是",
}
SIGNED: dict[str, Any] = {
    "demand_type": "求助",
    "channel": "网站",
    "title": "路灯不亮（历史）",
    "description": "小区门口路灯坏了一周。",
    "address": "北京市朝阳区望京街道望京西园三区",
    "citizen_phone": "010-84561234",
    "received_at": "2025-03-02T08:30:00+08:00",
    "state": "signed",
    "dispatched_at": "2025-03-02 09:00",
    "signed_at": "2025/03/02 10:00:00",
    "lead_unit": WANGJING,
}
RECEIVED: dict[str, Any] = {
    "demand_type": "consultation",
    "channel": "app",
    "title": "公租房申请条件（历史）",
    "description": "请问公租房申请需要什么条件？",
    "lat": "39.9966",
    "lng": "116.4706",
    "received_at": "2025-03-05 16:00:00",
    "state": "已受理",
}


@pytest.fixture
def ctx(settings: Settings) -> CaseContext:
    return CaseContext.for_settings(settings)


def write_csv(path: Path, rows: list[dict[str, Any]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([_excel(column, row.get(column)) for column in HEADER])
    sheet.append([None] * len(HEADER))  # a formatted but empty row, as Excel leaves them
    workbook.save(path)
    return path


def _excel(column: str, value: Any) -> Any:
    """Typed cells, as a spreadsheet holds them: real dates, numbers for coordinates and phones."""
    if value is None or value == "":
        return None
    if column == "received_at" and isinstance(value, str) and value[4] == "-" and "+" not in value:
        return datetime.fromisoformat(value)
    if column in ("lat", "lng"):
        return float(value)
    if column == "citizen_phone" and value.isdigit():
        return int(value)
    return value


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Typed columns: floats for coordinates, a UTC timestamp for received_at, text for the rest."""
    columns: dict[str, Any] = {}
    for column in HEADER:
        values = [row.get(column) or None for row in rows]
        if column in ("lat", "lng"):
            columns[column] = pa.array([float(v) if v else None for v in values], pa.float64())
        elif column == "received_at":
            moments = [datetime.fromisoformat(v.replace("/", "-")) for v in values]
            local = [m if m.tzinfo else m.replace(tzinfo=ZoneInfo("Asia/Shanghai")) for m in moments]
            columns[column] = pa.array([m.astimezone(UTC) for m in local], pa.timestamp("us", tz="UTC"))
        else:
            columns[column] = pa.array(values, pa.string())
    pq.write_table(pa.table(columns), path)
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "parquet": write_parquet}


def run(session: Session, ctx: CaseContext, path: Path, **options: Any) -> ImportReport:
    return import_cases(session, ctx, path, **options)


def case_by_title(session: Session, title: str) -> Case | None:
    return session.execute(select(Case).where(Case.title == title)).scalar_one_or_none()


def count_cases(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Case)).scalar_one())


def rejects(path: Path) -> list[dict[str, str]]:
    target = path.with_name(path.name + ".rejects.csv")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# -- the happy path, in every format -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_import_writes_cases_with_their_final_state(
    fmt: str, session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    path = WRITERS[fmt](tmp_path / f"legacy.{fmt}", [CLOSED, SIGNED, RECEIVED])
    report = run(session, ctx, path)
    assert (report.rows, report.accepted, report.refused, report.skipped) == (3, 3, 0, 0)
    assert report.rejects is None

    closed = case_by_title(session, CLOSED["title"])
    assert closed is not None
    assert closed.code == "LEG-2024-0001"
    assert closed.state == "closed" and closed.closure_kind == "imported"
    assert closed.version == 1
    assert as_aware(closed.received_at) == datetime(2025, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 Beijing time
    assert as_aware(closed.closed_at) == datetime(2025, 3, 4, 1, 5, tzinfo=UTC)  # type: ignore[arg-type]
    assert closed.satisfaction == "satisfied" and closed.visit_solved is True
    assert closed.division_code == "110105026034" and closed.district_code == "110105"
    assert closed.h3_cell is not None
    assert closed.created_by == "import"
    assert closed.sign_due is None  # a closed case carries no running deadline
    contact = open_contact(closed, ctx.cipher)
    assert (contact.name, contact.phone, contact.id_number) == (NAME, PHONE, ID_NUMBER)
    assert closed.citizen_phone_digest == ctx.cipher.digest(PHONE)

    signed = case_by_title(session, SIGNED["title"])
    assert signed is not None and signed.state == "signed"
    assert signed.code.startswith("BJ20250302") and len(signed.code) == 16
    assert signed.street_code == "110105026"  # resolved from the address
    assert as_aware(signed.signed_at) == datetime(2025, 3, 2, 2, 0, tzinfo=UTC)  # type: ignore[arg-type]
    assert signed.feedback_due is not None and signed.sign_due is not None
    assignment = session.execute(
        select(CaseAssignment).where(CaseAssignment.case_id == signed.id)
    ).scalar_one()
    assert (assignment.role, assignment.status) == ("lead", "checked_in")

    received = case_by_title(session, RECEIVED["title"])
    assert received is not None and received.state == "received"
    assert received.district_code == "110105" and received.lead_unit_id is None

    for case in (closed, signed, received):
        events = session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars().all()
        assert [(e.seq, e.action, e.to_state, e.actor) for e in events] == [
            (1, "import", case.state, "import")
        ]
    entry = session.execute(select(AuditEntry).where(AuditEntry.action == "case.import")).scalar_one()
    assert json.loads(entry.detail)["accepted"] == 3
    assert PHONE not in entry.detail and NAME not in entry.detail


def test_personal_data_is_stored_only_encrypted(session: Session, ctx: CaseContext, tmp_path: Path) -> None:
    run(session, ctx, write_csv(tmp_path / "legacy.csv", [CLOSED]))
    row = session.execute(select(*Case.__table__.c).where(Case.code == CLOSED["code"])).one()
    stored = " ".join(str(value) for value in row)
    for secret in (PHONE, NAME, ID_NUMBER, PHONE[-4:] + "", "139****5678"):
        assert secret not in stored


def test_imported_cases_are_read_through_the_scoped_api(
    app: Any, session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    run(session, ctx, write_csv(tmp_path / "legacy.csv", [CLOSED]))
    make_user(session, "wj_import", Role.unit_staff, WANGJING)
    make_user(session, "jxq_import", Role.unit_staff, JIUXIANQIAO)
    street, other = TestClient(app), TestClient(app)
    login(street, "wj_import")
    login(other, "jxq_import")

    response = street.get(f"/api/cases/{CLOSED['code']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == "closed" and body["lead_unit"] == WANGJING
    assert body["citizen"]["phone"] == "139****5678"  # masked for a unit
    assert [e["action"] for e in body["events"]] == ["import"]
    assert other.get(f"/api/cases/{CLOSED['code']}").status_code == 404
    listed = street.get("/api/cases", params={"q": CLOSED["code"]}).json()
    assert [item["code"] for item in listed["items"]] == [CLOSED["code"]]


# -- bad rows ------------------------------------------------------------------------------------------

GOOD = {**RECEIVED, "title": "好的一行"}
BAD_ROWS = [
    ("unknown category", {"category": "999999"}, "category", "未知的诉求分类：999999"),
    ("bad phone", {"citizen_phone": "12345"}, "citizen_phone", "电话号码格式不正确"),
    ("bad id number", {"citizen_id_number": "1234"}, "citizen_id_number", "身份证号码格式不正确"),
    ("unknown unit", {"lead_unit": "S999999999"}, "lead_unit", "未知的主办单位：S999999999"),
    ("unknown state", {"state": "已取消"}, "state", "未知的状态：已取消"),
    ("merged state", {"state": "已合并"}, "state", "不支持导入的状态：已合并"),
    ("closed without closed_at", {"closed_at": ""}, "closed_at", "须填写办结时间"),
    ("times out of order", {"reported_at": "2025-03-01 12:30:00"}, "reported_at", "反馈时间早于联系时间"),
    (
        "time after the state",
        {"state": "已签收", "contacted_at": "", "visited_at": "", "closed_at": ""},
        "reported_at",
        "状态为“已签收”，不应有反馈时间",
    ),
    ("dispatched without unit", {"lead_unit": ""}, "lead_unit", "已派单的诉求须填写主办单位"),
    (
        "visit result without time",
        {"state": "已反馈", "visited_at": "", "closed_at": ""},
        "visited_at",
        "缺少回访时间",
    ),
    ("empty title", {"title": "  "}, "title", "标题不能为空"),
    ("over-long title", {"title": "长" * 201}, "title", "标题超过 200 字"),
    ("over-long description", {"description": "长" * 5001}, "description", "诉求内容超过 5000 字"),
    ("unknown channel", {"channel": "传真"}, "channel", "未知的渠道：传真"),
    ("unknown demand type", {"demand_type": "抱怨"}, "demand_type", "未知的诉求类型：抱怨"),
    ("unreadable time", {"received_at": "昨天下午"}, "received_at", "受理时间格式不正确"),
    ("future time", {"received_at": "2999-01-01 00:00:00"}, "received_at", "受理时间晚于当前时间"),
    # Issue 16, failures 17 and 18: a time that overflows in UTC, a control character.
    ("time out of range", {"received_at": "0001-01-01T00:00:00+14:00"}, "received_at", "超出范围"),
    ("control character", {"description": "油烟\x1b[31m扰民"}, "description", "控制字符（U+001B）"),
    ("bad code", {"code": "有 空 格"}, "code", "编号格式不正确"),
    ("half a coordinate", {"lng": ""}, "lng", "经纬度须同时提供"),
    ("unknown street", {"street_code": "110105999", "community_code": ""}, "street_code", "未知的街乡编码"),
    (
        "outside the city",
        {"district_code": "", "street_code": "", "community_code": "", "lat": "31.23", "lng": "121.47"},
        "lat",
        "坐标不在本市范围内",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "column", "reason"), [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS]
)
def test_bad_row_is_refused_with_its_reason_and_nothing_of_it_is_written(
    overrides: dict[str, Any], column: str, reason: str, session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    title = overrides.get("title", "坏的一行")
    bad = {**CLOSED, "code": "LEG-BAD-1", "title": title, **overrides}
    before = count_cases(session)
    path = write_csv(tmp_path / "legacy.csv", [GOOD, bad])
    report = run(session, ctx, path)

    assert (report.accepted, report.refused) == (1, 1)
    assert count_cases(session) == before + 1
    assert session.execute(select(Case).where(Case.code == "LEG-BAD-1")).first() is None
    lines = rejects(path)
    assert {line["行号"] for line in lines} == {"3"}  # the header is row 1, the good row row 2
    assert any(line["列"] == column and reason in line["原因"] for line in lines), lines
    text = report.rejects.read_text(encoding="utf-8-sig") if report.rejects else ""
    assert PHONE not in text and NAME not in text and ID_NUMBER not in text
    assert "citizen_phone" not in lines[0] and "title" in lines[0]


def test_duplicate_code_in_the_file_refuses_the_second_row(
    session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    twin = {**CLOSED, "title": "同编号的第二行"}
    path = write_csv(tmp_path / "legacy.csv", [CLOSED, twin])
    report = run(session, ctx, path)
    assert (report.accepted, report.refused) == (1, 1)
    assert case_by_title(session, "同编号的第二行") is None
    assert rejects(path)[0]["原因"] == "文件中编号重复（与第 2 行相同）"


def test_duplicate_code_across_batches_is_refused_not_skipped(
    session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    rows = [{**RECEIVED, "code": f"LEG-{i}", "title": f"第 {i} 行"} for i in range(150)]
    rows.append({**RECEIVED, "code": "LEG-3", "title": "第二批中的重复编号"})
    report = run(session, ctx, write_csv(tmp_path / "legacy.csv", rows), batch_size=100)
    assert (report.accepted, report.refused, report.skipped) == (150, 1, 0)
    assert case_by_title(session, "第二批中的重复编号") is None


def test_code_held_by_a_live_case_is_refused(
    app: Any, session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    live = intake(staff(app, session).operator)
    path = write_csv(tmp_path / "legacy.csv", [{**CLOSED, "code": live}])
    report = run(session, ctx, path)
    assert (report.accepted, report.refused) == (0, 1)
    assert rejects(path)[0]["原因"] == "编号已被系统中的其他诉求占用"
    assert session.execute(select(Case.state).where(Case.code == live)).scalar_one() == "received"


def test_legacy_code_in_zhilis_format_moves_the_counter(
    session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    legacy = {**RECEIVED, "code": "BJ20250305000500"}
    fresh = {**RECEIVED, "title": "同一天没有编号的一行"}
    run(session, ctx, write_csv(tmp_path / "legacy.csv", [legacy, fresh]))
    generated = case_by_title(session, "同一天没有编号的一行")
    assert generated is not None and generated.code == "BJ20250305000501"


# -- whole-file problems ------------------------------------------------------------------------------


def test_file_problems_are_clear_errors_and_write_nothing(
    session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    before = count_cases(session)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write_csv(tmp_path / "header.csv", [])
    missing = write_csv(tmp_path / "missing.csv", [CLOSED], header=[c for c in HEADER if c != "title"])
    text_file = tmp_path / "legacy.txt"
    text_file.write_text("hello")
    broken_parquet = tmp_path / "broken.parquet"
    broken_parquet.write_bytes(b"not parquet at all")
    broken_xlsx = tmp_path / "broken.xlsx"
    broken_xlsx.write_bytes(b"PK not a workbook")
    gbk = write_gbk(tmp_path / "gbk.csv", [RECEIVED])
    cases = [
        (empty, "文件为空"),
        (header_only, "文件中没有数据行"),
        (missing, "缺少必需的列：title（标题）"),
        (text_file, "不支持的文件类型：.txt"),
        (broken_parquet, "不是有效的 Parquet 文件"),
        (broken_xlsx, "不是有效的 XLSX 工作簿"),
        (gbk, "文本编码不是 utf-8"),
        (tmp_path / "absent.csv", "文件不存在"),
    ]
    for path, message in cases:
        with pytest.raises(ValidationFailed) as caught:
            run(session, ctx, path)
        assert message in caught.value.message, (path.name, caught.value.message)
    assert count_cases(session) == before
    assert session.execute(select(AuditEntry).where(AuditEntry.action == "case.import")).first() is None


def write_gbk(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_gbk_file_reads_with_its_encoding(session: Session, ctx: CaseContext, tmp_path: Path) -> None:
    path = write_gbk(tmp_path / "gbk.csv", [RECEIVED])
    report = run(session, ctx, path, encoding="gbk")
    assert report.accepted == 1 and case_by_title(session, RECEIVED["title"]) is not None


def test_chinese_headers_are_accepted(session: Session, ctx: CaseContext, tmp_path: Path) -> None:
    path = tmp_path / "chinese.csv"
    path.write_text(
        "编号,诉求类型,渠道,标题,诉求内容,受理时间,状态,无关列\n"
        "OLD-1,咨询,电话,中文表头的一行,内容,2025-03-01 10:00:00,已受理,x\n",
        encoding="utf-8-sig",
    )
    report = run(session, ctx, path)
    assert report.accepted == 1 and report.ignored_columns == ["无关列"]


def schema_of(session: Session) -> dict[str, Any]:
    inspector = inspect(session.connection())
    return {
        table: (
            sorted(index["name"] or "" for index in inspector.get_indexes(table)),
            sorted(key["name"] or "" for key in inspector.get_foreign_keys(table)),
        )
        for table in ("cases", "case_events", "case_assignments")
    }


def test_initial_load_rebuilds_every_index_and_foreign_key(
    session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    before = schema_of(session)
    assert len(before["cases"][0]) > 10
    path = write_csv(tmp_path / "legacy.csv", [CLOSED, SIGNED, RECEIVED, {**RECEIVED, "channel": "传真"}])
    report = run(session, ctx, path, initial_load=True)
    assert (report.accepted, report.refused) == (3, 1)
    assert schema_of(session) == before
    signed = case_by_title(session, SIGNED["title"])
    assert signed is not None and signed.state == "signed"
    assert session.execute(select(func.count()).select_from(CaseEvent)).scalar_one() >= 3


# -- idempotency --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_reimport_skips_what_is_already_there(
    fmt: str, session: Session, ctx: CaseContext, tmp_path: Path
) -> None:
    path = WRITERS[fmt](tmp_path / f"legacy.{fmt}", [CLOSED, SIGNED, RECEIVED])
    run(session, ctx, path)
    before = count_cases(session)
    events = session.execute(select(func.count()).select_from(CaseEvent)).scalar_one()
    again = run(session, ctx, path)
    assert (again.accepted, again.skipped, again.refused) == (0, 3, 0)
    assert count_cases(session) == before
    assert session.execute(select(func.count()).select_from(CaseEvent)).scalar_one() == events


# -- the command, as an operator runs it --------------------------------------------------------------

CLI = [sys.executable, "-m", "zhili.cli", "cases", "import"]


def test_command_imports_reports_and_resumes(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ZHILI_DATA_DIR": str(tmp_path),
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_SECRET_KEY": "cli-import-" + "x" * 32,
        "COLUMNS": "200",
    }
    env.pop("ZHILI_DATABASE_URL", None)
    init = subprocess.run(
        [sys.executable, "-m", "zhili.cli", "init"], capture_output=True, text=True, env=env, timeout=300
    )
    assert init.returncode == 0, init.stderr
    path = write_csv(tmp_path / "legacy.csv", [CLOSED, SIGNED, {**RECEIVED, "channel": "传真"}])

    def command() -> subprocess.CompletedProcess[str]:
        return subprocess.run([*CLI, str(path)], capture_output=True, text=True, env=env, timeout=300)

    first = command()
    assert first.returncode == 3, first.stdout + first.stderr  # one row refused
    assert "导入 2" in first.stdout and "拒绝 1" in first.stdout
    assert "legacy.csv.rejects.csv" in first.stdout
    assert PHONE not in first.stdout + first.stderr
    second = command()
    assert "导入 0" in second.stdout and "跳过（此前已导入）2" in second.stdout, second.stdout
    missing = subprocess.run([*CLI, str(tmp_path / "absent.csv")], capture_output=True, text=True, env=env)
    assert missing.returncode == 1 and "文件不存在" in missing.stderr
