"""The start-up check refuses a served model that did not make the store's current vectors."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from answerbot.api import create_app
from answerbot.encoders.compat import ModelStoreMismatch, check_model_matches_store
from answerbot.settings import Settings
from answerbot.store import Store, StoredArticle, content_hash, utc_now
from answerbot.text import article_text
from tests.conftest import SpyEncoder

ARTICLES = [("pw", "Reset your password", "Open the login page"), ("refund", "Refunds", "Five days to your card")]


def _store(tmp_path, encoder, version=None, vectors=None, articles=ARTICLES):
    store = Store.sqlite(tmp_path / "store.sqlite")
    store.articles.upsert_many(
        [
            StoredArticle(
                "acme", aid, title, body, "en", (), content_hash(title, body, "en", ()), None, None, utc_now()
            )
            for aid, title, body in articles
        ]
    )
    if vectors is None:
        vectors = encoder.encode([article_text(title, body) for _, title, body in articles])
    rows = [
        ("acme", aid, content_hash(title, body, "en", ()), vector)
        for (aid, title, body), vector in zip(articles, vectors, strict=True)
    ]
    store.vectors.put(version or encoder.model_version, rows)
    return store


def test_vectors_made_by_the_served_model_pass(tmp_path, encoder):
    report = check_model_matches_store(encoder, _store(tmp_path, encoder))
    assert (report.model_version, report.sampled) == (encoder.model_version, 2)


def test_vectors_of_another_version_are_stale_not_a_mismatch(tmp_path, encoder):
    store = _store(tmp_path, encoder, version="0", vectors=np.ones((2, 16), np.float32) / 4)
    assert check_model_matches_store(encoder, store).sampled == 0


def test_the_check_encodes_a_fixed_sample_whatever_the_store_holds(tmp_path, encoder):
    many = [(f"a{i}", f"Article {i}", f"Body number {i}") for i in range(30)]
    spy = SpyEncoder(encoder)
    report = check_model_matches_store(spy, _store(tmp_path, encoder, articles=many), sample=8)
    assert report.sampled == 8 and [len(batch) for batch in spy.batches] == [8]


def test_same_version_with_another_dimension_is_a_mismatch(tmp_path, encoder):
    store = _store(tmp_path, encoder, vectors=np.ones((2, 16), np.float32) / 4)
    with pytest.raises(ModelStoreMismatch, match=r"dim 8.*version 1 of dim \[16\].*new version number"):
        check_model_matches_store(encoder, store)


def test_same_version_made_by_another_model_is_a_mismatch(tmp_path, encoder):
    rng = np.random.default_rng(0)
    other = rng.standard_normal((2, 8)).astype(np.float32)
    store = _store(tmp_path, encoder, vectors=other / np.linalg.norm(other, axis=1, keepdims=True))
    with pytest.raises(ModelStoreMismatch, match=r"cosine .* is not the model that made"):
        check_model_matches_store(encoder, store)


def test_the_api_refuses_to_start_on_a_mismatch(tmp_path, encoder):
    store = _store(tmp_path, encoder, vectors=np.ones((2, 16), np.float32) / 4)
    app = create_app(Settings(store_path=tmp_path / "unused.sqlite"), encoder=encoder, store=store)
    with pytest.raises(ModelStoreMismatch), TestClient(app):
        pass
