"""The annual or mid-term evaluation report: an HTML page (print CSS) and a PDF.

The PDF embeds (a subset of) a Chinese TrueType font found on the machine (``fc-list :lang=zh``, or
the usual Debian paths). Without one it falls back to ReportLab's built-in CID font STSong-Light,
whose glyphs are not embedded: PDF readers then supply their own Chinese font, or show boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from zhili.kernel.documents import CID_FONT as CID_FONT
from zhili.kernel.documents import EMBEDDED_FONT as EMBEDDED_FONT
from zhili.kernel.documents import chinese_font_file as chinese_font_file
from zhili.kernel.documents import register_font
from zhili.plan import service
from zhili.plan.catalogue import DEADLINE, PLAN
from zhili.plan.views import progress_view


@dataclass(frozen=True)
class Report:
    year: int
    as_of: date
    rows: list[dict[str, Any]]

    @property
    def title(self) -> str:
        kind = "终期" if self.year >= DEADLINE.year else ("中期" if self.year == 2023 else "年度")
        return f"{PLAN}实施{kind}评估报告（{self.year}年）"

    @property
    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts


def build(session: Session, year: int, today: date) -> Report:
    as_of = min(date(year, 12, 31), today)
    return Report(
        year=year, as_of=as_of, rows=[progress_view(row) for row in service.progress(session, as_of)]
    )


def render_html(report: Report) -> str:
    from zhili.web.templating import templates

    return templates.env.get_template("plan/report_standalone.html").render(report=report)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def write_pdf(report: Report, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=11)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        author="zhili",
    )
    summary = "，".join(f"{status} {n} 项" for status, n in report.summary.items())
    story: list[Any] = [
        Paragraph(report.title, title),
        Paragraph(
            f"统计截至 {report.as_of.isoformat()}；规划期末 {DEADLINE.isoformat()}。"
            f"共 {len(report.rows)} 项指标：{summary}。",
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    header = ["指标", "基线", "目标", "当前值", "统计日期", "应达进度", "完成度", "状态", "方式"]
    data: list[list[Any]] = [[Paragraph(h, cell) for h in header]]
    for row in report.rows:
        data.append(
            [
                Paragraph(row["name"], cell),
                Paragraph(_fmt(row["baseline"], row["unit"]), cell),
                Paragraph(f"{row['comparison']} {_fmt(row['target'], row['unit'])}", cell),
                Paragraph(_fmt(row["value"], row["unit"]), cell),
                Paragraph(row["as_of"] or "—", cell),
                Paragraph(_fmt(row["expected"], row["unit"]), cell),
                Paragraph("—" if row["completion"] is None else f"{row['completion']}%", cell),
                Paragraph(row["status"], cell),
                Paragraph(row["method_label"], cell),
            ]
        )
    table = Table(
        data,
        repeatRows=1,
        colWidths=[70 * mm, 22 * mm, 26 * mm, 24 * mm, 22 * mm, 24 * mm, 18 * mm, 18 * mm, 18 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("指标来源与口径", title))
    for row in report.rows:
        evidence = f" 依据：{row['evidence']}" if row["evidence"] else ""
        note = f" {row['note']}" if row["note"] else ""
        story.append(Paragraph(f"<b>{row['name']}</b>：{row['source']}{note}{evidence}", body))
    doc.build(story)


def write(session: Session, year: int, today: date, folder: Path) -> tuple[Path, Path]:
    report = build(session, year, today)
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"plan-report-{year}.html"
    pdf_path = folder / f"plan-report-{year}.pdf"
    html_path.write_text(render_html(report), encoding="utf-8")
    write_pdf(report, pdf_path)
    return html_path, pdf_path
