"""Rules for units: load the default directory, and admin edits with their audit trail."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.divisions.models import Division, DivisionLevel
from zhili.errors import Conflict, NotFound, ValidationFailed
from zhili.units.directory import UnitSpec, build_directory
from zhili.units.models import Unit, UnitJurisdiction, UnitKind
from zhili.units.repository import get_by_code


def load_default_units(session: Session, city_code: str = "11") -> int:
    """Insert the default directory for a loaded city; existing codes are left as they are.

    Returns the number of units added.
    """
    city = session.get(Division, city_code)
    if city is None or city.level != DivisionLevel.city:
        raise NotFound(f"城市 {city_code} 的行政区划尚未导入")
    districts = session.execute(
        select(Division.code, Division.name)
        .where(Division.level == DivisionLevel.district, Division.parent_code == city_code)
        .order_by(Division.code)
    ).all()
    district_codes = [code for code, _ in districts]
    streets = session.execute(
        select(Division.code, Division.name, Division.parent_code)
        .where(Division.level == DivisionLevel.street, Division.parent_code.in_(district_codes))
        .order_by(Division.code)
    ).all()
    specs = build_directory(city_code, city.name, list(districts), [(c, n, p or "") for c, n, p in streets])
    ids = {code: unit_id for code, unit_id in session.execute(select(Unit.code, Unit.id))}
    fresh = [spec for spec in specs if spec.code not in ids]
    # Parents precede children in ``specs``; insert level by level so parent ids are known.
    for wave in _waves(fresh, ids):
        session.execute(
            insert(Unit),
            [
                {
                    "code": s.code,
                    "name": s.name,
                    "kind": UnitKind(s.kind),
                    "unit_type": s.unit_type,
                    "division_code": s.division_code,
                    "parent_id": ids.get(s.parent_code or ""),
                    "active": True,
                }
                for s in wave
            ],
        )
        ids.update(
            (code, unit_id)
            for code, unit_id in session.execute(
                select(Unit.code, Unit.id).where(Unit.code.in_([s.code for s in wave]))
            )
        )
    if fresh:
        session.execute(
            insert(UnitJurisdiction),
            [{"unit_id": ids[s.code], "division_code": code} for s in fresh for code in s.jurisdiction],
        )
    session.flush()
    return len(fresh)


def _waves(specs: list[UnitSpec], known: dict[str, int]) -> list[list[UnitSpec]]:
    """Group specs so that every parent is inserted in an earlier wave than its children."""
    pending = list(specs)
    placed = set(known)
    waves = []
    while pending:
        wave = [s for s in pending if s.parent_code is None or s.parent_code in placed]
        if not wave:
            raise ValidationFailed("单位目录中存在无法解析的上级单位", field="parent_code")
        waves.append(wave)
        placed.update(s.code for s in wave)
        pending = [s for s in pending if s.code not in placed]
    return waves


def _required_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValidationFailed("单位名称不能为空", field="name")
    return cleaned


def _check_divisions(session: Session, codes: list[str], field: str) -> None:
    found = set(session.execute(select(Division.code).where(Division.code.in_(codes))).scalars())
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationFailed(f"行政区划编码不存在：{'、'.join(missing[:5])}", field=field)


def _parent_id(session: Session, parent_code: str | None, own_code: str | None = None) -> int | None:
    if not parent_code:
        return None
    if parent_code == own_code:
        raise ValidationFailed("上级单位不能是自身", field="parent_code")
    parent = session.execute(select(Unit).where(Unit.code == parent_code)).scalar_one_or_none()
    if parent is None:
        raise ValidationFailed(f"上级单位 {parent_code} 不存在", field="parent_code")
    return parent.id


def _set_jurisdiction(session: Session, unit: Unit, codes: list[str]) -> None:
    codes = sorted(set(codes))
    _check_divisions(session, codes, "jurisdiction")
    session.execute(delete(UnitJurisdiction).where(UnitJurisdiction.unit_id == unit.id))
    if codes:
        session.execute(insert(UnitJurisdiction), [{"unit_id": unit.id, "division_code": c} for c in codes])


def create_unit(
    session: Session,
    *,
    actor: str,
    code: str,
    name: str,
    kind: UnitKind,
    division_code: str,
    unit_type: str | None = None,
    parent_code: str | None = None,
    contact_phone: str | None = None,
    jurisdiction: list[str] | None = None,
) -> Unit:
    name = _required_name(name)
    if session.execute(select(Unit.id).where(Unit.code == code)).first():
        raise Conflict(f"单位编码 {code} 已存在", field="code")
    _check_divisions(session, [division_code], "division_code")
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        unit_type=unit_type,
        division_code=division_code,
        parent_id=_parent_id(session, parent_code),
        contact_phone=contact_phone,
        active=True,
    )
    session.add(unit)
    session.flush()
    _set_jurisdiction(session, unit, jurisdiction or [division_code])
    audit.record(
        session,
        actor=actor,
        action="unit.create",
        target_type="unit",
        target_id=code,
        detail={"name": unit.name, "kind": kind.value, "jurisdiction": jurisdiction or [division_code]},
    )
    session.flush()
    return unit


def update_unit(
    session: Session,
    code: str,
    *,
    actor: str,
    name: str | None = None,
    unit_type: str | None = None,
    parent_code: str | None = None,
    contact_phone: str | None = None,
    active: bool | None = None,
    jurisdiction: list[str] | None = None,
) -> Unit:
    unit = get_by_code(session, code)
    changes: dict[str, object] = {}
    if name is not None:
        name = _required_name(name)
    # An empty string clears an optional text field; None leaves it as it is.
    for attr, value in (("name", name), ("unit_type", unit_type), ("contact_phone", contact_phone)):
        if value is None:
            continue
        cleaned = value.strip() or None
        if getattr(unit, attr) != cleaned:
            setattr(unit, attr, cleaned)
            changes[attr] = cleaned
    if active is not None and unit.active != active:
        unit.active = active
        changes["active"] = active
    if parent_code is not None:
        parent_id = _parent_id(session, parent_code.strip() or None, own_code=code)
        if parent_id != unit.parent_id:
            unit.parent_id = parent_id
            changes["parent_code"] = parent_code.strip() or None
    if jurisdiction is not None:
        if not jurisdiction:
            raise ValidationFailed("单位至少需要一个管辖区域", field="jurisdiction")
        _set_jurisdiction(session, unit, jurisdiction)
        changes["jurisdiction"] = sorted(set(jurisdiction))
    if changes:
        audit.record(
            session, actor=actor, action="unit.update", target_type="unit", target_id=code, detail=changes
        )
    session.flush()
    return unit
