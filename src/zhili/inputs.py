"""Every input is held to ``kernel.fields``' bounds before any route sees it: one guard for the app.

Two parts, because a form's raw bytes are gone once Starlette has parsed it (it decodes what is not
UTF-8 as Latin-1, which stores mojibake):

- ``RawFormCheck`` (ASGI middleware) reads form bodies as they arrive: every field must be UTF-8
  without control characters. Raw UTF-8 bytes in a urlencoded body (``curl -d 描述=…``) are
  percent-encoded on the way, so that Starlette reads them as the text they are.
- ``check_inputs`` (an app-wide dependency, run before the route's own) raises the first problem,
  naming its field, for the form, the query string, the path and a JSON body; integers must fit the
  database and times the years 1900–2999, in JSON and in every parameter a route declares as an
  integer or a time.

A refusal is a ``ValidationFailed`` (422), which each surface renders its own way; Open311 answers
its ``[{code, description}]`` with 400.
"""

from __future__ import annotations

import re
import types
import weakref
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import unquote_to_bytes

from fastapi import Request
from pydantic import TypeAdapter, ValidationError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zhili.errors import ValidationFailed
from zhili.kernel.fields import INT_MESSAGE, int_in_range, moment_problem, text_problem

PROBLEM = "zhili.input_problem"
URLENCODED = b"application/x-www-form-urlencoded"
MULTIPART = b"multipart/form-data"
MAX_URLENCODED = 8 * 1024 * 1024
MAX_TEXT_PART = 1024 * 1024 + 1  # Starlette refuses larger text parts itself
NOT_UTF8 = "不是有效的 UTF-8 文本"
_RAW_BYTE = re.compile(rb"[\x80-\xff]")


def _decoded(raw: bytes, field: str) -> tuple[str, tuple[str, str] | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "", (field, NOT_UTF8)
    problem = text_problem(text)
    return text, ((field, problem) if problem else None)


def urlencoded_problem(body: bytes) -> tuple[tuple[str, str] | None, bytes]:
    """The first bad field of a urlencoded body, and the body with raw non-ASCII bytes escaped."""
    escaped = _RAW_BYTE.sub(lambda m: b"%%%02X" % m.group()[0], body)
    for pair in escaped.split(b"&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition(b"=")
        name, problem = _decoded(unquote_to_bytes(raw_name.replace(b"+", b" ")), "form")
        if problem is None:
            _, problem = _decoded(unquote_to_bytes(raw_value.replace(b"+", b" ")), name)
        if problem is not None:
            return problem, escaped
    return None, escaped


class _MultipartCheck:
    """Follows a multipart body chunk by chunk and keeps the first bad text field or file name."""

    def __init__(self, boundary: bytes) -> None:
        self.problem: tuple[str, str] | None = None
        self._header = b""
        self._value = b""
        self._disposition = b""
        self._name = "form"
        self._file = False
        self._data = bytearray()
        self._broken = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_part_data": self._part_data,
                "on_part_end": self._end,
                "on_header_field": lambda d, s, e: self._add("_header", d[s:e]),
                "on_header_value": lambda d, s, e: self._add("_value", d[s:e]),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
            },
        )

    def _add(self, attribute: str, data: bytes) -> None:
        setattr(self, attribute, getattr(self, attribute) + data)

    def _begin(self) -> None:
        self._disposition, self._name, self._file, self._data = b"", "form", False, bytearray()

    def _header_end(self) -> None:
        if self._header.lower() == b"content-disposition":
            self._disposition = self._value
        self._header = self._value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name, problem = _decoded(options.get(b"name", b"form"), "form")
        if problem is None and b"filename" in options:
            self._file = True
            _, problem = _decoded(options[b"filename"], self._name)
        self._keep(problem)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._file and len(self._data) < MAX_TEXT_PART:
            self._data.extend(data[start:end])

    def _end(self) -> None:
        if not self._file:
            self._keep(_decoded(bytes(self._data), self._name)[1])

    def _keep(self, problem: tuple[str, str] | None) -> None:
        if self.problem is None and problem is not None:
            self.problem = problem

    def feed(self, chunk: bytes) -> None:
        if chunk and self.problem is None and not self._broken:
            try:
                self._parser.write(chunk)
            except Exception:  # a malformed body: Starlette's own parser answers 400 for it
                self._broken = True


