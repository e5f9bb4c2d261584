"""Filing an Open311 request: the GeoReport form becomes a ``CaseIn`` for the one intake service.

Nothing here stores a case itself: ``cases.flows.take_demand`` validates, resolves the location,
encrypts the citizen's contact details and audits, exactly as for ``POST /api/cases``; the channel
is Open311. Every parameter is checked before intake runs, and any refusal raises before anything
is flushed, so a bad request writes nothing (the request's transaction is rolled back).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from zhili.auth.scope import Actor
from zhili.cases import flows
from zhili.cases.attachments import store_photos
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.cases.schemas import MAX_TITLE, CaseIn, CitizenIn
from zhili.divisions.models import Division
from zhili.errors import ZhiliError
from zhili.open311 import catalogue
from zhili.open311.errors import Open311Problem, bad_request, field_name, forbidden, from_zhili
from zhili.open311.models import Open311Submission
from zhili.open311.policy import can_file_requests
from zhili.storage.images import Photo, check_photos
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS, URGENCY_LABELS, Channel, DemandType, Urgency, by_label

MAX_DESCRIPTION = 4000  # the specification's limit
MAX_ID = 64
MAX_URL = 500
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ATTRIBUTE = re.compile(r"^attribute\[([^\]]*)\](\[\])?$")
TITLE_FROM_DESCRIPTION = 30


def _media(form: FormData, max_mb: int) -> list[Photo]:
    """A photo sent as the multipart ``media`` field: checked by content like the portal's."""
    uploads = [item for item in form.getlist("media") if not isinstance(item, str)]
    if len(uploads) > 1:
        raise bad_request("media 只能上传一张图片")
    try:
        return check_photos(uploads, max_mb, field="media")
    except ZhiliError as exc:
        raise from_zhili(exc) from None


@dataclass
class Filed:
    case: Case
    submission: Open311Submission
    service: catalogue.Service
    account_id: str | None


def _text(form: FormData, name: str, limit: int) -> str | None:
    raw = form.get(name)
    if raw is None or not isinstance(raw, str) or not raw.strip():
        return None
    if len(raw.strip()) > limit:
        raise bad_request(f"{name} 过长，最多 {limit} 个字符")
    return raw.strip()


def _coordinate(form: FormData, name: str, low: float, high: float) -> float | None:
    raw = _text(form, name, 32)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise bad_request(f"{name} 须为数字（WGS84 经纬度）") from None
    if not low <= value <= high:
        raise bad_request(f"{name} 超出范围（{low} 到 {high}）")
    return value


def _attributes(form: FormData) -> dict[str, str]:
    """``attribute[code]=value`` pairs; every zhili attribute takes one value."""
    known = {a.code for a in catalogue.attributes() if a.variable}
    found: dict[str, str] = {}
    for key in form:
        match = ATTRIBUTE.match(key)
        if match is None:
            continue
        code, many = match.group(1), match.group(2)
        if code not in known:
            raise bad_request(f"attribute[{code}] 不是该服务定义的属性（可用：{', '.join(sorted(known))}）")
        given = [v.strip() for v in form.getlist(key) if isinstance(v, str) and v.strip()]
        if many or len(given) > 1:
            raise bad_request(f"attribute[{code}] 只能取一个值")
        if given:
            found[code] = given[0]
    return found


def _choice(attrs: dict[str, str], code: str, labels: dict[Any, str], default: object = None) -> object:
    raw = attrs.get(code)
    if raw is None:
        if default is None:
            raise bad_request(f"attribute[{code}] 必填（{'、'.join(labels.values())}）")
        return default
    member = by_label(labels, raw)
    if member is None:
        keys = "、".join(f"{k.value}（{v}）" for k, v in labels.items())
        raise bad_request(f"attribute[{code}] 取值无效：{raw}；可选 {keys}")
    return member


def _confidential(attrs: dict[str, str]) -> bool:
    raw = attrs.get(catalogue.CONFIDENTIAL, "false").lower()
    if raw not in ("true", "false", "是", "否"):
        raise bad_request("attribute[confidential] 只能是 true 或 false")
    return raw in ("true", "是")


def _address_of(session: Session, address_id: str) -> str:
    """An address_id is a division code (street or community); its address is the names above it."""
    codes = [address_id[:n] for n in (2, 6, 9, 12) if n <= len(address_id)]
    rows = dict(session.execute(select(Division.code, Division.name).where(Division.code.in_(codes))).all())
    if address_id not in rows or len(address_id) < 9:
        raise bad_request(f"address_id {address_id} 不是已知的街道或社区编码")
    return "".join(rows[c] for c in codes if c in rows)


