"""Services and their definitions, read from the taxonomy.

Each active category below the first level is a service: its code is the ``service_code``, its
first-level ancestor the ``group``. Every service asks the same attributes (诉求类型, 紧急程度, a
title, confidentiality), so every service has ``metadata`` true and one definition shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhili.open311.errors import not_found
from zhili.open311.schemas import AttributeOut, AttributeValue, ServiceDefinitionOut, ServiceOut
from zhili.taxonomy import repository as taxonomy
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS, URGENCY_LABELS
from zhili.taxonomy.models import Category

SERVICE_TYPE = "realtime"  # the tracking code is returned at once; tokens are never needed

DEMAND_TYPE = "demand_type"
URGENCY = "urgency"
TITLE = "title"
CONFIDENTIAL = "confidential"
PRIVACY_NOTICE = "privacy_notice"

YES_NO = [AttributeValue(key="false", name="否"), AttributeValue(key="true", name="是")]


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    path: tuple[str, ...]
    group: str
    keywords: str


def attributes() -> list[AttributeOut]:
    """The attributes every service asks, in presentation order."""
    return [
        AttributeOut(
            variable=True,
            code=DEMAND_TYPE,
            datatype="singlevaluelist",
            required=True,
            datatype_description="从列表中选择一项",
            order=1,
            description="诉求类型",
            values=[AttributeValue(key=k.value, name=v) for k, v in DEMAND_TYPE_LABELS.items()],
        ),
        AttributeOut(
            variable=True,
            code=URGENCY,
            datatype="singlevaluelist",
            required=False,
            datatype_description="从列表中选择一项；不填为一般",
            order=2,
            description="紧急程度",
            values=[AttributeValue(key=k.value, name=v) for k, v in URGENCY_LABELS.items()],
        ),
        AttributeOut(
            variable=True,
            code=TITLE,
            datatype="string",
            required=False,
            datatype_description="不超过 200 个字符；不填时取描述的开头",
            order=3,
            description="诉求标题",
            values=None,
        ),
        AttributeOut(
            variable=True,
            code=CONFIDENTIAL,
            datatype="singlevaluelist",
            required=False,
            datatype_description="true 或 false；不填为否",
            order=4,
            description="是否要求对承办单位保密个人信息",
            values=YES_NO,
        ),
        AttributeOut(
            variable=False,
            code=PRIVACY_NOTICE,
            datatype="text",
            required=False,
            datatype_description=None,
            order=5,
            description="您的姓名、电话和电子邮箱仅加密保存，用于回访，不会公开。请勿在描述中填写身份证号等个人信息。",
            values=None,
        ),
    ]


def _split_keywords(raw: str) -> str:
    return ", ".join(word.strip() for word in raw.replace("；", ";").split(";") if word.strip())


def services(session: Session) -> list[Service]:
    categories: Sequence[Category] = taxonomy.all_categories(session)
    names = {c.code: c.name for c in categories}
    found = []
    for category in categories:
        if category.level < 2:
            continue
        path = tuple(
            names[category.code[: 2 * n]]
            for n in range(1, category.level + 1)
            if category.code[: 2 * n] in names
        )
        found.append(
            Service(
                code=category.code,
                name=category.name,
                path=path,
                group=names.get(category.code[:2], ""),
                keywords=_split_keywords(category.keywords or ""),
            )
        )
    return found


def service_out(service: Service) -> ServiceOut:
    return ServiceOut(
        service_code=service.code,
        service_name=service.name,
        description=" / ".join(service.path),
        metadata=True,
        type=SERVICE_TYPE,
        keywords=service.keywords,
        group=service.group,
    )


def find(session: Session, code: str) -> Service:
    """The service with this code, or a 404 naming it."""
    category = taxonomy.by_code(session, code)
    if category is None or not category.active or category.level < 2:
        raise not_found(f"service_code {code} 不存在（未知的服务类型）")
    path = [c.name for c in taxonomy.category_path(session, category)]
    return Service(
        code=category.code,
        name=category.name,
        path=tuple(path),
        group=path[0] if path else "",
        keywords=_split_keywords(category.keywords or ""),
    )


def definition(service: Service) -> ServiceDefinitionOut:
    return ServiceDefinitionOut(service_code=service.code, attributes=attributes())
