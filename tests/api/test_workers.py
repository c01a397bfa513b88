"""Several API processes over one store: caches follow other processes' writes within the stated bound, and
``answerbot serve --workers 2`` serves and loses no interaction at a clean shutdown."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from answerbot.store import Store
from tests.api.conftest import ARTICLES
from tests.reliability.harness import ADMIN_KEY, Proc, seed_account, start_api

BOUND_S = 0.5
"""ANSWERBOT_CACHE_MAX_AGE_S of these processes: how late one sees another's write."""


def env(model_root: Path, store: Path) -> dict[str, str]:
    return {
        "ANSWERBOT_MODEL_ROOT": str(model_root),
        "ANSWERBOT_STORE_PATH": str(store),
        "ANSWERBOT_SCORE_THRESHOLD": "-1",
        "ANSWERBOT_CACHE_MAX_AGE_S": str(BOUND_S),
        "ANSWERBOT_TF_INTRA_OP_THREADS": "1",
    }


def recommend(base: str, key: str, enquiry: str = "reset my password") -> httpx.Response:
    return httpx.post(
        f"{base}/v1/accounts/acme/recommendations", json={"enquiry": enquiry}, headers={"X-API-Key": key}, timeout=60
    )


@pytest.fixture(scope="module")
def pair(tiny_model_root: Path, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Two API processes over one SQLite store."""
    work = tmp_path_factory.mktemp("two-processes")
    procs: list[Proc] = []
    try:
        for name in ("a", "b"):
            procs.append(start_api(env(tiny_model_root, work / "store.sqlite"), work / f"{name}.log"))
        yield tuple(f"http://127.0.0.1:{p.port}" for p in procs)  # type: ignore[misc]
    finally:
        for p in procs:
            p.stop()


def test_a_key_rotated_in_one_process_is_refused_by_the_other_within_the_bound(pair: tuple[str, str]) -> None:
    a, b = pair
    old = seed_account(a, "acme", ARTICLES)
    assert recommend(b, old).status_code == 200  # b caches the key and the account
    rotated = httpx.post(f"{a}/v1/accounts/acme/api-key", headers={"X-API-Key": old}, timeout=30)
    assert rotated.status_code == 200
    new = rotated.json()["api_key"]
    assert recommend(a, old).status_code == 401  # the writing process: at once
    time.sleep(BOUND_S)
    refused = recommend(b, old)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "unauthorized")
    assert recommend(b, new).status_code == 200


def test_an_upload_in_one_process_is_ranked_by_the_other_within_the_bound(pair: tuple[str, str]) -> None:
    a, b = pair
    key = seed_account(a, "globex", ARTICLES[:2])
    url = "/v1/accounts/globex/recommendations"
    before = httpx.post(f"{b}{url}", json={"enquiry": "invoice", "top_k": 4}, headers={"X-API-Key": key}, timeout=60)
    assert {x["article_id"] for x in before.json()["articles"]} == {"pw-reset", "refund"}
    upload = httpx.put(
        f"{a}/v1/accounts/globex/articles", json={"articles": ARTICLES[2:3]}, headers={"X-API-Key": key}, timeout=60
    )
    assert upload.status_code == 200, upload.text
    time.sleep(BOUND_S)
    after = httpx.post(f"{b}{url}", json={"enquiry": "invoice", "top_k": 4}, headers={"X-API-Key": key}, timeout=60)
    assert {x["article_id"] for x in after.json()["articles"]} == {"pw-reset", "refund", "invoice"}


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_serve_with_two_workers_answers_and_keeps_every_interaction(tiny_model_root: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "store.sqlite"
    api = start_api(env(tiny_model_root, store_path), tmp_path / "serve.log", workers=2)
    base = f"http://127.0.0.1:{api.port}"
    try:
        workers = [pid for pid in _children(api.popen.pid) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) >= 2, api.tail()
        key = seed_account(base, "acme", ARTICLES)
        ids = []
        for n in range(40):
            response = recommend(base, key, f"reset my password {n}")
            assert response.status_code == 200, response.text
            ids.append(response.json()["interaction_id"])
        # feedback on a just-returned interaction succeeds, whichever worker answers it
        last = recommend(base, key)
        feedback = httpx.post(
            f"{base}/v1/accounts/acme/interactions/{last.json()['interaction_id']}/feedback",
            json={"type": "rejection"},
            headers={"X-API-Key": ADMIN_KEY},
            timeout=30,
        )
        assert feedback.status_code == 201, feedback.text
    finally:
        api.stop()
    assert api.popen.returncode == 0, api.tail()
    store = Store.sqlite(store_path)
    try:
        assert all(store.interactions.get("acme", i) is not None for i in ids)
    finally:
        store.close()
