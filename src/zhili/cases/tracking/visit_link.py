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
from zhili.kernel.crypto import PersonalDataCipher, normalise_phone
from zhili.notifications import service as outbox
from zhili.notifications.models import OutboxMessage
from zhili.notifications.service import public_base_url
from zhili.units.models import Unit

log = logging.getLogger("zhili.notifications")

VISIT_TOKEN_PURPOSE = "visit"
VISIT_LINK_KIND = "visit_link"


def visit_token(cipher: PersonalDataCipher, code: str) -> str:
    return cipher.token(VISIT_TOKEN_PURPOSE, code)


def visit_link(code: str, token: str, base_url: str) -> str:
    """The portal's 回访 page. The token is a path segment, never a query string (which proxies, access
    logs and analytics keep); zhili's own logs mask it (``kernel.logs``)."""
    return f"{base_url.rstrip('/')}/portal/visit/{quote(code, safe='')}/{quote(token, safe='')}"


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


def queue_visit_link(session: Session, ctx: CaseContext, case: Case) -> OutboxMessage | None:
    """Write the 回访 link to the outbox in the caller's transaction: it leaves once that commits
    (and is retried, then shown to an operator, if it cannot be sent). None without a mobile."""
    message = prepare_visit_link(session, ctx, case)
    if message is None:
        return None
    return outbox.enqueue(
        session,
        ctx.cipher,
        kind=VISIT_LINK_KIND,
        number=message.number,
        text=message.text,
        case_code=message.case_code,
    )
