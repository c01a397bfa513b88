"""The re-encoding job with the local engine: switch, resume, incremental, uploads meanwhile, version checks."""

from __future__ import annotations

import numpy as np
import pytest

from answerbot.service import AccountNotFound, ArticleInput, Services
from answerbot.service.reencode import ReencodeError, ReencodeOptions, local_engine, reencode_stale, run_reencode
from answerbot.store import Store
from answerbot.text import article_text
from tests.batch.conftest import ACCOUNTS, seed_store, vectors_of
from tests.conftest import SpyEncoder


def run(store, encoder, version: str, **kwargs):
    options = ReencodeOptions(version, batch_size=kwargs.pop("batch_size", 16), **kwargs)
    return run_reencode(store, encoder.model_version, local_engine(encoder), options)


def expected_vectors(store, encoder) -> dict[tuple[str, str], np.ndarray]:
    articles = [a for account in ACCOUNTS for a in store.articles.list(account, 10_000, 0)]
    vectors = encoder.encode([article_text(a.title, a.body) for a in articles])
    return {(a.account, a.article_id): v for a, v in zip(articles, vectors, strict=True)}


def assert_complete(store, encoder, version: str) -> None:
    got, want = vectors_of(store, version), expected_vectors(store, encoder)
    assert got.keys() == want.keys()
    for key, vector in want.items():
        np.testing.assert_allclose(got[key], vector, atol=1e-6)
    assert {store.accounts.active_version(a) for a in ACCOUNTS} == {version}
    assert store.vectors.pending(version) == []


def test_full_job_encodes_everything_and_switches(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 30)
    summary = run(store, encoders["2"], "2")
    assert (summary.encoded, summary.skipped, sorted(summary.switched)) == (60, 0, sorted(ACCOUNTS))
    assert_complete(store, encoders["2"], "2")
    assert {a.model_version for a in store.articles.list("acme", 100, 0)} == {"2"}
    assert len(vectors_of(store, "1")) == 60  # the old version is kept (for readers still on it) unless pruned
    assert store.jobs.begin("2/*", "2")[1] is False  # the finished job was forgotten


def test_full_job_again_reencodes_all_but_only_stale_nothing(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 10)
    run(store, encoders["2"], "2")
    assert run(store, encoders["2"], "2").encoded == 20
    assert run(store, encoders["2"], "2", only_stale=True).encoded == 0


def test_only_stale_touches_only_new_and_changed_articles(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 20)
    run(store, encoders["2"], "2")
    assert run(store, encoders["1"], "1", only_stale=True).encoded == 0  # back to 1: its vectors are current
    service = Services.build(store, encoders["1"], settings)
    changed = [ArticleInput(f"a{i:04d}", "changed title", f"new body {i}") for i in (1, 5, 7)]
    service.articles.upsert_articles("acme", changed)
    service.articles.upsert_article("globex", ArticleInput("new-one", "brand new", "an article added on version 1"))
    relabelled = store.articles.get("globex", "a0003")
    service.articles.upsert_article(
        "globex", ArticleInput("a0003", relabelled.title, relabelled.body, relabelled.locale, ("x",))
    )
    spy = SpyEncoder(encoders["2"])
    summary = run(store, spy, "2", only_stale=True)
    texts = sorted(t for batch in spy.batches for t in batch)
    want = [article_text(a.title, a.body) for a in changed]
    want += [
        article_text("brand new", "an article added on version 1"),
        article_text(relabelled.title, relabelled.body),
    ]
    assert texts == sorted(want)
    assert summary.encoded == 5 and summary.skipped == 36
    assert_complete(store, encoders["2"], "2")


def test_refuses_an_encoder_of_another_version(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 3)
    with pytest.raises(ReencodeError, match="ANSWERBOT_SERVING_MODEL_VERSION=2"):
        run_reencode(store, "1", local_engine(encoders["1"]), ReencodeOptions("2"))
    assert store.vectors.pending("2") != [] and store.accounts.active_version("acme") == "1"


def test_crashed_job_resumes_without_redoing_written_batches(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 40)
    inner = local_engine(encoders["2"])

    def crashing(pages):
        for n, item in enumerate(inner(pages)):
            if n == 3:
                raise RuntimeError("killed")
            yield item

    with pytest.raises(RuntimeError, match="killed"):
        run_reencode(store, "2", crashing, ReencodeOptions("2", batch_size=10))
    assert len(vectors_of(store, "1")) == 80 and store.accounts.active_version("acme") == "1"
    summary = run(store, encoders["2"], "2", batch_size=10)
    assert summary.resumed and summary.encoded == 50
    assert_complete(store, encoders["2"], "2")


def test_article_uploaded_during_the_job_is_encoded_before_the_switch(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 20)
    old = Services.build(store, encoders["1"], settings)
    inner = local_engine(encoders["2"])

    def uploading(pages):
        for n, item in enumerate(inner(pages)):
            if n == 0:
                old.articles.upsert_article("acme", ArticleInput("late", "late article", "uploaded while re-encoding"))
            yield item

    run_reencode(store, "2", uploading, ReencodeOptions("2", batch_size=8))
    assert_complete(store, encoders["2"], "2")
    assert ("acme", "late") in vectors_of(store, "2")


def test_prune_keeps_only_the_new_version(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 5)
    run(store, encoders["2"], "2", prune=True)
    assert vectors_of(store, "1") == {}
    assert len(vectors_of(store, "2")) == 10


def test_restarting_an_old_api_does_not_switch_accounts_back(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 5)
    run(store, encoders["2"], "2")
    assert reencode_stale(store, encoders["1"]) == 0
    assert {store.accounts.active_version(a) for a in ACCOUNTS} == {"2"}


def test_old_process_serves_a_switched_account_with_the_new_encoder(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 10)
    old = Services.build(store, encoders["1"], settings, encoder_for=lambda v: encoders[v])
    assert old.ranking.recommend("acme", "reset password").model_version == "1"
    run(Store.sqlite(settings.store_path), encoders["2"], "2")
    assert old.ranking.recommend("acme", "reset password").model_version == "2"
    old.articles.upsert_article("acme", ArticleInput("after", "after the switch", "reset your password"))
    stored = store.articles.get("acme", "after")
    assert stored.model_version == "2"
    np.testing.assert_allclose(
        stored.vector, encoders["2"].encode([article_text("after the switch", "reset your password")])[0], atol=1e-6
    )


def test_without_an_encoder_for_the_active_version_ranking_fails_clearly(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 3)
    run(store, encoders["2"], "2")
    with pytest.raises(Exception, match="only serves version 1"):
        Services.build(store, encoders["1"], settings).ranking.recommend("acme", "reset password")


def test_unknown_account_is_refused_and_not_created(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 2)
    with pytest.raises(AccountNotFound, match="'typo' not found"):
        run(store, encoders["2"], "2", account="typo")
    assert "typo" not in store.accounts.ids()


def test_one_account_switches_alone(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 4)
    assert run(store, encoders["2"], "2", account="acme").switched == ["acme"]
    assert (store.accounts.active_version("acme"), store.accounts.active_version("globex")) == ("2", "1")
