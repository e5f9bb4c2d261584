"""Masking of personal data for roles that must not see it in full (138****1234), and what a phone
number or an ID number looks like inside free text (the analytics scrubber and the log filter use
the same patterns; their precision and recall are measured by ``bench/scrubbing.py``)."""

from __future__ import annotations

import re

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)86[- ]?|86[- ])?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    name = name.strip()
    return name[0] + "*" * max(1, len(name) - 1)


def mask_id_number(id_number: str | None) -> str | None:
    if not id_number:
        return id_number
    value = id_number.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
