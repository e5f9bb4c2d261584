"""XML and JSON renderings of the same data, following the specification's Spark convention.

A list becomes a container element holding one child per item (``<attributes><attribute>``), so
the JSON is the programmatic mapping of the XML: arrays where the XML repeats an element.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from fastapi.responses import Response

from zhili.kernel.fields import xml_safe

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
MEDIA_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
DISCOVERY_FORMATS = ["text/xml", "application/json"]

# Container element -> the element of each item inside it.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "errors": "error",
    "service_requests": "request",
}


def _text(value: object) -> str | None:
    """Element text; characters XML cannot carry (stored before input was checked) become U+FFFD."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_tag = ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, item_tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(
    fmt: str, root: str, data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """``root`` names the XML root element; a list at the root is repeated as its items."""
    content = to_xml(root, data) if fmt == XML else to_json(data)
    return Response(content=content, status_code=status, media_type=MEDIA_TYPES[fmt], headers=headers)
