"""The plan dashboard and indicator pages, and the evaluation report as HTML and PDF (also via the CLI)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from community.governance_accounts import client
from zhili import migrate
from zhili.cli import app as cli
from zhili.db import Database
from zhili.plan import report, service


def test_dashboard_and_indicator_pages(app: Any, session: Session) -> None:
    leader = client(app, "leader")
    worker = client(app, "worker")
    page = leader.get("/plan")
    assert page.status_code == 200
    assert "实名注册志愿者占常住人口比例" in page.text and "/static/vendor/echarts.min.js" in page.text
    assert "重新计算" in page.text and "重新计算" not in worker.get("/plan").text
    entered = leader.post(
        "/plan/social_work_agencies/values",
        data={"as_of": "2024-12-31", "value": "1100", "evidence": "市民政局统计"},
        follow_redirects=False,
    )
    assert entered.status_code == 303, entered.text
    detail = leader.get("/plan/social_work_agencies")
    assert "市民政局统计" in detail.text and "填报数值" in detail.text
    no_evidence = leader.post("/plan/social_work_agencies/values", data={"as_of": "2024-12-31", "value": "1"})
    assert no_evidence.status_code == 422 and "依据" in no_evidence.text
    assert worker.post("/plan/recompute").status_code == 403
    assert leader.post("/plan/recompute", follow_redirects=False).status_code == 303
    assert leader.get("/plan/nonexistent").status_code == 404
    shown = leader.get("/plan/report", params={"year": 2025})
    assert (
        shown.status_code == 200 and "终期评估报告（2025年）" in shown.text and "市民政局统计" in shown.text
    )


def test_report_html_and_pdf(session: Session, tmp_path: Path) -> None:
    service.enter_value(
        session, actor="t", code="psych_centres", as_of=date(2024, 12, 31), value=420, evidence="市卫健委"
    )
    html_path, pdf_path = report.write(session, 2024, date(2026, 1, 5), tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert "年度评估报告（2024年）" in html and "社会心理服务中心（站）数量" in html and "420 个" in html
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 3000
    font = b"STSong-Light" if report.chinese_font_file() is None else b"FontFile2"  # embedded TrueType
    assert font in pdf


def test_cli_report(tmp_path: Path, monkeypatch: Any) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    database.dispose()
    monkeypatch.setenv("ZHILI_DATABASE_URL", url)
    monkeypatch.setenv("ZHILI_DATA_DIR", str(tmp_path))
    from zhili.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["plan", "report", "--year", "2025", "--out", str(tmp_path / "r")])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "r" / "plan-report-2025.pdf").read_bytes().startswith(b"%PDF")
        listed = CliRunner().invoke(cli, ["plan", "list"])
        assert listed.exit_code == 0 and "城市社区议事厅覆盖率" in listed.output
        bad = CliRunner().invoke(cli, ["plan", "recompute", "--as-of", "2025-13-01"])
        assert bad.exit_code != 0 and "日期格式" in bad.output
    finally:
        get_settings.cache_clear()
