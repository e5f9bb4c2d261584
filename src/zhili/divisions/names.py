"""The names a division goes by in an address, each with how much it says.

Official names carry administrative suffixes that addresses drop or shorten: 朝阳区 → 朝阳,
望京街道 → 望京, 南磨房地区 → 南磨房乡, 多福巷社区居委会 → 多福巷社区, 辛庄村委会 → 辛庄村. A bare
name (the suffix removed) is weaker evidence than a full one, and bare names that are too short to
be safe inside longer words (辛庄, 东坝 as a community) are not used at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from zhili.divisions.models import DivisionLevel

OFFICIAL = 1.0
COMMON = 0.95
BARE_QUALITY = {
    DivisionLevel.city: 0.9,
    DivisionLevel.district: 0.85,
    DivisionLevel.street: 0.7,
    DivisionLevel.community: 0.6,
}
MIN_BARE_LENGTH = {
    DivisionLevel.city: 2,
    DivisionLevel.district: 2,
    DivisionLevel.street: 2,
    DivisionLevel.community: 3,
}

CITY_SUFFIXES = ("市",)
DISTRICT_SUFFIXES = ("自治县", "区", "县", "市", "旗")
# 民族乡 (满族乡, 回族乡, 苗族侗族乡 ...): the peoples' names are part of the suffix.
PEOPLES = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|"
    "撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺"
)
ETHNIC_TOWNSHIP = re.compile(r"^(?P<base>.{2,}?)(?:" + PEOPLES + r")族(?:.{1,4}族)*乡$")
RESIDENT_SUFFIXES = ("社区居民委员会", "社区居民居委会", "社区居委会")
COMMITTEE_SUFFIXES = ("居民委员会", "居委会")
VILLAGE_SUFFIXES = ("村民委员会", "村委会")

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Alias:
    text: str
    quality: float


def normalize(text: str) -> str:
    """Full-width to half-width and no white space, for names and addresses alike."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _strip(name: str, suffixes: tuple[str, ...]) -> tuple[str, str] | None:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return None


def _street_forms(name: str) -> tuple[str | None, list[str]]:
    """(bare name, other common full forms) of a 街道/地区/镇/乡 name."""
    ethnic = ETHNIC_TOWNSHIP.match(name)
    if ethnic:
        return ethnic["base"], [ethnic["base"] + "乡"]
    stripped = _strip(name, ("街道办事处", "街道", "地区", "镇", "乡"))
    if stripped is None:
        return None, []
    base, suffix = stripped
    others = {
        "街道办事处": [base + "街道"],
        "街道": [base + "街道办事处"],
        # A 地区办事处 is the office of a 乡 or 镇 with urban parts; addresses use either name.
        "地区": [base + "乡", base + "镇"],
        "镇": [base + "地区"],
        "乡": [base + "地区"],
    }[suffix]
    return base, others


def _community_forms(name: str) -> tuple[str | None, list[str]]:
    """(bare name, other common full forms) of a 社区/村 name."""
    stripped = _strip(name, RESIDENT_SUFFIXES)
    if stripped:
        base = stripped[0]
        return base, [base + "社区", base + "社区居委会"]
    stripped = _strip(name, VILLAGE_SUFFIXES)
    if stripped:
        base = stripped[0]
        village = base if base.endswith("村") else base + "村"
        root = village[:-1]
        return root, [village, root + "村委会", root + "村民委员会"]
    stripped = _strip(name, COMMITTEE_SUFFIXES)
    if stripped:
        base = stripped[0]
        return base, [base + "社区", base + "居委会"]
    if name.endswith("社区") and len(name) > 2:
        return name[:-2], []
    if name.endswith("村") and len(name) > 1:
        return name[:-1], [name + "委会"]
    return None, []


def aliases(name: str, level: DivisionLevel) -> list[Alias]:
    """Every form of ``name`` worth looking for in an address, best quality per text."""
    name = normalize(name)
    bare: str | None = None
    others: list[str] = []
    if level in (DivisionLevel.city, DivisionLevel.district):
        stripped = _strip(name, CITY_SUFFIXES if level == DivisionLevel.city else DISTRICT_SUFFIXES)
        bare = stripped[0] if stripped else None
    elif level == DivisionLevel.street:
        bare, others = _street_forms(name)
    else:
        bare, others = _community_forms(name)

    found: dict[str, float] = {name: OFFICIAL}
    for other in others:
        found.setdefault(other, COMMON)
    if bare and len(bare) >= MIN_BARE_LENGTH[level]:
        found.setdefault(bare, BARE_QUALITY[level])
    return [Alias(text, quality) for text, quality in found.items()]
