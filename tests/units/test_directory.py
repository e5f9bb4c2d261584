"""The default Beijing unit directory: every street office, district government and department."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.units import service
from zhili.units.directory import DISTRICT_DEPARTMENTS, street_office_name
from zhili.units.models import Unit, UnitJurisdiction, UnitKind
from zhili.units.repository import counts_by_kind, get_by_code


def test_every_street_and_district_has_its_units(session: Session) -> None:
    counts = counts_by_kind(session)
    assert counts[UnitKind.street] == 349
    assert counts[UnitKind.district_gov] == 16
    assert counts[UnitKind.district_dept] == 16 * len(DISTRICT_DEPARTMENTS)
    assert counts[UnitKind.hotline_centre] == 17
    assert counts[UnitKind.city_dept] >= 20
    utility_types = set(
        session.execute(select(Unit.unit_type).where(Unit.kind == UnitKind.enterprise)).scalars()
    )
    assert {"water_supply", "power", "gas", "heating", "telecom"} <= utility_types


def test_street_office_answers_for_its_street_under_its_district_government(session: Session) -> None:
    wangjing = get_by_code(session, "S110105026")
    assert wangjing.name == "望京街道办事处"
    assert wangjing.kind == UnitKind.street
    parent = session.get(Unit, wangjing.parent_id)
    assert parent is not None
    assert parent.name == "朝阳区人民政府"
    areas = (
        session.execute(select(UnitJurisdiction.division_code).where(UnitJurisdiction.unit_id == wangjing.id))
        .scalars()
        .all()
    )
    assert areas == ["110105026"]


def test_office_names_follow_the_kind_of_division() -> None:
    assert street_office_name("望京街道") == "望京街道办事处"
    assert street_office_name("南口镇") == "南口镇人民政府"
    assert street_office_name("崔各庄地区") == "崔各庄地区办事处"


def test_loading_again_adds_nothing_and_keeps_edits(session: Session) -> None:
    total = session.execute(select(func.count()).select_from(Unit)).scalar_one()
    unit = get_by_code(session, "S110105026")
    unit.contact_phone = "010-64700000"
    session.flush()
    assert service.load_default_units(session) == 0
    assert session.execute(select(func.count()).select_from(Unit)).scalar_one() == total
    assert get_by_code(session, "S110105026").contact_phone == "010-64700000"