class RawFormCheck:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        if content_type.startswith(URLENCODED):
            await self.app(scope, await self._urlencoded(scope, receive), send)
        elif content_type.startswith(MULTIPART):
            await self.app(scope, self._multipart(scope, receive, content_type), send)
        else:
            await self.app(scope, receive, send)

    async def _urlencoded(self, scope: Scope, receive: Receive) -> Receive:
        body = bytearray()
        more = True
        while more and len(body) <= MAX_URLENCODED:
            message = await receive()
            if message["type"] != "http.request":
                return receive
            body.extend(message.get("body", b""))
            more = message.get("more_body", False)
        if more:
            scope[PROBLEM] = ("form", "表单内容过大")
            return receive
        problem, escaped = urlencoded_problem(bytes(body))
        if problem is not None:
            scope[PROBLEM] = problem
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": escaped, "more_body": False}

        return replay

    def _multipart(self, scope: Scope, receive: Receive, content_type: bytes) -> Receive:
        boundary = parse_options_header(content_type)[1].get(b"boundary")
        if not boundary:
            return receive
        check = _MultipartCheck(boundary)

        async def follow() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                check.feed(message.get("body", b""))
                if check.problem is not None:
                    scope[PROBLEM] = check.problem
            return message

        return follow


# -- the dependency ---------------------------------------------------------------------------------


def _raw_pairs(query: bytes) -> Iterator[tuple[bytes, bytes]]:
    for pair in query.split(b"&"):
        if pair:
            name, _, value = pair.partition(b"=")
            yield unquote_to_bytes(name.replace(b"+", b" ")), unquote_to_bytes(value.replace(b"+", b" "))


def _json_problem(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        problem = text_problem(value)
        return (path or "body", problem) if problem else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if int_in_range(value) else (path or "body", INT_MESSAGE)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        found = _json_problem(key, name) if isinstance(key, str) else None
        found = found or _json_problem(item, name)
        if found:
            return found
    return None


def _kind(annotation: Any) -> str | None:
    """'int' or 'time' for a declared integer or time (also optional, or a list of them)."""
    while get_origin(annotation) in (Annotated, Union, types.UnionType, list):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if get_origin(annotation) is Annotated:
            args = args[:1]
        if len(args) != 1:
            return None
        annotation = args[0]
    if annotation is int:
        return "int"
    if annotation in (datetime, date):
        return "time"
    return None


_TIME = TypeAdapter(datetime)
# By the route's id, with a weak reference that tells a dead route's reused id from its own (routes
# are unhashable, and tests make many apps).
_DECLARED: dict[int, tuple[weakref.ref[Any], list[tuple[str, str, str]]]] = {}


def _declared(request: Request) -> list[tuple[str, str, str]]:
    """(where, name, kind) of the route's integer and time parameters, worked out once per route."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return []
    known = _DECLARED.get(id(route))
    if known is None or known[0]() is not route:
        found = []
        pending = [dependant]
        while pending:
            current = pending.pop()
            pending.extend(current.dependencies)
            for where, fields in (
                ("query", current.query_params),
                ("path", current.path_params),
                ("form", current.body_params),
            ):
                for field in fields:
                    kind = _kind(field.field_info.annotation)
                    if kind:
                        found.append((where, field.alias, kind))
        known = _DECLARED[id(route)] = (weakref.ref(route), found)
    return known[1]


def _value_problem(kind: str, raw: object) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    if kind == "int":
        try:
            return None if int_in_range(int(raw.strip())) else INT_MESSAGE
        except ValueError:
            return None  # not a number: the route's own validation says so
    try:
        return moment_problem(_TIME.validate_python(raw.strip()))
    except ValidationError:
        try:
            return moment_problem(date.fromisoformat(raw.strip()))
        except ValueError:
            return None


async def _problem(request: Request) -> tuple[str, str] | None:
    scope = request.scope
    for name, value in request.path_params.items():
        message = text_problem(str(value))
        if message:
            return name, message
    found = _decoded(unquote_to_bytes(scope.get("raw_path") or b""), "path")[1]
    if found:
        return found
    for raw_name, raw_value in _raw_pairs(scope.get("query_string", b"")):
        name, found = _decoded(raw_name, "query")
        found = found or _decoded(raw_value, name)[1]
        if found:
            return found
    content_type = request.headers.get("content-type", "")
    form = None
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        if PROBLEM in scope:
            found_problem: tuple[str, str] = scope[PROBLEM]
            return found_problem
    elif content_type.startswith("application/json"):
        try:
            found_json = _json_problem(await request.json(), "")
        except ValueError:
            found_json = None  # not JSON: the route's own parsing answers
        if found_json:
            return found_json
    for where, name, kind in _declared(request):
        source: Any = {"query": request.query_params, "path": request.path_params, "form": form}[where]
        if source is None:
            continue
        values = source.getlist(name) if hasattr(source, "getlist") else [source.get(name)]
        for raw in values:
            message = _value_problem(kind, raw)
            if message:
                return name, message
    return None


async def check_inputs(request: Request) -> None:
    problem = await _problem(request)
    if problem is not None:
        field, message = problem
        raise ValidationFailed(f"{field}：{message}", field=field)
