"""The lifespan only loads and cleans up: no re-encoding at start, encoders closed at shutdown."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from answerbot.api import create_app
from answerbot.api.metrics import Metrics
from answerbot.service import ArticleInput, Services
from answerbot.settings import Settings
from answerbot.store import Store
from tests.api.conftest import ADMIN, ARTICLES, create_account


def test_shutdown_closes_the_encoder_it_built(settings: Settings, host) -> None:
    served = settings.model_copy(update={"encoder": "rest", "serving_rest_url": host.rest_url})
    with TestClient(create_app(served)) as client:
        encoder = client.app.state.services.encoders.served
        assert client.get("/readyz").status_code == 200
        assert not encoder._client.is_closed
    assert encoder._client.is_closed


def test_start_does_not_reencode_and_reports_stale_articles(settings: Settings, make_spy) -> None:
    spy1, spy2 = make_spy(version="1"), make_spy(version="2")
    store = Store.sqlite(settings.store_path)
    services = Services.build(store, spy1, settings)
    services.accounts.create("acme")
    services.articles.upsert_articles("acme", [ArticleInput(a["article_id"], a["title"], a["body"]) for a in ARTICLES])
    with TestClient(create_app(settings, encoder=spy2, store=store)) as client:
        ready = client.get("/readyz").json()
        assert (ready["model"]["version"], ready["articles"], ready["stale_articles"]) == ("2", 5, 5)
        assert "answerbot_stale_articles 5.0" in client.get("/metrics").text
        warm_up_only = [batch for batch in spy2.batches if batch != ["warm up the encoder"]]
        assert warm_up_only == []
    store.close()


@pytest.mark.timeout(60)
def test_raising_batch_hook_is_503_not_a_hang(settings: Settings, spy, monkeypatch) -> None:
    def broken(self: Metrics, size: int, seconds: float) -> None:
        raise ValueError("metrics exporter broke")

    monkeypatch.setattr(Metrics, "observe_batch", broken)
    with TestClient(create_app(settings, encoder=spy)) as client:
        client.headers["X-API-Key"] = create_account(client, "acme")
        for _ in range(2):  # the micro-batcher's worker survives the first failure
            response = client.post("/v1/accounts/acme/recommendations", json={"enquiry": "reset my password"})
            assert response.status_code == 503
            assert response.json()["error"]["code"] == "encoder_unavailable"
        assert client.get("/v1/accounts", headers=ADMIN).status_code == 200
