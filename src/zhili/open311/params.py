"""Parameters of Open311 calls: parsed by hand, so that every refusal is the specification's 400.

GET requests follows the specification's limits: a request window of at most 90 days (the most
recent 90 days by default) and at most 1000 requests per answer; ``page``/``page_size`` and
``updated_after``/``updated_before`` are the common extensions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from zhili.divisions.models import Division, DivisionLevel
from zhili.kernel.fields import TIME_MESSAGE, moment_problem
from zhili.open311.errors import bad_request, not_found
from zhili.settings import Settings

MAX_WINDOW = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_IDS = 1000
STATUSES = ("open", "closed")
TRUE_FALSE = {"true": True, "false": False}


def values(params: QueryParams, name: str) -> list[str]:
    """A parameter that may be comma delimited and may be declared several times."""
    items: list[str] = []
    for raw in params.getlist(name):
        items.extend(part.strip() for part in raw.split(","))
    return [item for item in items if item]


def single(params: QueryParams, name: str) -> str | None:
    """An optional argument: empty is the same as absent (the specification's rule)."""
    value = params.get(name)
    return value.strip() if value and value.strip() else None


def check_jurisdiction(session: Session, settings: Settings, value: str | None) -> None:
    """zhili serves one city: jurisdiction_id may be omitted, or name it (by host or city code)."""
    if value is None or not value.strip():
        return
    value = value.strip()
    host = urlparse(settings.public_base_url)
    if value.lower() in {h.lower() for h in (host.hostname, host.netloc) if h}:
        return
    cities = session.execute(select(Division.code).where(Division.level == DivisionLevel.city)).scalars()
    # The city's code, or the same padded to the six digits of GB/T 2260 (11 → 110000) or to twelve.
    if not any(value in (code, code.ljust(6, "0"), code.ljust(12, "0")) for code in cities):
        raise not_found(f"jurisdiction_id {value} 不存在（本服务只受理本市的诉求）")


def moment(name: str, raw: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 (w3) date or time; without an offset it is the city's local time."""
    text = raw.strip()
    if "T" in text and " " in text:
        text = text.replace(" ", "+")  # an unencoded "+08:00" arrives as " 08:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(f"{name} 不是有效的 ISO 8601 时间（例如 2010-01-01T00:00:00Z）") from None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    if moment_problem(parsed):
        raise bad_request(f"{name} {TIME_MESSAGE}")
    return parsed


def _int(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    raw = single(params, name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise bad_request(f"{name} 须为 {low} 到 {high} 之间的整数")
    return int(raw)


def flag(params: QueryParams, name: str) -> bool:
    raw = single(params, name)
    if raw is None:
        return False
    if raw.lower() not in TRUE_FALSE:
        raise bad_request(f"{name} 只能是 true 或 false")
    return TRUE_FALSE[raw.lower()]


@dataclass
class RequestQuery:
    ids: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] = field(default_factory=list)
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    page: int = 1
    page_size: int = MAX_PAGE_SIZE
    extensions: bool = False


def request_query(params: QueryParams, zone: ZoneInfo, now: datetime) -> RequestQuery:
    query = RequestQuery(
        page=_int(params, "page", 1, 1, 1_000_000),
        page_size=_int(params, "page_size", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        extensions=flag(params, "extensions"),
    )
    ids = values(params, "service_request_id")
    if ids:
        if len(ids) > MAX_IDS:
            raise bad_request(f"service_request_id 一次最多 {MAX_IDS} 个")
        # The specification: a list of ids overrides every other argument.
        query.ids = ids
        return query
    query.service_codes = values(params, "service_code")
    query.statuses = values(params, "status")
    unknown = [s for s in query.statuses if s not in STATUSES]
    if unknown:
        raise bad_request(f"status 只能是 open 或 closed（收到：{', '.join(unknown)}）")
    start = single(params, "start_date")
    end = single(params, "end_date")
    after = single(params, "updated_after")
    before = single(params, "updated_before")
    query.start = moment("start_date", start, zone) if start else None
    query.end = moment("end_date", end, zone) if end else None
    query.updated_after = moment("updated_after", after, zone) if after else None
    query.updated_before = moment("updated_before", before, zone) if before else None
    _window(query, now)
    if query.updated_after and query.updated_before and query.updated_after > query.updated_before:
        raise bad_request("updated_after 不能晚于 updated_before")
    return query


def _window(query: RequestQuery, now: datetime) -> None:
    """Fill in the requested_datetime window the specification prescribes."""
    if query.start and query.end:
        if query.start > query.end:
            raise bad_request("start_date 不能晚于 end_date")
        if query.end - query.start > MAX_WINDOW:
            raise bad_request("start_date 与 end_date 之间不能超过 90 天")
    elif query.start:
        query.end = query.start + MAX_WINDOW
    elif query.end:
        query.start = query.end - MAX_WINDOW
    elif query.updated_after is None and query.updated_before is None:
        query.start, query.end = now - MAX_WINDOW, now
