"""The default Beijing directory of handling units, built from the division hierarchy.

Each district gets its government (兜底 owner), its 12345 centre and a standard set of departments;
each street or town gets its office; the city gets its departments and the utility enterprises.
Codes are stable, so loading twice changes nothing and admins' edits survive a reload.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (unit_type, name suffix) of the departments every district has.
DISTRICT_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("urban_management", "城市管理委员会"),
    ("law_enforcement", "城市管理综合行政执法局"),
    ("housing", "住房和城乡建设委员会"),
    ("housing_admin", "房屋管理局"),
    ("planning", "规划和自然资源分局"),
    ("environment", "生态环境局"),
    ("market", "市场监督管理局"),
    ("transport", "交通委员会"),
    ("education", "教育委员会"),
    ("health", "卫生健康委员会"),
    ("labour", "人力资源和社会保障局"),
    ("civil_affairs", "民政局"),
    ("water", "水务局"),
    ("greening", "园林绿化局"),
    ("agriculture", "农业农村局"),
    ("commerce", "商务局"),
    ("culture_tourism", "文化和旅游局"),
    ("emergency", "应急管理局"),
    ("medical_insurance", "医疗保障局"),
    ("public_security", "公安分局"),
    ("petitions", "信访办公室"),  # 信访办: registers petitions and sends them to the bodies responsible
)

# (code suffix, unit_type, name) of city departments; jurisdiction is the whole city.
CITY_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("CGW", "urban_management", "北京市城市管理委员会"),
    ("ZFJ", "law_enforcement", "北京市城市管理综合行政执法局"),
    ("ZJW", "housing", "北京市住房和城乡建设委员会"),
    ("GHW", "planning", "北京市规划和自然资源委员会"),
    ("STJ", "environment", "北京市生态环境局"),
    ("SCJ", "market", "北京市市场监督管理局"),
    ("JTW", "transport", "北京市交通委员会"),
    ("JGJ", "traffic_police", "北京市公安局公安交通管理局"),
    ("GAJ", "public_security", "北京市公安局"),
    ("JW", "education", "北京市教育委员会"),
    ("WJW", "health", "北京市卫生健康委员会"),
    ("RSJ", "labour", "北京市人力资源和社会保障局"),
    ("MZJ", "civil_affairs", "北京市民政局"),
    ("SWJ", "water", "北京市水务局"),
    ("YLJ", "greening", "北京市园林绿化局"),
    ("NYJ", "agriculture", "北京市农业农村局"),
    ("SWU", "commerce", "北京市商务局"),
    ("WLJ", "culture_tourism", "北京市文化和旅游局"),
    ("YJJ", "emergency", "北京市应急管理局"),
    ("YBJ", "medical_insurance", "北京市医疗保障局"),
    ("ZWJ", "government_services", "北京市政务服务和数据管理局"),
    ("SHB", "social_work", "中共北京市委社会工作部"),
    ("SWJU", "tax", "国家税务总局北京市税务局"),
    ("XFB", "petitions", "北京市信访办公室"),
)

# (code suffix, unit_type, name) of the public utility enterprises.
ENTERPRISES: tuple[tuple[str, str, str], ...] = (
    ("WATER", "water_supply", "北京市自来水集团有限责任公司"),
    ("DRAIN", "drainage", "北京城市排水集团有限责任公司"),
    ("POWER", "power", "国网北京市电力公司"),
    ("GAS", "gas", "北京市燃气集团有限责任公司"),
    ("HEAT", "heating", "北京市热力集团有限责任公司"),
    ("CMCC", "telecom", "中国移动通信集团北京有限公司"),
    ("CUCC", "telecom", "中国联合网络通信有限公司北京市分公司"),
    ("CTCC", "telecom", "中国电信股份有限公司北京分公司"),
    ("BUS", "public_transport", "北京公共交通控股（集团）有限公司"),
)


# Elsewhere the enterprises are named after the city: (code suffix, unit_type, name suffix).
GENERIC_ENTERPRISES: tuple[tuple[str, str, str], ...] = (
    ("WATER", "water_supply", "供水企业"),
    ("DRAIN", "drainage", "排水企业"),
    ("POWER", "power", "供电企业"),
    ("GAS", "gas", "燃气企业"),
    ("HEAT", "heating", "供热企业"),
    ("TEL", "telecom", "通信运营企业"),
)

BEIJING = "11"

# The Chinese name of every unit type (``housing_admin`` → 房屋管理局): pages show these, never codes.
UNIT_TYPE_LABELS: dict[str, str] = {
    "street": "街道办事处",
    "town": "乡镇政府",
    "district_government": "区政府",
    "hotline": "接诉即办中心",
    **{unit_type: suffix for unit_type, suffix in DISTRICT_DEPARTMENTS},
    **{
        unit_type: name.removeprefix("北京市")
        for _, unit_type, name in CITY_DEPARTMENTS
        if unit_type not in dict(DISTRICT_DEPARTMENTS)
    },
    **{unit_type: name for _, unit_type, name in GENERIC_ENTERPRISES},
    "public_transport": "公共交通企业",
}


def unit_type_label(unit_type: str | None) -> str:
    """A unit type's Chinese name; an unknown (admin-made) type is shown as entered."""
    if not unit_type:
        return ""
    return UNIT_TYPE_LABELS.get(unit_type, unit_type)


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str
    unit_type: str | None
    division_code: str
    parent_code: str | None
    jurisdiction: list[str] = field(default_factory=list)


