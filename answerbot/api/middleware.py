"""ASGI middleware: request ids, body size limit, latency metrics and one access log line per request."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from answerbot.api.logs import request_id_var
from answerbot.api.metrics import Metrics

__all__ = ["REQUEST_ID_HEADER", "RequestMiddleware"]

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

log = logging.getLogger("answerbot.api.access")


def _error_body(code: str, message: str, field: str | None) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "field": field}}).encode()


class RequestMiddleware:
    """Reads the whole body (refusing more than ``max_body_bytes`` with 413), then calls the app.

    The request id is the client's ``X-Request-ID`` when well-formed, else a new one; it is echoed in the
    response, bound to the log context, and logged with method, route, status and latency.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        given = headers.get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = given if _VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        status = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (REQUEST_ID_HEADER.encode(), request_id.encode())]
            await send(message)

        try:
            body = await self._read_body(scope, receive, headers)
            if body is None:
                await self._too_large(send_with_id)
            else:
                await self.app(scope, _replay(body, receive), send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            self.metrics.request_seconds.labels(scope["method"], route, str(status["code"])).observe(elapsed)
            log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status["code"],
                extra={"route": route, "status": status["code"], "duration_ms": round(elapsed * 1000, 3)},
            )
            request_id_var.reset(token)

    async def _read_body(self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]) -> bytes | None:
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _too_large(self, send: Send) -> None:
        body = _error_body(
            "payload_too_large",
            f"request body exceeds {self.max_body_bytes} bytes (ANSWERBOT_MAX_REQUEST_BYTES); send less per request",
            "body",
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive: Receive) -> Receive:
    """The buffered body once, then the client's own messages (a later disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"
