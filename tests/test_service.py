from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from answerbot.encoders.base import EncoderError
from answerbot.lang import detect_language
from answerbot.service import (
    AccountNotFound,
    AccountService,
    ArticleInput,
    ArticleNotFound,
    InputTooLarge,
    InvalidInput,
    Services,
    UpsertCounts,
    WriteStatus,
)
from answerbot.service.reencode import reencode_stale
from answerbot.settings import Settings
from answerbot.store import Store
from answerbot.text import article_text
from tests.store.conftest import stale

ARTICLES = [
    ArticleInput("pw-reset", "Reset your password", "Open settings, choose security, click reset password."),
    ArticleInput("refund", "Request a refund", "Refunds are paid within five days to the original card."),
    ArticleInput("invoice", "Download invoices", "Invoices are in the billing page as PDF files."),
    ArticleInput("2fa", "Two-factor login", "Enable two-factor authentication with an authenticator app."),
    ArticleInput("delete", "Delete your account", "Write to support to delete the account and all data."),
    ArticleInput("shipping", "Shipping times", "Parcels arrive within three working days in Europe."),
]
ENQUIRY = "I forgot my password and cannot login, how do I reset it?"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        store_path=tmp_path / "store.sqlite",
        max_top_k=5,
        max_enquiry_chars=200,
        max_article_chars=500,
        max_bulk_articles=8,
        score_threshold=-1.0,
        cache_max_age_s=0.0,  # writes straight to the store stand for other processes: see them at once
    )


@pytest.fixture
def store(settings: Settings):
    """A store with accounts "acme" and "globex"."""
    s = Store.sqlite(settings.store_path)
    for account in ("acme", "globex"):
        AccountService(s, settings).create(account)
    yield s
    s.close()


@pytest.fixture
def spy(make_spy):
    return make_spy()


@pytest.fixture
def service(store, spy, settings: Settings) -> Services:
    """Every service over the store, serving ``spy``."""
    return Services.build(store, spy, settings)


def expected_ranking(encoder, articles: list[ArticleInput], enquiry: str, k: int) -> list[tuple[str, float]]:
    """Top k (id, score) computed with numpy from the encoder's own vectors, ties by article id."""
    vectors = encoder.encode([article_text(a.title, a.body) for a in articles])
    by_id = dict(zip([a.article_id for a in articles], vectors, strict=True))
    ids = sorted(by_id)
    matrix = np.stack([by_id[i] for i in ids]).astype(np.float32)
    query = encoder.encode([enquiry])[0].astype(np.float32)
    scores = matrix @ query
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], i))[:k]
    return [(ids[i], float(scores[i])) for i in order]


# upsert


def test_upsert_creates_with_vector_of_current_version(service, spy, store) -> None:
    write = service.articles.upsert_article("acme", ARTICLES[0])
    assert write.status is WriteStatus.CREATED
    stored = store.articles.get("acme", "pw-reset")
    assert stored is not None and stored.vector is not None
    assert stored.model_version == spy.model_version
    expected = spy.inner.encode([article_text(ARTICLES[0].title, ARTICLES[0].body)])[0]
    np.testing.assert_allclose(stored.vector, expected, atol=1e-6)


def test_upsert_same_content_is_unchanged_and_not_reencoded(service, spy) -> None:
    first = service.articles.upsert_article("acme", ARTICLES[0])
    second = service.articles.upsert_article("acme", ARTICLES[0])
    assert second.status is WriteStatus.UNCHANGED
    assert len(spy.batches) == 1
    assert second.article.updated_at == first.article.updated_at


def test_upsert_changed_body_is_updated_and_reencoded(service, spy) -> None:
    service.articles.upsert_article("acme", ARTICLES[0])
    changed = ArticleInput("pw-reset", ARTICLES[0].title, "A different body.")
    write = service.articles.upsert_article("acme", changed)
    assert write.status is WriteStatus.UPDATED
    assert spy.batches[-1] == [article_text(changed.title, changed.body)]
    assert len(spy.batches) == 2


def test_upsert_label_change_reuses_vector(service, spy, store) -> None:
    service.articles.upsert_article("acme", ARTICLES[0])
    before = store.articles.get("acme", "pw-reset")
    relabelled = ArticleInput("pw-reset", ARTICLES[0].title, ARTICLES[0].body, labels=("login",))
    write = service.articles.upsert_article("acme", relabelled)
    after = store.articles.get("acme", "pw-reset")
    assert write.status is WriteStatus.UPDATED
    assert len(spy.batches) == 1
    assert after.labels == ("login",)
    assert after.vector.tobytes() == before.vector.tobytes()


def test_upsert_sorts_and_deduplicates_labels(service) -> None:
    article = ArticleInput("a", "Title", "Body", labels=("z", "a", "z"))
    assert service.articles.upsert_article("acme", article).article.labels == ("a", "z")


