"""Rankings while a job switches accounts (from another connection) come from one model version, never a mix."""

from __future__ import annotations

import threading
import time

import numpy as np

from answerbot import index
from answerbot.service import ArticleInput, Services
from answerbot.service.reencode import ReencodeOptions, local_engine, run_reencode
from answerbot.store import Store
from answerbot.text import article_text
from tests.batch.conftest import seed_store

ENQUIRY = "forgot password cannot login"


def expected(store, encoder, account: str, k: int) -> list[tuple[str, float]]:
    articles = store.articles.list(account, 10_000, 0)
    matrix = encoder.encode([article_text(a.title, a.body) for a in articles]).astype(np.float32)
    query = encoder.encode([ENQUIRY])[0].astype(np.float32)
    picked, scores = index.top_k_scores(matrix @ query, k)
    return [(articles[i].article_id, float(s)) for i, s in zip(picked, scores, strict=True)]


def test_ranking_during_the_switch_never_mixes_versions(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 120)
    want = {v: {a: expected(store, encoders[v], a, 10) for a in ("acme", "globex")} for v in ("1", "2")}
    assert want["1"] != want["2"]
    service = Services.build(store, encoders["1"], settings, encoder_for=lambda v: encoders[v])
    seen: list[tuple[str, str, list[tuple[str, float]]]] = []
    stop = threading.Event()

    def rank() -> None:
        while not stop.is_set():
            for account in ("acme", "globex"):
                rec = service.ranking.recommend(account, ENQUIRY, top_k=10)
                seen.append((account, rec.model_version, [(a.article_id, a.score) for a in rec.articles]))

    thread = threading.Thread(target=rank)
    thread.start()
    try:
        while len(seen) < 4:
            time.sleep(0.01)
        job_store = Store.sqlite(settings.store_path)  # the job's own connection, as another process has
        slow = local_engine(encoders["2"])

        def engine(pages):
            for item in slow(pages):
                time.sleep(0.01)
                yield item

        run_reencode(job_store, "2", engine, ReencodeOptions("2", batch_size=8))
        done = len(seen)
        while len(seen) < done + 4:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    assert {version for _, version, _ in seen} == {"1", "2"}
    for account, version, ranked in seen:
        assert [i for i, _ in ranked] == [i for i, _ in want[version][account]]
        np.testing.assert_allclose([s for _, s in ranked], [s for _, s in want[version][account]], atol=1e-5)
    first_v2 = {
        account: next(n for n, (a, v, _) in enumerate(seen) if a == account and v == "2")
        for account in ("acme", "globex")
    }
    for account, start in first_v2.items():  # once switched, an account stays switched
        assert all(v == "2" for a, v, _ in seen[start:] if a == account)


def test_an_upload_right_after_another_process_switched_uses_the_new_version(settings, encoders) -> None:
    """The account record is cached (for up to a minute here), but an upload re-reads it from the store after its
    write, so a switch made meanwhile by the job (another process) is not missed: the article is re-encoded."""
    store = seed_store(settings, encoders["1"], 5)
    cached = settings.model_copy(update={"cache_max_age_s": 60.0})
    service = Services.build(store, encoders["1"], cached, encoder_for=lambda v: encoders[v])
    assert service.ranking.recommend("acme", ENQUIRY).model_version == "1"  # the account is cached on version 1
    run_reencode(Store.sqlite(settings.store_path), "2", local_engine(encoders["2"]), ReencodeOptions("2"))
    service.articles.upsert_article("acme", ArticleInput("late", "a late article", "reset the password"))
    stored = store.articles.get("acme", "late")
    assert stored is not None and stored.model_version == "2"
    np.testing.assert_allclose(
        stored.vector, encoders["2"].encode([article_text("a late article", "reset the password")])[0], atol=1e-6
    )
    assert service.ranking.recommend("acme", ENQUIRY).model_version == "2"  # and it ranks with it from now on
