"""Request checks every route gets before its own: no NUL bytes, upload names a file system takes.

A NUL byte is never meaningful in text accord keeps, and PostgreSQL refuses it in a string
(which would be a 500); an upload's file name longer than a file system allows fails when the
file is written. Both are refused here with 422 naming the field, so nothing is written.
The parsed JSON body and form are cached on the request, so the route does not read them again.
Every 422, whoever raises it, leaves in the one shape the OpenAPI schema documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import HTTPException as ApiError  # its detail may be a list
from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import Response

# Most file systems allow 255 bytes in one name.
MAX_FILENAME_BYTES = 255
NUL = "\x00"


def _error(loc: tuple[str | int, ...], message: str) -> dict[str, Any]:
    return {"type": "value_error", "loc": loc, "msg": message, "input": None}


def _nul_paths(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    """Locations within a parsed JSON value of every string (key or value) holding a NUL."""
    if isinstance(value, str):
        if NUL in value:
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield (*loc, key)
            yield from _nul_paths(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*loc, index))


async def _body_errors(request: Request) -> list[dict[str, Any]]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    errors: list[dict[str, Any]] = []
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            document = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return []  # FastAPI answers a body that is not JSON with its own 422
        errors += [
            _error(("body", *loc), "must not contain a NUL byte")
            for loc in _nul_paths(document, ())
        ]
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                filename = value.filename or ""
                if NUL in filename:
                    errors.append(_error(("body", name), "the file name contains a NUL byte"))
                elif len(filename.encode()) > MAX_FILENAME_BYTES:
                    errors.append(
                        _error(
                            ("body", name),
                            f"the file name is longer than {MAX_FILENAME_BYTES} bytes",
                        )
                    )
            elif NUL in name or NUL in value:
                errors.append(_error(("body", name), "must not contain a NUL byte"))
    return errors


async def reject_bad_input(request: Request) -> None:
    errors = [
        _error(("path", name), "must not contain a NUL byte")
        for name, value in request.path_params.items()
        if NUL in str(value)
    ]
    errors += [
        _error(("query", name), "must not contain a NUL byte")
        for name, value in request.query_params.multi_items()
        if NUL in name or NUL in value
    ]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        errors += await _body_errors(request)
    if errors:
        raise RequestValidationError(errors)


def _location(request: Request, field: str) -> tuple[str, ...]:
    where = "body"
    if field in request.query_params:
        where = "query"
    elif field in request.path_params:
        where = "path"
    return (where, *field.split("."))


async def one_shape_for_422(request: Request, exc: Exception) -> Response:
    """Every 422 in the shape the schema documents for it (a list of {loc, msg, type}): a
    route that raised HTTPException(422, "field: why") gets its message placed the same way."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 422 and isinstance(exc.detail, str):
        field, sep, why = exc.detail.partition(": ")
        loc = _location(request, field) if sep and field and " " not in field else ("body",)
        exc = ApiError(
            422,
            [{"type": "value_error", "loc": list(loc), "msg": why if sep else exc.detail}],
            exc.headers,
        )
    return await http_exception_handler(request, exc)
