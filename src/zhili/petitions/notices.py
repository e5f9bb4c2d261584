"""The written notices of a 信访事项 as PDF, generated from the matter's fields and set by
``kernel.documents`` (as the 人民调解协议书 is): the 答复意见书 (第三十二条, with the petitioner's
right to ask for 复查 within 30 days) and the 不予受理告知书 (书面告知, with the reason).

They are addressed to the petitioner by full name, so only the 信访 office of the matter's place
downloads them, and each download is audited as a full showing (``privacy.petitioner_for``).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.errors import Conflict, Forbidden
from zhili.kernel import documents
from zhili.kernel.clock import as_aware
from zhili.petitions import repository as petitions
from zhili.petitions.models import PetitionMatter
from zhili.petitions.policy import can_download_notices
from zhili.petitions.privacy import petitioner_for
from zhili.petitions.service import is_office_of
from zhili.petitions.states import MatterState

REPLY_TITLE = "信访事项答复意见书"
REFUSAL_TITLE = "信访事项不予受理告知书"
KINDS = {"reply": REPLY_TITLE, "refusal": REFUSAL_TITLE}


def _day(moment: datetime | None, tz: ZoneInfo) -> str:
    if moment is None:
        return ""
    local = as_aware(moment).astimezone(tz)
    return f"{local.year}年{local.month}月{local.day}日"


def _reply_lines(matter: PetitionMatter, name: str, unit: str, tz: ZoneInfo) -> list[str]:
    lines = [
        f"编号：{matter.code}",
        "",
        f"{name}：",
        f"你于{_day(matter.received_at, tz)}提出的信访事项（{matter.title}），本机关已依法受理并办理。"
        "经调查核实，现答复如下：",
        "",
        matter.reply or "",
        "",
    ]
    if matter.extended and matter.extension_reason:
        lines += [f"（本事项办理期限曾依法延长，延期理由：{matter.extension_reason}）", ""]
    lines += [
        "如对本答复意见不服，可自收到本意见书之日起三十日内，请求原办理行政机关的上一级行政机关复查。",
        "",
        f"办理机关：{unit}（盖章）",
        f"日期：{_day(matter.replied_at, tz)}",
    ]
    return lines


def _refusal_lines(matter: PetitionMatter, name: str, office: str, tz: ZoneInfo) -> list[str]:
    return [
        f"编号：{matter.code}",
        "",
        f"{name}：",
        f"你于{_day(matter.received_at, tz)}提出的信访事项（{matter.title}），经审查，"
        "决定不予受理。理由如下：",
        "",
        matter.refusal_reason or "",
        "",
        "特此告知。",
        "",
        f"{office}（盖章）",
        f"日期：{_day(matter.decided_at, tz)}",
    ]


def notice_pdf(session: Session, ctx: CaseContext, actor: Actor, code: str, kind: str) -> tuple[str, bytes]:
    """``kind`` is ``reply`` or ``refusal``: the PDF's file name and bytes."""
    can_download_notices.require(actor)
    matter = petitions.get_readable(session, actor, code)
    if not is_office_of(actor, matter):
        raise Forbidden("书面告知载有信访人姓名，只有事项所在地的信访办公室可以下载")
    if kind == "reply" and matter.reply is None:
        raise Conflict("该事项尚未出具答复意见书")
    if kind == "refusal" and matter.state != MatterState.refused:
        raise Conflict("该事项未作出不予受理决定")
    first = petitions.petitions_of(session, matter.id)[0]
    name = petitioner_for(session, actor, first, matter.code, ctx.cipher).name or "信访人"
    if kind == "reply":
        unit = petitions.unit_name(session, matter.handling_unit_id) or ""
        lines = _reply_lines(matter, name, unit, ctx.tz)
    else:
        office = petitions.unit_name(session, matter.office_unit_id) or ""
        lines = _refusal_lines(matter, name, office, ctx.tz)
    return f"{matter.code}-{kind}.pdf", documents.render(KINDS[kind], lines)