def _media_url(form: FormData) -> str | None:
    url = _text(form, "media_url", MAX_URL)
    if url is not None and (urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc):
        raise bad_request("media_url 须为 http 或 https 网址")
    return url


def _email(form: FormData) -> str | None:
    email = _text(form, "email", 254)
    if email is not None and not EMAIL.match(email):
        raise bad_request("email 格式不正确")
    return email


def _name(form: FormData) -> str | None:
    first = _text(form, "first_name", 50) or ""
    last = _text(form, "last_name", 50) or ""
    if not first and not last:
        return None
    # Chinese names are family name first, written together; others keep "first last".
    if re.search(r"[A-Za-z]", first + last):
        return f"{first} {last}".strip()
    return f"{last}{first}"


def _case_in(session: Session, form: FormData, service: catalogue.Service) -> tuple[CaseIn, dict[str, str]]:
    lat = _coordinate(form, "lat", -90, 90)
    lng = _coordinate(form, "long", -180, 180)
    if (lat is None) != (lng is None):
        raise bad_request("lat 和 long 须同时提供")
    address = _text(form, "address_string", 300)
    address_id = _text(form, "address_id", MAX_ID)
    if lat is None and address is None and address_id is None:
        raise bad_request("须提供位置：lat 和 long、address_string 或 address_id 之一")
    if address is None and address_id is not None:
        address = _address_of(session, address_id)
    attrs = _attributes(form)
    demand_type = _choice(attrs, catalogue.DEMAND_TYPE, DEMAND_TYPE_LABELS)
    urgency = _choice(attrs, catalogue.URGENCY, URGENCY_LABELS, Urgency.ordinary)
    description = _text(form, "description", MAX_DESCRIPTION) or service.name
    title = attrs.get(catalogue.TITLE) or description.splitlines()[0][:TITLE_FROM_DESCRIPTION]
    if len(title) > MAX_TITLE:
        raise bad_request(f"attribute[title] 过长，最多 {MAX_TITLE} 个字符")
    try:
        body = CaseIn(
            demand_type=demand_type if isinstance(demand_type, DemandType) else DemandType.help,
            urgency=urgency if isinstance(urgency, Urgency) else Urgency.ordinary,
            category=service.code,
            channel=Channel.open311,
            title=title,
            description=description,
            lat=lat,
            lng=lng,
            address=address,
            citizen=CitizenIn(name=_name(form), phone=_text(form, "phone", 20)),
            confidential=_confidential(attrs),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = field_name(".".join(str(p) for p in first["loc"])) or "request"
        raise bad_request(f"{field}：{first['msg'].removeprefix('Value error, ')}") from None
    return body, attrs


def check_can_file(actor: Actor) -> None:
    if not can_file_requests(actor):
        raise forbidden("该 api_key 所属账号无权提交诉求（需要接口客户端、坐席等受理角色）")


def file_request(session: Session, ctx: CaseContext, actor: Actor, form: FormData) -> Filed:
    check_can_file(actor)
    code = _text(form, "service_code", 16)
    if code is None:
        raise bad_request("service_code 必填")
    service = catalogue.find(session, code)
    body, attrs = _case_in(session, form, service)
    email = _email(form)
    media_url = _media_url(form)
    photos = _media(form, ctx.settings.max_upload_mb)
    account_id = _text(form, "account_id", MAX_ID)
    device_id = _text(form, "device_id", MAX_ID)
    try:
        result = flows.take_demand(session, ctx, actor, body)
    except ZhiliError as exc:
        raise from_zhili(exc) from None
    submission = Open311Submission(
        case_id=result.case.id,
        token=secrets.token_urlsafe(18),
        submitted_by=actor.username,
        service_code=service.code,
        address_id=_text(form, "address_id", MAX_ID),
        media_url=media_url,
        attributes=json.dumps({k: v for k, v in attrs.items() if k != catalogue.TITLE}, ensure_ascii=False),
        email_enc=ctx.cipher.encrypt(email),
        account_id_enc=ctx.cipher.encrypt(account_id),
        device_id_enc=ctx.cipher.encrypt(device_id),
        submitted_at=ctx.now(),
    )
    session.add(submission)
    session.flush()
    store_photos(session, ctx, result.case, photos, actor.username)
    return Filed(result.case, submission, service, account_id)


__all__ = ["Filed", "Open311Problem", "file_request"]