def test_bulk_counts_and_encodes_only_changed_in_one_call(service, spy) -> None:
    service.articles.upsert_articles("acme", ARTICLES[:3])
    batch = [ARTICLES[0], ArticleInput("refund", "Refunds", "New body."), ARTICLES[3]]
    counts = service.articles.upsert_articles("acme", batch)
    assert counts == UpsertCounts(created=1, updated=1, unchanged=1)
    assert spy.batches[-1] == [article_text(a.title, a.body) for a in batch[1:]]
    assert len(spy.batches) == 2


def test_bulk_duplicate_id_names_the_field_and_writes_nothing(service, store) -> None:
    with pytest.raises(InvalidInput) as err:
        service.articles.upsert_articles("acme", [ARTICLES[0], ARTICLES[1], ARTICLES[0]])
    assert err.value.field == "articles.2.article_id"
    assert store.articles.count() == 0


def test_bulk_over_limit_is_too_large(service, settings) -> None:
    articles = [ArticleInput(f"a{i}", "T", "B") for i in range(settings.max_bulk_articles + 1)]
    with pytest.raises(InputTooLarge) as err:
        service.articles.upsert_articles("acme", articles)
    assert err.value.field == "articles"


def test_bulk_encoder_failure_writes_nothing(store, make_spy, settings) -> None:
    service = Services.build(store, make_spy(fail=True), settings)
    with pytest.raises(EncoderError):
        service.articles.upsert_articles("acme", ARTICLES)
    assert store.articles.count() == 0


def test_bulk_invalid_item_names_its_index(service, store) -> None:
    with pytest.raises(InvalidInput) as err:
        service.articles.upsert_articles("acme", [ARTICLES[0], ArticleInput("x", "  ", "body")])
    assert err.value.field == "articles.1.title"
    assert store.articles.count() == 0


