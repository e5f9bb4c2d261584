"""The 回访 self-service link sent to the citizen once the unit has reported back.

The link carries ``cipher.token("visit", code)``: deterministic, unguessable and stored nowhere, so
it stays valid for every round of a case (after a 重办 the same link evaluates the new reply).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.cases.privacy import open_contact
from zhili.cases.schemas import MOBILE
from zhili.db import after_commit
from zhili.kernel.crypto import PersonalDataCipher, normalise_phone
from zhili.notifications.backends import Notifier
from zhili.notifications.service import deliver, notifier_for, public_base_url
from zhili.units.models import Unit

log = logging.getLogger("zhili.notifications")

VISIT_TOKEN_PURPOSE = "visit"


def visit_token(cipher: PersonalDataCipher, code: str) -> str:
    return cipher.token(VISIT_TOKEN_PURPOSE, code)


def visit_link(code: str, token: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/visit/{quote(code, safe='')}?token={quote(token, safe='')}"


def visit_link_message(case: Case, token: str, base_url: str, unit_name: str | None = None) -> str:
    """The SMS text. It names the case and the unit, never the citizen."""
    who = unit_name or "承办单位"
    return (
        f"【12345】您反映的诉求（受理编号 {case.code}）{who}已反馈办理结果。"
        f"请点击链接查看答复并评价：{visit_link(case.code, token, base_url)}"
    )


@dataclass(frozen=True)
class PreparedSms:
    """A message composed inside the transaction, to be sent only once that transaction commits."""

    number: str
    text: str
    case_code: str


def prepare_visit_link(session: Session, ctx: CaseContext, case: Case) -> PreparedSms | None:
    """The 回访 link for the citizen's mobile, or None when there is no mobile number."""
    phone = open_contact(case, ctx.cipher).phone
    number = normalise_phone(phone) if phone else ""
    if not MOBILE.match(number):
        log.info("诉求 %s 没有可接收短信的手机号，未发送回访链接", case.code)
        return None
    unit = session.get(Unit, case.lead_unit_id) if case.lead_unit_id else None
    text = visit_link_message(
        case, visit_token(ctx.cipher, case.code), public_base_url(ctx.settings), unit.name if unit else None
    )
    return PreparedSms(number, text, case.code)


def send(notifier: Notifier, message: PreparedSms) -> bool:
    return deliver(notifier, message.number, message.text, message.case_code)


def notify_visit_link(session: Session, ctx: CaseContext, case: Case, notifier: Notifier) -> bool:
    """Compose and send the 回访 link at once. False when there is no mobile or sending failed.

    A failed send never fails the caller's transaction: the unit's report stands, and the 回访 can
    still be done by an operator.
    """
    message = prepare_visit_link(session, ctx, case)
    return send(notifier, message) if message else False


def notify_visit_link_after_commit(session: Session, ctx: CaseContext, case: Case) -> None:
    """Queue the 回访 link so that it is sent only if the report is committed."""
    message = prepare_visit_link(session, ctx, case)
    if message is not None:
        notifier = notifier_for(ctx.settings)
        after_commit(session, lambda: send(notifier, message))
