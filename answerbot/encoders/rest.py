"""TF Serving over REST: ``POST /v1/models/NAME[/versions/N|/labels/L]:predict`` with httpx.

At construction the client reads ``GET .../metadata`` (the version the spec resolves to, the output
dimension) and the answerbot metadata through the ``metadata`` signature; requests then go to that
resolved ``/versions/N`` (REST responses do not name the version, so pinning keeps vectors of one
version). One ``httpx.Client`` (keep-alive connection pool) is reused; connection errors, timeouts
and 503 are retried with exponential backoff.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from answerbot.encoders.base import EncoderError
from answerbot.encoders.remote import RemoteEncoder

__all__ = ["RestEncoder"]

log = logging.getLogger(__name__)


class RestEncoder(RemoteEncoder):
    """Encodes texts with a model hosted by TF Serving, over its REST API."""

    def __init__(
        self,
        base_url: str,
        model_name: str = "answerbot",
        version: int | None = None,
        label: str | None = None,
        timeout_s: float = 5.0,
        retries: int = 2,
        backoff_s: float = 0.1,
        batch_size: int = 256,
        signature: str = "serving_default",
    ) -> None:
        import httpx

        if version is not None and label is not None:
            raise EncoderError(f"version={version} and label={label!r}: give one of them, not both")
        self.base_url = base_url.rstrip("/")
        self._name, self._signature = model_name, signature
        self._retries, self._backoff_s, self._timeout_s = retries, backoff_s, timeout_s
        self._batch_size = batch_size
        self._httpx = httpx
        self._client = httpx.Client(timeout=timeout_s)
        if version is not None:
            suffix = f"/versions/{version}"
        elif label is not None:
            suffix = f"/labels/{label}"
        else:
            suffix = ""
        self._spec_text = f"model {model_name!r}" + (f" ({suffix.lstrip('/')})" if suffix else " (latest version)")
        meta = self._request("GET", f"/v1/models/{model_name}{suffix}/metadata")
        try:
            self._version = int(meta["model_spec"]["version"])
            signature_def = meta["metadata"]["signature_def"]["signature_def"][signature]
        except (KeyError, TypeError, ValueError) as e:
            raise EncoderError(
                f"{self._spec_text} at {self.base_url}: metadata lacks {e} (signature {signature!r}); "
                "re-export the model with `answerbot export`"
            ) from e
        from answerbot.encoders.protos import output_dim

        self._dim = output_dim(signature_def)
        self._predict_path = f"/v1/models/{model_name}/versions/{self._version}:predict"
        self.metadata: dict[str, Any] = {"name": model_name, "version": str(self._version), "dim": self._dim}
        self.metadata.update(self._read_metadata())

    def close(self) -> None:
        """Close the connection pool; the encoder is unusable afterwards."""
        self._client.close()

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        httpx = self._httpx
        url = self.base_url + path
        attempts = self._retries + 1
        for attempt in range(attempts):
            try:
                response = self._client.request(method, url, json=body)
            except httpx.TimeoutException as e:
                if attempt + 1 < attempts:
                    time.sleep(self._backoff_s * 2**attempt)
                    continue
                raise EncoderError(
                    f"TF Serving REST {method} {url}: no answer within {self._timeout_s}s after {attempts} "
                    "attempt(s); check the server's load, or raise ANSWERBOT_SERVING_DEADLINE_S"
                ) from e
            except httpx.TransportError as e:
                if attempt + 1 < attempts:
                    time.sleep(self._backoff_s * 2**attempt)
                    continue
                raise EncoderError(
                    f"TF Serving REST {method} {url}: server unreachable after {attempts} attempt(s) ({e}); check "
                    "that tensorflow_model_server runs with --rest_api_port and that ANSWERBOT_SERVING_REST_URL "
                    f"(now {self.base_url!r}) points at it"
                ) from e
            if response.status_code == 503 and attempt + 1 < attempts:
                time.sleep(self._backoff_s * 2**attempt)
                continue
            if response.status_code != 200:
                raise EncoderError(
                    f"TF Serving REST {method} {url}: HTTP {response.status_code} ({_error_text(response)}); "
                    "check models.config (name, versions, labels) and ANSWERBOT_SERVING_MODEL_NAME / _VERSION / _LABEL"
                )
            try:
                return response.json()
            except ValueError as e:
                raise EncoderError(f"TF Serving REST {method} {url}: the answer is not JSON") from e
        raise AssertionError("unreachable")  # pragma: no cover

    def _read_metadata(self) -> dict[str, Any]:
        from answerbot.encoders.protos import parse_metadata_json

        body = {"signature_name": "metadata", "inputs": {}}
        try:
            outputs = self._request("POST", self._predict_path, body)["outputs"]
        except (EncoderError, KeyError) as e:
            log.warning("model metadata unavailable (%s); checks use the signature only", e)
            return {}
        value = outputs["metadata"] if isinstance(outputs, dict) else outputs
        return parse_metadata_json(value, f"{self._spec_text} at {self.base_url}")

    def _predict(self, texts: Sequence[str]) -> np.ndarray:
        body = {"signature_name": self._signature, "instances": list(texts)}
        answer = self._request("POST", self._predict_path, body)
        try:
            vectors = np.asarray(answer["predictions"], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as e:
            raise EncoderError(f"{self._spec_text} at {self.base_url}: bad predictions in the answer ({e})") from e
        if vectors.shape != (len(texts), self._dim):
            raise EncoderError(
                f"{self._spec_text} at {self.base_url}: got vectors of shape {vectors.shape} for {len(texts)} "
                f"texts; expected dim {self._dim}"
            )
        return vectors


def _error_text(response: Any) -> str:
    try:
        return str(response.json().get("error", response.text))
    except ValueError:
        return response.text[:200]
