"""The GeoReport v2 shapes zhili answers with; field names and order are the specification's."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ServiceOut(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class AttributeValue(BaseModel):
    key: str
    name: str


class AttributeOut(BaseModel):
    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[AttributeValue] | None


class ServiceDefinitionOut(BaseModel):
    service_code: str
    attributes: list[AttributeOut]


class CreatedOut(BaseModel):
    service_request_id: str
    token: str
    service_notice: str
    account_id: str | None


class TokenOut(BaseModel):
    service_request_id: str
    token: str


class NoteOut(BaseModel):
    """One public step of the request's history (the notes extension)."""

    datetime: str
    description: str
    type: str


class ExtendedAttributes(BaseModel):
    channel: str
    channel_label: str
    zhili_state: str
    zhili_state_label: str
    agency_code: str | None
    demand_type: str
    urgency: str
    overdue: bool


class RequestOut(BaseModel):
    service_request_id: str
    status: str
    status_notes: str | None
    service_name: str | None
    service_code: str | None
    description: str
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    extended_attributes: ExtendedAttributes | None = None
    notes: list[NoteOut] | None = None

    def as_data(self) -> dict[str, Any]:
        data = self.model_dump()
        if self.extended_attributes is None:
            data.pop("extended_attributes")
            data.pop("notes")
        return data


class EndpointOut(BaseModel):
    specification: str
    url: str
    changeset: str
    type: str
    formats: list[str]


class DiscoveryOut(BaseModel):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[EndpointOut]


class ErrorOut(BaseModel):
    """GeoReport v2 errors are a list of these, in the requested format."""

    code: int
    description: str