def street_office_name(street_name: str) -> str:
    """望京街道 → 望京街道办事处; 南口镇 → 南口镇人民政府; 崔各庄地区 → 崔各庄地区办事处."""
    if street_name.endswith(("镇", "乡")):
        return street_name + "人民政府"
    return street_name + "办事处"


def build_directory(
    city_code: str, city_name: str, districts: list[tuple[str, str]], streets: list[tuple[str, str, str]]
) -> list[UnitSpec]:
    """Units for a city. ``districts`` is (code, name); ``streets`` is (code, name, district_code).

    Parents come before children in the result, so it can be inserted in order.
    """
    units: list[UnitSpec] = [
        UnitSpec(
            f"C{city_code}",
            f"{city_name}12345市民服务热线中心",
            "center",
            "hotline",
            city_code,
            None,
            [city_code],
        ),
    ]
    for suffix, unit_type, name in CITY_DEPARTMENTS:
        units.append(
            UnitSpec(
                f"M{city_code}-{suffix}",
                name.replace("北京市", city_name, 1),
                "city_dept",
                unit_type,
                city_code,
                None,
                [city_code],
            )
        )
    for suffix, unit_type, name in ENTERPRISES if city_code == BEIJING else GENERIC_ENTERPRISES:
        full_name = name if city_code == BEIJING else f"{city_name}{name}"
        units.append(
            UnitSpec(
                f"E{city_code}-{suffix}", full_name, "enterprise", unit_type, city_code, None, [city_code]
            )
        )
    for code, name in districts:
        gov = f"G{code}"
        units.append(
            UnitSpec(gov, f"{name}人民政府", "district_gov", "district_government", code, None, [code])
        )
        units.append(
            UnitSpec(f"C{code}", f"{name}接诉即办中心", "center", "hotline", code, f"C{city_code}", [code])
        )
        for unit_type, suffix in DISTRICT_DEPARTMENTS:
            units.append(
                UnitSpec(
                    f"D{code}-{unit_type}", f"{name}{suffix}", "district_dept", unit_type, code, gov, [code]
                )
            )
    for code, name, district_code in streets:
        kind_type = "town" if name.endswith(("镇", "乡")) else "street"
        units.append(
            UnitSpec(
                f"S{code}", street_office_name(name), "street", kind_type, code, f"G{district_code}", [code]
            )
        )
    return units
