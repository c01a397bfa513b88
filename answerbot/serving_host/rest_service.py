"""TF Serving's REST API over a ModelRegistry (stdlib ``http.server``, one thread per request).

``GET  /v1/models/NAME[/versions/N|/labels/L]``            model status
``GET  /v1/models/NAME[/versions/N|/labels/L]/metadata``   signature defs (proto3 JSON)
``POST /v1/models/NAME[/versions/N|/labels/L]:predict``    row (``instances`` -> ``predictions``) or
columnar (``inputs`` -> ``outputs``) format; errors as ``{"error": "..."}``.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
from google.protobuf import json_format
from tensorflow_serving.apis import get_model_metadata_pb2

from answerbot.serving_host.registry import LoadedVersion, ModelRegistry, ServingError

__all__ = ["start_rest"]

_PATH = re.compile(
    r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>\d+)|/labels/(?P<label>[^/:]+))?(?P<verb>:predict|/metadata)?$"
)
_HTTP = {"NOT_FOUND": 404, "INVALID_ARGUMENT": 400, "FAILED_PRECONDITION": 400, "UNIMPLEMENTED": 501}


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"b64"}:
        return base64.b64decode(value["b64"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _array(values: Any) -> np.ndarray:
    decoded = _decode(values)
    array = np.array(decoded)
    if array.dtype.kind in "US":
        array = np.array(decoded, dtype=object)
    return array


def _jsonable(value: np.ndarray) -> Any:
    if value.dtype == object:
        return np.vectorize(lambda b: b.decode("utf-8") if isinstance(b, bytes) else b, otypes=[object])(value).tolist()
    return value.tolist()


def _parse_inputs(body: dict[str, Any], input_names: list[str]) -> tuple[dict[str, np.ndarray], bool]:
    """Request tensors and whether the request used the row (``instances``) format."""
    if "instances" in body:
        instances = body["instances"]
        if not isinstance(instances, list) or not instances:
            raise ServingError("INVALID_ARGUMENT", "'instances' must be a non-empty list")
        if all(isinstance(i, dict) and set(i) != {"b64"} for i in instances):
            keys = set(instances[0])
            if any(set(i) != keys for i in instances):
                raise ServingError("INVALID_ARGUMENT", "instances must all name the same inputs")
            return {k: _array([i[k] for i in instances]) for k in keys}, True
        if len(input_names) != 1:
            raise ServingError("INVALID_ARGUMENT", f"the signature has inputs {input_names}; send objects per instance")
        return {input_names[0]: _array(instances)}, True
    if "inputs" in body:
        inputs = body["inputs"]
        if isinstance(inputs, dict):
            return {k: _array(v) for k, v in inputs.items()}, False
        if len(input_names) != 1:
            raise ServingError(
                "INVALID_ARGUMENT", f"the signature has inputs {input_names}; send 'inputs' as an object"
            )
        return {input_names[0]: _array(inputs)}, False
    raise ServingError("INVALID_ARGUMENT", "Missing 'inputs' or 'instances' key")


def _predict(registry: ModelRegistry, loaded: LoadedVersion, body: dict[str, Any]) -> dict[str, Any]:
    signature = body.get("signature_name") or "serving_default"
    if signature not in loaded.signature_defs:
        raise ServingError("INVALID_ARGUMENT", f'Serving signature name: "{signature}" not found in signature def')
    inputs, rows = _parse_inputs(body, sorted(loaded.signature_defs[signature].inputs))
    outputs = registry.predict(loaded, signature, inputs)
    if rows:
        if len(outputs) == 1:
            return {"predictions": _jsonable(next(iter(outputs.values())))}
        keys = sorted(outputs)
        n = len(next(iter(outputs.values())))
        return {"predictions": [{k: _jsonable(outputs[k][i : i + 1])[0] for k in keys} for i in range(n)]}
    if len(outputs) == 1:
        return {"outputs": _jsonable(next(iter(outputs.values())))}
    return {"outputs": {k: _jsonable(v) for k, v in outputs.items()}}


def _metadata(loaded: LoadedVersion) -> dict[str, Any]:
    signatures = get_model_metadata_pb2.SignatureDefMap()
    for key, value in loaded.signature_defs.items():
        signatures.signature_def[key].CopyFrom(value)
    return {
        "model_spec": {"name": loaded.name, "signature_name": "", "version": str(loaded.version)},
        "metadata": {"signature_def": json_format.MessageToDict(signatures, preserving_proto_field_name=True)},
    }


def _handler(registry: ModelRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet, like the real server
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            match = _PATH.match(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                if not match:
                    raise ServingError("NOT_FOUND", f"Malformed request: {method} {self.path}")
                version = int(match["version"]) if match["version"] else None
                loaded = registry.resolve(match["name"], version, match["label"])
                verb = match["verb"]
                if method == "POST" and verb == ":predict":
                    try:
                        body = json.loads(raw or b"{}")
                    except json.JSONDecodeError as e:
                        raise ServingError("INVALID_ARGUMENT", f"JSON Parse error: {e}") from e
                    self._send(200, _predict(registry, loaded, body))
                elif method == "GET" and verb == "/metadata":
                    self._send(200, _metadata(loaded))
                elif method == "GET" and verb is None:
                    state = {"version": str(loaded.version), "state": "AVAILABLE", "status": {"error_code": "OK"}}
                    self._send(200, {"model_version_status": [state]})
                else:
                    raise ServingError("NOT_FOUND", f"Malformed request: {method} {self.path}")
            except ServingError as e:
                self._send(_HTTP.get(e.code, 500), {"error": e.message})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

    return Handler


def start_rest(registry: ModelRegistry, host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, int]:
    """Serve REST in a daemon thread (port 0 picks a free one); return ``(server, port)``.

    Stop with ``server.shutdown(); server.server_close()``.
    """
    server = ThreadingHTTPServer((host, port), _handler(registry))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="tfserving-rest", daemon=True).start()
    return server, server.server_address[1]
