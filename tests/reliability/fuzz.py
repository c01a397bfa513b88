"""Fuzzing the API in process: hypothesis on text inputs, schemathesis over the OpenAPI schema.

Each runner returns a Counter of status codes; a 5xx fails it at once. Text cases also carry an oracle:
text that is storable (valid Unicode, no NUL, not blank, within the limit) must be answered 200.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

__all__ = ["TEXTS", "fuzz_schema", "fuzz_texts", "text_strategy"]

_SCRIPTS = [
    (0x0041, 0x007A),  # Latin
    (0x00C0, 0x024F),  # Latin accents
    (0x0400, 0x04FF),  # Cyrillic
    (0x0590, 0x05FF),  # Hebrew (RTL)
    (0x0600, 0x06FF),  # Arabic (RTL)
    (0x0900, 0x097F),  # Devanagari
    (0x0E00, 0x0E7F),  # Thai (no spaces)
    (0x3040, 0x30FF),  # Kana
    (0x4E00, 0x4FFF),  # CJK
    (0xAC00, 0xAD00),  # Hangul
]
_mixed = st.lists(
    st.sampled_from(_SCRIPTS).flatmap(
        lambda r: st.text(st.characters(min_codepoint=r[0], max_codepoint=r[1]), min_size=1, max_size=12)
    ),
    min_size=1,
    max_size=8,
).map(" ".join)
_control = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=40)
_emoji = st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=30)
_surrogates = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=4)
_mixed_with_controls = st.tuples(_mixed, _control, _emoji).map(lambda t: t[0] + t[1] + t[2])
_any = st.text(max_size=200)

TEXTS = {
    "mixed_scripts": _mixed,
    "control": _control,
    "emoji_only": _emoji,
    "lone_surrogates": _surrogates,
    "mixed_controls_emoji": _mixed_with_controls,
    "any": _any,
}


def text_strategy() -> st.SearchStrategy[tuple[str, str]]:
    """(kind, text) over every kind in TEXTS."""
    return st.one_of(*(s.map(lambda t, k=kind: (k, t)) for kind, s in TEXTS.items()))


def _storable(text: str, limit: int) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text and bool(text.strip()) and len(text) <= limit


def _body(payload: dict[str, Any]) -> bytes:
    """JSON with lone surrogates written as \\udXXX escapes (what a client with broken text sends)."""
    return json.dumps(payload, ensure_ascii=True).encode("ascii")


Send = Callable[[str, str, bytes], int]


def fuzz_texts(client: TestClient, account: str, max_enquiry_chars: int, examples: int, seed: int = 0) -> Counter[int]:
    """``examples`` generated texts, each sent as an enquiry, an article (title + body) and raw bytes.

    Per example: a recommendation, an article upsert, and one request whose body is the text's UTF-8 with a
    raw invalid byte sequence (a CESU-8 surrogate) or, every 50th example, a 1 MB enquiry.
    """
    statuses: Counter[int] = Counter()
    headers = {"content-type": "application/json"}
    url = f"/v1/accounts/{account}"

    def send(method: str, path: str, body: bytes) -> int:
        status = client.request(method, path, content=body, headers=headers).status_code
        statuses[status] += 1
        assert status < 500, f"{method} {path} -> {status} for body {body[:200]!r}"
        return status

    counter = iter(range(10**9))

    @given(case=text_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: tuple[str, str]) -> None:
        kind, text = case
        i = next(counter)
        status = send("POST", f"{url}/recommendations", _body({"enquiry": text, "labels": [text[:20]]}))
        if _storable(text, max_enquiry_chars) and _storable(text[:20], 64):
            assert status == 200, f"{kind} enquiry {text!r} -> {status}"
        article = {"title": text, "body": text + " body", "labels": []}
        status = send("PUT", f"{url}/articles/fuzz-{i % 7}", _body(article))
        if _storable(text, max_enquiry_chars):
            assert status in (200, 201), f"{kind} article {text!r} -> {status}"
        if i % 50 == 0:
            big = "ticket " * (1024 * 1024 // 7)
            assert send("POST", f"{url}/recommendations", _body({"enquiry": big + text})) in (413, 422)
        else:
            raw = b'{"enquiry": "' + text.encode("utf-8", "surrogatepass")[:200] + b'\xed\xa0\x80"}'
            assert send("POST", f"{url}/recommendations", raw) in (400, 422)

    run()
    return statuses


def fuzz_schema(app: FastAPI, headers: dict[str, str], account: str, per_operation: int) -> Counter[int]:
    """Schemathesis over every operation of the app's OpenAPI schema; path ``account`` fixed to ``account``."""
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    statuses: Counter[int] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=per_operation,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            if case.path_parameters and "account" in case.path_parameters:
                case.path_parameters["account"] = account
            response = case.call_and_validate(headers=headers, checks=checks)
            statuses[response.status_code] += 1

        run()
    return statuses
