"""定位: a dispatcher gives a demand that could not be located its place, before dispatch.

The place is a division (a street or community code, a district, or the city itself for a matter
of the whole city), or an address and/or coordinates resolved as at intake; it must lie in the city.
Once placed, the case leaves the centre's 待定位 queue and is read by the jurisdictions of its place.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle.steps import move
from zhili.cases.models import Case
from zhili.cases.schemas import ActionIn
from zhili.errors import ValidationFailed

# Division codes are prefix-hierarchical: 11 → 110105 (district) → 110105026 (street) → 12 digits.
LEVEL_LENGTHS = {"district": 6, "street": 9, "community": 12}
STILL_UNLOCATED = "仍无法定位到区县：请补充地址，或直接选择街乡、社区编码（division）"


def _by_division(ctx: CaseContext, case: Case, code: str) -> None:
    ref = ctx.resolver.ref(code) if ctx.resolver is not None else None
    if ref is None:
        raise ValidationFailed(f"未知的行政区划编码：{code}", field="division")
    for level, length in LEVEL_LENGTHS.items():
        setattr(case, f"{level}_code", code[:length] if len(code) >= length else None)
    case.division_code = code
    case.location_confidence = 1.0


def _by_address(ctx: CaseContext, case: Case, body: ActionIn) -> None:
    if ctx.resolver is None:
        raise RuntimeError("location resolver not configured")
    found = ctx.resolver.locate(lat=body.lat, lng=body.lng, address=body.address)
    if found.district is None:
        raise ValidationFailed(STILL_UNLOCATED, field="address")
    deepest = found.community or found.street or found.district
    case.district_code = found.district.code
    case.street_code = found.street.code if found.street else None
    case.community_code = found.community.code if found.community else None
    case.division_code = deepest.code
    case.h3_cell = found.cell or case.h3_cell
    case.location_confidence = found.confidence
    if body.address:
        case.address = body.address
    if body.lat is not None and body.lng is not None:
        case.lat, case.lng = body.lat, body.lng


def locate(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    if body.division:
        _by_division(ctx, case, body.division)
    elif body.address or body.lat is not None or body.lng is not None:
        _by_address(ctx, case, body)
    else:
        raise ValidationFailed("请填写地址、经纬度，或选择街乡、社区编码", field="division")
    move(session, ctx, actor, case, "locate", None, note=body.note, data={"division": case.division_code})