@pytest.mark.parametrize(
    ("article", "field"),
    [
        (ArticleInput("bad id", "T", "B"), "article_id"),
        (ArticleInput("a", "", "B"), "title"),
        (ArticleInput("a", "T", "B", locale="english!"), "locale"),
        (ArticleInput("a", "T", "B", labels=(" ",)), "labels"),
    ],
)
def test_invalid_article_names_the_field(service, article: ArticleInput, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        service.articles.upsert_article("acme", article)
    assert err.value.field == field


def test_overlong_article_is_too_large(service, settings) -> None:
    article = ArticleInput("a", "T", "x" * settings.max_article_chars)
    with pytest.raises(InputTooLarge) as err:
        service.articles.upsert_article("acme", article)
    assert err.value.field == "body"
    assert str(settings.max_article_chars) in str(err.value)


def test_invalid_account_is_rejected(service) -> None:
    with pytest.raises(InvalidInput) as err:
        service.articles.upsert_article("acme/evil", ARTICLES[0])
    assert err.value.field == "account"


# reads and deletes


def test_get_unknown_article_and_account(service) -> None:
    service.articles.upsert_article("acme", ARTICLES[0])
    with pytest.raises(ArticleNotFound, match="'nope'"):
        service.articles.get_article("acme", "nope")
    with pytest.raises(AccountNotFound, match="'ghost'"):
        service.articles.get_article("ghost", "pw-reset")


def test_list_pages_in_id_order(service) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    page = service.articles.list_articles("acme", limit=2, offset=2)
    assert [a.article_id for a in page.items] == sorted(a.article_id for a in ARTICLES)[2:4]
    assert (page.total, page.limit, page.offset) == (len(ARTICLES), 2, 2)


def test_list_unknown_account(service) -> None:
    with pytest.raises(AccountNotFound):
        service.articles.list_articles("ghost")


def test_delete_then_get_fails(service) -> None:
    service.articles.upsert_articles("acme", ARTICLES[:2])
    service.articles.delete_article("acme", "refund")
    with pytest.raises(ArticleNotFound):
        service.articles.get_article("acme", "refund")
    with pytest.raises(ArticleNotFound):
        service.articles.delete_article("acme", "refund")


# recommend


@pytest.mark.parametrize("k", [1, 3, 5])
def test_recommend_order_equals_numpy_ranking(service, spy, k: int) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    rec = service.ranking.recommend("acme", ENQUIRY, top_k=k)
    expected = expected_ranking(spy.inner, ARTICLES, ENQUIRY, k)
    assert [a.article_id for a in rec.articles] == [i for i, _ in expected]
    assert [a.score for a in rec.articles] == pytest.approx([s for _, s in expected], abs=1e-5)


def test_recommend_reports_model_language_and_titles(service, spy) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    rec = service.ranking.recommend("acme", ENQUIRY)
    titles = {a.article_id: a.title for a in ARTICLES}
    assert (rec.account, rec.model_name, rec.model_version) == ("acme", spy.model_name, spy.model_version)
    assert rec.language == detect_language(ENQUIRY)
    assert all(a.title == titles[a.article_id] for a in rec.articles)


def test_recommend_records_the_interaction_with_its_top_score_behind_the_call(service, store) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    rec = service.ranking.recommend("acme", ENQUIRY, top_k=2)
    service.interactions.flush(timeout_s=30)
    written = store.interactions.get("acme", rec.interaction_id)
    assert written is not None and written.offered == tuple(a.article_id for a in rec.articles)
    assert written.top_score == pytest.approx(rec.articles[0].score) and written.top_score == rec.top_score


def test_recommend_default_top_k(service, settings) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    assert len(service.ranking.recommend("acme", ENQUIRY).articles) == settings.default_top_k


def test_recommend_only_ranks_own_account(service) -> None:
    service.articles.upsert_articles("acme", ARTICLES[:2])
    service.articles.upsert_articles("globex", ARTICLES[2:])
    rec = service.ranking.recommend("acme", ENQUIRY, top_k=5)
    assert sorted(a.article_id for a in rec.articles) == sorted(a.article_id for a in ARTICLES[:2])


def test_recommend_sees_deletes_and_updates(service, spy) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    service.ranking.recommend("acme", ENQUIRY, top_k=5)  # fills the cache
    service.articles.delete_article("acme", "refund")
    updated = ArticleInput("invoice", "Password help", ENQUIRY)
    service.articles.upsert_article("acme", updated)
    now = [a for a in ARTICLES if a.article_id not in ("refund", "invoice")]
    rec = service.ranking.recommend("acme", ENQUIRY, top_k=5)
    # vectors as the service computed them: first bulk, then the single update
    expected = expected_ranking(spy.inner, [*now, updated], ENQUIRY, 5)
    assert [a.article_id for a in rec.articles] == [i for i, _ in expected]


def test_recommend_unknown_account(service) -> None:
    with pytest.raises(AccountNotFound, match="'ghost'"):
        service.ranking.recommend("ghost", ENQUIRY)


@pytest.mark.parametrize("k", [0, 6])
def test_recommend_top_k_out_of_range(service, k: int) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    with pytest.raises(InvalidInput) as err:
        service.ranking.recommend("acme", ENQUIRY, top_k=k)
    assert err.value.field == "top_k"


def test_recommend_blank_enquiry(service) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    with pytest.raises(InvalidInput) as err:
        service.ranking.recommend("acme", "   ")
    assert err.value.field == "enquiry"


def test_recommend_overlong_enquiry(service, settings) -> None:
    service.articles.upsert_articles("acme", ARTICLES)
    with pytest.raises(InputTooLarge) as err:
        service.ranking.recommend("acme", "x" * (settings.max_enquiry_chars + 1))
    assert err.value.field == "enquiry"


# model versions


def test_new_model_ranks_with_the_active_version_until_reencoded(store, make_spy, settings) -> None:
    spy1, spy2 = make_spy(version="1"), make_spy(version="2")
    Services.build(store, spy1, settings).articles.upsert_articles("acme", ARTICLES)
    assert store.accounts.active_version("acme") == "1"  # set by the account's first vectors
    v2 = Services.build(store, spy2, settings, encoder_for={"1": spy1}.__getitem__)
    before = v2.ranking.recommend("acme", ENQUIRY, top_k=5)
    assert before.model_version == "1" and len(before.articles) == 5
    assert spy2.batches == []  # nothing re-encoded by starting a process with a new model
    assert reencode_stale(store, spy2) == len(ARTICLES)
    after = v2.ranking.recommend("acme", ENQUIRY, top_k=5)
    assert after.model_version == "2" and len(after.articles) == 5
    assert stale(store, "2") == []


def test_process_without_the_active_version_says_how_to_switch(store, make_spy, settings) -> None:
    Services.build(store, make_spy(version="1"), settings).articles.upsert_articles("acme", ARTICLES)
    v2 = Services.build(store, make_spy(version="2"), settings)
    with pytest.raises(EncoderError, match="answerbot reencode --model-version 2"):
        v2.ranking.recommend("acme", ENQUIRY)


def test_reencode_is_idempotent(store, make_spy, settings) -> None:
    Services.build(store, make_spy(version="1"), settings).articles.upsert_articles("acme", ARTICLES)
    spy2 = make_spy(version="2")
    reencode_stale(store, spy2)
    assert reencode_stale(store, spy2) == 0
    assert len(spy2.batches) == 1


def test_reencode_one_account(store, make_spy, settings) -> None:
    v1 = Services.build(store, make_spy(version="1"), settings)
    v1.articles.upsert_articles("acme", ARTICLES[:2])
    v1.articles.upsert_articles("globex", ARTICLES[2:])
    assert reencode_stale(store, make_spy(version="2"), "acme") == 2
    assert {a.account for a in stale(store, "2")} == {"globex"}


def test_upsert_encodes_with_the_accounts_active_version(store, make_spy, settings) -> None:
    spy1, spy2 = make_spy(version="1"), make_spy(version="2")
    Services.build(store, spy1, settings).articles.upsert_article("acme", ARTICLES[0])
    v2 = Services.build(store, spy2, settings, encoder_for={"1": spy1}.__getitem__)
    assert v2.articles.upsert_article("acme", ARTICLES[0]).status is WriteStatus.UNCHANGED
    changed = ArticleInput(ARTICLES[0].article_id, ARTICLES[0].title, "New body.")
    assert v2.articles.upsert_article("acme", changed).article.model_version == "1"
    assert spy2.batches == []
    reencode_stale(store, spy2)
    assert v2.articles.upsert_article("acme", ARTICLES[0]).article.model_version == "2"
