"""One error base carrying its HTTP status; each surface renders it its own way."""

from __future__ import annotations


class ZhiliError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body

    def form_errors(self) -> dict[str, str]:
        """How a form page shows the refusal: the message next to its field, or above the form."""
        return {self.field or "form": self.message}


class ValidationFailed(ZhiliError):
    status = 422
    code = "validation_failed"


class FieldErrors(ValidationFailed):
    """Several fields refused at once (a form checked whole): each with its own message."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = dict(errors)

    def form_errors(self) -> dict[str, str]:
        return dict(self.errors)


class NotAuthenticated(ZhiliError):
    status = 401
    code = "not_authenticated"


class Forbidden(ZhiliError):
    status = 403
    code = "forbidden"


class PasswordChangeRequired(Forbidden):
    """Signed in with a one-time password: every surface refuses work until it is changed."""

    code = "password_change_required"


class NotFound(ZhiliError):
    status = 404
    code = "not_found"


class Conflict(ZhiliError):
    status = 409
    code = "conflict"


class LinkRetired(ZhiliError):
    """An old link format that is answered, but no longer served (410)."""

    status = 410
    code = "link_retired"


class TooManyAttempts(ZhiliError):
    status = 429
    code = "too_many_attempts"


class RedirectTo(ZhiliError):
    """Web pages only: send the browser elsewhere (for example to change a one-time password)."""

    status = 303
    code = "redirect"

    def __init__(self, location: str, message: str = "") -> None:
        super().__init__(message or location)
        self.location = location
