"""What the API takes to register a social organisation or a street hub."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from zhili.community.organisations.models import HubKind, OrgType
from zhili.community.schemas import CODE9, Strict, Text


class OrgIn(Strict):
    name: Text = Field(min_length=1, max_length=128)
    org_type: OrgType
    street_code: Text = Field(pattern=CODE9)
    registered_on: date | None = None


class HubIn(Strict):
    kind: HubKind
    street_code: Text = Field(pattern=CODE9)
    name: Text = Field(min_length=1, max_length=128)
    established_on: date | None = None
