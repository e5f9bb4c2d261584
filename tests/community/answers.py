"""Checks a JSON answer against the response model its route declares."""

from __future__ import annotations

import json
from typing import Any

from httpx import Response
from pydantic import TypeAdapter


def shaped(response: Response, shape: Any, status: int = 200) -> Any:
    """The answer's JSON, once it is known to be exactly what ``shape`` (a model, or ``list[Model]``)
    writes: every key of the model, nested ones too, no other key, and values that survive the model."""
    assert response.status_code == status, response.text
    body = response.json()
    adapter: TypeAdapter[Any] = TypeAdapter(shape)
    assert json.loads(adapter.dump_json(adapter.validate_python(body))) == body
    return body
