"""Open311 errors: always the specification's array of ``{code, description}``, in XML or JSON.

HTTP statuses follow the specification: 404 for what does not exist (a service, a request, a token,
a jurisdiction), 403 for a missing or invalid api_key, 400 for everything else that cannot be done.
Errors raised by the shared services (``zhili.errors``) are translated here, so an Open311 client
never sees the REST API's ``{"error": ...}`` shape.
"""

from __future__ import annotations

from zhili.errors import Conflict, Forbidden, NotAuthenticated, NotFound, ZhiliError

# Field names of the shared services, as an Open311 client knows them.
OPEN311_FIELDS = {
    "lng": "long",
    "address": "address_string",
    "citizen.phone": "phone",
    "citizen.name": "first_name",
    "title": "attribute[title]",
    "demand_type": "attribute[demand_type]",
    "urgency": "attribute[urgency]",
    "category": "service_code",
}


class Open311Problem(Exception):
    """One or more errors with the HTTP status they answer with."""

    def __init__(self, status: int, description: str, *more: str) -> None:
        super().__init__(description)
        self.status = status
        self.descriptions = [description, *more]

    def errors(self) -> list[dict[str, object]]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def bad_request(description: str) -> Open311Problem:
    return Open311Problem(400, description)


def not_found(description: str) -> Open311Problem:
    return Open311Problem(404, description)


def forbidden(description: str) -> Open311Problem:
    return Open311Problem(403, description)


def field_name(field: str | None) -> str | None:
    if field is None:
        return None
    return OPEN311_FIELDS.get(field, field)


# The specification's statuses: what cannot be done is a 400, whatever the shared service called it.
STATUS_OF = {401: 403, 409: 400, 413: 400, 422: 400}


def from_body(status: int, body: dict[str, object]) -> Open311Problem:
    """An error any layer answered (``{code, message, field}``), as the specification's array."""
    field = field_name(body.get("field") if isinstance(body.get("field"), str) else None)  # type: ignore[arg-type]
    message = str(body.get("message") or "请求无效")
    if field and field not in message:
        message = f"{field}：{message}"
    return Open311Problem(STATUS_OF.get(status, status), message)


def from_zhili(error: ZhiliError) -> Open311Problem:
    """The Open311 form of an error raised by a shared service."""
    field = field_name(error.field)
    message = f"{field}：{error.message}" if field and field not in error.message else error.message
    if isinstance(error, NotAuthenticated | Forbidden):
        return forbidden(message)
    if isinstance(error, NotFound):
        return not_found(message)
    if isinstance(error, Conflict):
        return bad_request(message)
    return bad_request(message)
