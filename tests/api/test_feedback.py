"""Feedback tied to interactions, and the per-day analytics counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from answerbot.api import create_app
from answerbot.store import Store
from tests.api.conftest import create_account

URL = "/v1/accounts/acme"


def interaction(client: TestClient, **payload) -> dict:
    response = client.post(f"{URL}/recommendations", json={"enquiry": "reset my password", **payload})
    assert response.status_code == 200, response.text
    return response.json()


def feedback(client: TestClient, interaction_id: str, **payload):
    return client.post(f"{URL}/interactions/{interaction_id}/feedback", json=payload)


def test_feedback_and_analytics_counts(seeded: TestClient) -> None:
    a, b, c = interaction(seeded, top_k=2), interaction(seeded, top_k=2), interaction(seeded, top_k=2)
    interaction(seeded, labels=["nope"])  # unoffered
    first = a["articles"][0]["article_id"]
    resolved = feedback(seeded, a["interaction_id"], type="resolution", article_id=first)
    assert resolved.status_code == 201
    assert resolved.json()["type"] == "resolution" and resolved.json()["article_id"] == first
    assert feedback(seeded, b["interaction_id"], type="rejection", reason="not_related").status_code == 201
    assert feedback(seeded, b["interaction_id"], type="rejection", article_id=first).json()["reason"] == "unknown"
    reason = "related_but_did_not_answer"
    assert feedback(seeded, c["interaction_id"], type="rejection", reason=reason, article_id=first).status_code == 201
    body = seeded.get(f"{URL}/analytics").json()
    today = datetime.now(UTC).date().isoformat()
    expected = {
        "attempts": 4,
        "offered": 3,
        "unoffered": 1,
        "resolutions": 1,
        "rejections": {"unknown": 1, "not_related": 1, "related_but_did_not_answer": 1},
    }
    assert body["days"] == [{"day": today, **expected}]
    assert body["totals"] == expected
    assert body["last_day"] == today


def test_analytics_range_excludes_other_days(seeded: TestClient) -> None:
    interaction(seeded)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    body = seeded.get(f"{URL}/analytics", params={"from": yesterday, "to": yesterday}).json()
    assert body["days"] == [] and body["totals"]["attempts"] == 0


def test_analytics_bad_range_is_422(seeded: TestClient) -> None:
    response = seeded.get(f"{URL}/analytics", params={"from": "2025-02-01", "to": "2025-01-01"})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "query.from")
    assert seeded.get(f"{URL}/analytics", params={"from": "yesterday"}).status_code == 422


def test_second_resolution_is_409_and_writes_nothing(seeded: TestClient) -> None:
    rec = interaction(seeded, top_k=2)
    ids = [a["article_id"] for a in rec["articles"]]
    assert feedback(seeded, rec["interaction_id"], type="resolution", article_id=ids[0]).status_code == 201
    again = feedback(seeded, rec["interaction_id"], type="resolution", article_id=ids[1])
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")
    assert seeded.get(f"{URL}/analytics").json()["totals"]["resolutions"] == 1


def test_resolution_must_name_an_offered_article(seeded: TestClient) -> None:
    rec = interaction(seeded, top_k=1)
    offered = rec["articles"][0]["article_id"]
    other = next(i for i in ("refund", "invoice") if i != offered)
    missing = feedback(seeded, rec["interaction_id"], type="resolution")
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "body.article_id")
    wrong = feedback(seeded, rec["interaction_id"], type="resolution", article_id=other)
    assert wrong.status_code == 422 and offered in wrong.json()["error"]["message"]


def test_bad_reason_and_type_are_422(seeded: TestClient) -> None:
    rec = interaction(seeded)
    assert feedback(seeded, rec["interaction_id"], type="rejection", reason="meh").status_code == 422
    assert feedback(seeded, rec["interaction_id"], type="thanks").status_code == 422
    with_reason = feedback(seeded, rec["interaction_id"], type="resolution", article_id="x", reason="unknown")
    assert with_reason.status_code == 422


def test_unknown_interaction_is_404(seeded: TestClient) -> None:
    response = feedback(seeded, "0" * 32, type="rejection")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "interaction_not_found")


def test_other_accounts_interaction_is_invisible(seeded: TestClient, make_account) -> None:
    rec = interaction(seeded)
    key = make_account("globex")
    url = f"/v1/accounts/globex/interactions/{rec['interaction_id']}/feedback"
    response = seeded.post(url, json={"type": "rejection"}, headers={"X-API-Key": key})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "interaction_not_found")


def test_acknowledged_interactions_are_stored_after_a_clean_shutdown(settings, spy, articles) -> None:
    """Interactions are written behind the responses; the shutdown writes what is still queued."""
    with TestClient(create_app(settings, encoder=spy)) as client:
        client.headers["X-API-Key"] = create_account(client, "acme")
        assert client.put(f"{URL}/articles", json={"articles": articles}).status_code == 200
        ids = [interaction(client, enquiry=f"reset my password {n}")["interaction_id"] for n in range(30)]
        last = interaction(client)["interaction_id"]
        assert feedback(client, last, type="rejection").status_code == 201  # just returned: never a 404
    store = Store.sqlite(settings.store_path)
    try:
        assert [i for i in [*ids, last] if store.interactions.get("acme", i) is None] == []
    finally:
        store.close()
