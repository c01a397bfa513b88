"""Every error as JSON ``{"error": {"code", "message", "field"}}``, mapped from its exception."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from answerbot.api.schemas import ErrorOut
from answerbot.encoders.base import EncoderError
from answerbot.service import ServiceError
from answerbot.store import StoreError

__all__ = ["ERROR_RESPONSES", "error_response", "install_error_handlers"]

log = logging.getLogger(__name__)

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": description}
    for status, description in [
        (400, "Body is not valid JSON or not UTF-8"),
        (401, "Missing or unknown API key (X-API-Key)"),
        (404, "Unknown account (or one the key does not open), article or interaction"),
        (409, "Conflicts with stored state"),
        (413, "Text, batch or body over the configured limit"),
        (422, "Invalid value"),
        (503, "Encoder or store unavailable"),
    ]
}

_PARAM_LOCATIONS = {
    "x-api-key": "header",
    "account": "path",
    "article_id": "path",
    "interaction_id": "path",
    "limit": "query",
    "offset": "query",
    "q": "query",
    "last": "query",
    "bin_width": "query",
    "from": "query",
    "to": "query",
}
_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type"}


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """The JSON error response every handler returns."""
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message, "field": field}})


def _dotted(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    for error in errors:
        if error.get("type") == "json_invalid":
            detail = error.get("ctx", {}).get("error", "decode error")
            return error_response(400, "invalid_json", f"request body is not valid JSON: {detail}", "body")
    if not errors:
        return error_response(422, "validation_error", "request is invalid")
    first = errors[0]
    field = _dotted(first["loc"])
    message = f"{field}: {first['msg']}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return error_response(422, "validation_error", message, field)


def _field(exc: ServiceError) -> str | None:
    """The error's field with where it was sent: ``path.account``, ``query.limit``, ``body.articles.3.title``."""
    if exc.field is None:
        return None
    if exc.in_body:
        return f"body.{exc.field}"
    return f"{_PARAM_LOCATIONS.get(exc.field.split('.', 1)[0], 'body')}.{exc.field}"


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    """Status, code and field come from the error class (``ServiceError.status``/``code``/``field``)."""
    assert isinstance(exc, ServiceError)
    response = error_response(exc.status, exc.code, str(exc), _field(exc))
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = "ApiKey"
    return response


def _unavailable(request: Request, code: str, what: str) -> JSONResponse:
    """503 with ``Retry-After`` (``ANSWERBOT_RETRY_AFTER_S``): the client should retry, not give up."""
    settings = getattr(request.app.state, "settings", None)
    seconds = getattr(settings, "retry_after_s", 2)
    response = error_response(503, code, f"the {what} is unavailable; retry after {seconds} s")
    response.headers["Retry-After"] = str(seconds)
    return response


async def _encoder_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("encoder failed on %s %s: %s", request.method, request.url.path, exc)
    return _unavailable(request, "encoder_unavailable", "text encoder")


async def _store_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("store failed on %s %s: %s", request.method, request.url.path, exc)
    return _unavailable(request, "store_unavailable", "article store")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code
    if exc.status_code == 404 and message == "Not Found":
        message = f"no route {request.method} {request.url.path}; see /docs for the API"
    response = error_response(exc.status_code, code, message)
    response.headers.update(exc.headers or {})
    return response


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "internal server error; it was logged")


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(EncoderError, _encoder_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
