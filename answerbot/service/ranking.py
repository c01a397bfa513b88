"""RankingService: stores and encodes an account's articles and ranks them for an enquiry. No HTTP here.

Ranking: exact cosine top-k over the account's cached matrix (or the hybrid fusion with BM25), then the
score threshold (the account's, else ``ANSWERBOT_SCORE_THRESHOLD``). Filters: ``labels`` keeps articles with at
least one of the labels; ``locale`` keeps articles of that language, and falls back to every locale when no
article of the language passes the threshold. Every request is recorded as an interaction, offered or not.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from answerbot import index
from answerbot.encoders.base import Encoder, EncoderError
from answerbot.lang import LanguageGuess, detect_language
from answerbot.markup import snippet, strip_html
from answerbot.service import explain as explaining
from answerbot.service import hybrid
from answerbot.service.accounts import ID_PATTERN, check_id
from answerbot.service.errors import AccountNotFound, ArticleNotFound, InputTooLarge, InvalidInput
from answerbot.settings import Settings
from answerbot.store.base import Account, ArticleStore, Interaction, StoredArticle, content_hash, utc_now
from answerbot.text import article_text

__all__ = [
    "ID_PATTERN",
    "MAX_LABELS",
    "MAX_PAGE_SIZE",
    "ArticleInput",
    "ArticlePage",
    "ArticleWrite",
    "RankedArticle",
    "RankingService",
    "Recommendation",
    "UpsertCounts",
    "WriteStatus",
    "check_filters",
    "check_text",
    "ranked_articles",
]

MAX_PAGE_SIZE = 100
MAX_LABELS = 32
MAX_LABEL_CHARS = 64

_LOCALE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
_REENCODE_BATCH = 256


@dataclass(frozen=True)
class ArticleInput:
    """An article as a client sends it."""

    article_id: str
    title: str
    body: str
    locale: str | None = None
    labels: tuple[str, ...] = ()


class WriteStatus(StrEnum):
    """What an upsert did to one article's content."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ArticleWrite:
    """The article as stored after an upsert, and what happened to it."""

    article: StoredArticle
    status: WriteStatus


@dataclass(frozen=True)
class UpsertCounts:
    """How many articles of a bulk upsert were created, updated or left unchanged."""

    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class ArticlePage:
    """One page of an account's articles, ordered by id."""

    items: tuple[StoredArticle, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class RankedArticle:
    """One recommended article, its score (cosine, or the hybrid fusion) and, on request, its explanation."""

    article_id: str
    title: str
    score: float
    locale: str | None
    snippet: str = ""
    labels: tuple[str, ...] = ()
    explanation: tuple[explaining.TokenWeight, ...] | None = None


def check_filters(locale: str | None, labels: Sequence[str]) -> None:
    """Validate a recommendation's locale and label filters (InvalidInput names the field)."""
    if locale is not None and not _LOCALE_RE.fullmatch(locale):
        raise InvalidInput("locale", f"locale {locale!r} is invalid; use a language tag like 'en' or 'pt-BR'")
    if len(labels) > MAX_LABELS:
        raise InvalidInput("labels", f"{len(labels)} labels exceed the limit of {MAX_LABELS}")
    for label in labels:
        check_text(label, "labels")


def ranked_articles(
    idx: index.AccountIndex,
    picked: np.ndarray,
    scores: np.ndarray,
    explanations: Sequence[Sequence[explaining.TokenWeight]] | None = None,
) -> tuple[RankedArticle, ...]:
    """The index's rows ``picked`` as RankedArticles, with their scores (and explanations)."""
    return tuple(
        RankedArticle(
            article_id=idx.ids[i],
            title=idx.titles[i],
            score=float(score),
            locale=idx.locales[i],
            snippet=idx.snippets[i],
            labels=idx.labels[i],
            explanation=None if explanations is None else tuple(explanations[n]),
        )
        for n, (i, score) in enumerate(zip(picked, scores, strict=True))
    )


@dataclass(frozen=True)
class Recommendation:
    """An account's best articles for an enquiry, best first; ``outcome`` is offered or unoffered."""

    account: str
    model_name: str
    model_version: str
    language: LanguageGuess
    articles: tuple[RankedArticle, ...]
    interaction_id: str = ""
    threshold: float = 0.0
    hybrid: bool = False
    locale_fallback: bool = False
    fallback: str | None = None
    """``"lexical"`` when the encoder was down and BM25 ranked the articles (the account's lexical_fallback)."""

    @property
    def outcome(self) -> str:
        return "offered" if self.articles else "unoffered"


def _check_id(value: str, field: str, what: str) -> None:
    check_id(value, field, what)


def check_text(value: str, field: str) -> None:
    """InvalidInput unless ``value`` is storable text: valid UTF-8 (no lone surrogates) and no NUL."""
    if "\x00" in value:
        raise InvalidInput(field, f"{field} contains a NUL character (\\u0000); remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidInput(
            field, f"{field} is not valid Unicode text ({e.reason} at {e.start}); fix the encoding"
        ) from e


class RankingService:
    """Stores and encodes articles of each account and ranks them for an enquiry.

    Model versions (issue 7): an account is ranked with its ``active_version`` (read with the account on
    every request, so a switch made by another process is seen at once), else with ``encoder``'s version.
    Queries and new articles are encoded with that version's encoder: ``encoder`` itself, or one built by
    ``encoder_for(version)`` and kept (None: only ``encoder``'s version can be served).
    """

    def __init__(
        self,
        store: ArticleStore,
        encoder: Encoder,
        settings: Settings,
        encoder_for: Callable[[str], Encoder] | None = None,
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.settings = settings
        self._cache: index.VectorCache[index.AccountIndex] = index.VectorCache()
        self._encoder_for = encoder_for
        self._encoders: dict[str, Encoder] = {}
        self._encoders_lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self.encoder.model_name

    @property
    def model_version(self) -> str:
        return self.encoder.model_version

    def article_count(self) -> int:
        """Number of articles of all accounts."""
        return self.store.count()

    # writes

    def upsert_article(self, account: str, article: ArticleInput) -> ArticleWrite:
        """Create or replace one article; encodes it unless content and vector are current."""
        self.account(account)
        clean = self._clean(article, prefix="", id_field="article_id")
        return self._upsert(account, [clean])[0]

    def upsert_articles(self, account: str, articles: Sequence[ArticleInput]) -> UpsertCounts:
        """Create or replace many articles atomically (all written or none), in one encoder call."""
        self.account(account)
        limit = self.settings.max_bulk_articles
        if len(articles) > limit:
            raise InputTooLarge(
                "articles",
                f"{len(articles)} articles in one request exceed the limit of {limit} "
                "(ANSWERBOT_MAX_BULK_ARTICLES); split the upload into smaller batches",
            )
        seen: set[str] = set()
        cleaned = []
        for i, article in enumerate(articles):
            prefix = f"articles.{i}."
            if article.article_id in seen:
                raise InvalidInput(f"{prefix}id", f"article id {article.article_id!r} appears twice; send it once")
            seen.add(article.article_id)
            cleaned.append(self._clean(article, prefix=prefix, id_field=f"{prefix}id"))
        writes = self._upsert(account, cleaned)
        statuses = [write.status for write in writes]
        return UpsertCounts(
            created=statuses.count(WriteStatus.CREATED),
            updated=statuses.count(WriteStatus.UPDATED),
            unchanged=statuses.count(WriteStatus.UNCHANGED),
        )

    def delete_article(self, account: str, article_id: str) -> None:
        """Delete one article; AccountNotFound / ArticleNotFound when absent."""
        self.account(account)
        _check_id(article_id, "article_id", "article id")
        if not self.store.delete(account, article_id):
            raise ArticleNotFound(account, article_id)
        self._cache.invalidate(account)

    def reencode_stale(self, account: str | None = None) -> int:
        """Bring every account (or one) to the encoder's model version: the re-encoding job's incremental mode.

        Encodes articles lacking an up-to-date vector of this version, then switches each account to it
        atomically (``answerbot.service.reencode``); returns how many articles were encoded.
        Accounts already active on a newer version are left alone (an old replica restarting must not
        switch them back); going back to an older version is an explicit ``answerbot reencode``.
        """
        from answerbot.service.reencode import ReencodeOptions, is_newer, local_engine, run_reencode

        version = self.model_version
        names = [account] if account is not None else self.store.account_ids()
        if not names:
            return 0
        keep = [name for name in names if not is_newer(self.store.active_version(name), version)]
        scopes: list[str | None] = [None] if account is None and len(keep) == len(names) else list(keep)
        encoded = 0
        for scope in scopes:
            options = ReencodeOptions(version, account=scope, only_stale=True, batch_size=_REENCODE_BATCH)
            encoded += run_reencode(self.store, version, local_engine(self.encoder), options).encoded
        for name in names:
            self._cache.invalidate(name)
        return encoded

    def version_of(self, account: str) -> str:
        """The model version ``account`` is ranked with: its active version, else the encoder's."""
        return self.store.active_version(account) or self.model_version

    def encoder_of(self, version: str) -> Encoder:
        """The encoder of model ``version``: ``encoder``, or one built by ``encoder_for`` (kept for later)."""
        if version == self.model_version:
            return self.encoder
        with self._encoders_lock:
            if version not in self._encoders:
                if self._encoder_for is None:
                    raise EncoderError(
                        f"an account is active on model version {version}, but this process only serves version "
                        f"{self.model_version}; run `answerbot reencode --model-version {self.model_version}` "
                        "to switch it, or serve both versions (the API builds other versions from settings)"
                    )
                built = self._encoder_for(version)
                if built.model_version != version:
                    raise EncoderError(
                        f"encoder built for model version {version} reports version {built.model_version}; "
                        "check ANSWERBOT_MODEL_ROOT / the TF Serving model config"
                    )
                self._encoders[version] = built
            return self._encoders[version]

    # reads

    def get_article(self, account: str, article_id: str) -> StoredArticle:
        """One article; AccountNotFound / ArticleNotFound when absent."""
        self.account(account)
        _check_id(article_id, "article_id", "article id")
        article = self.store.get(account, article_id)
        if article is None:
            raise ArticleNotFound(account, article_id)
        return article

    def list_articles(self, account: str, limit: int = 20, offset: int = 0) -> ArticlePage:
        """One page of an account's articles ordered by id; AccountNotFound for an unknown account."""
        self.account(account)
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidInput("limit", f"limit={limit} is out of range; use 1 to {MAX_PAGE_SIZE}")
        if offset < 0:
            raise InvalidInput("offset", f"offset={offset} is negative; use 0 or more")
        total = self.store.count(account)
        items = tuple(self.store.list(account, limit, offset))
        return ArticlePage(items=items, total=total, limit=limit, offset=offset)

    def account(self, account: str) -> Account:
        """The account; AccountNotFound when it does not exist."""
        _check_id(account, "account", "account")
        found = self.store.get_account(account)
        if found is None:
            raise AccountNotFound(account)
        return found

    def check_enquiry(self, enquiry: str, top_k: int | None) -> int:
        """Validate an enquiry and top_k (default ``ANSWERBOT_DEFAULT_TOP_K``); returns k."""
        k = self.settings.default_top_k if top_k is None else top_k
        if not 1 <= k <= self.settings.max_top_k:
            raise InvalidInput("top_k", f"top_k={k} is out of range; use 1 to {self.settings.max_top_k}")
        if not enquiry.strip():
            raise InvalidInput("enquiry", "enquiry is empty; send the text of the ticket")
        if len(enquiry) > self.settings.max_enquiry_chars:
            raise InputTooLarge(
                "enquiry",
                f"enquiry has {len(enquiry)} characters, more than the limit of "
                f"{self.settings.max_enquiry_chars} (ANSWERBOT_MAX_ENQUIRY_CHARS); shorten it",
            )
        check_text(enquiry, "enquiry")
        return k

    def recommend(
        self,
        account: str,
        enquiry: str,
        top_k: int | None = None,
        *,
        locale: str | None = None,
        labels: Sequence[str] = (),
        explain: bool = False,
        query: np.ndarray | None = None,
        language: LanguageGuess | None = None,
    ) -> Recommendation:
        """The account's best articles for ``enquiry``, best first, and the interaction recorded for it.

        ``query`` is the enquiry's vector when the caller encoded it already (the API's micro-batcher), and
        ``language`` its detected language when the caller detected it meanwhile.
        Only vectors of the account's active model version are ranked, with a query of that version (a
        ``query`` from the encoder of another version is ignored); ties are broken by article id.
        """
        found = self.account(account)
        version = found.active_version or self.model_version
        if version != self.model_version:
            query = None
        k = self.check_enquiry(enquiry, top_k)
        check_filters(locale, labels)
        if language is None:
            language = self.detect_language(enquiry)
        idx = self.index(account, version)
        if query is None:
            try:
                query = self._encode([enquiry], version)[0]
            except EncoderError:
                if not found.lexical_fallback:
                    raise
                from answerbot.service.fallback import lexical_recommendation

                return lexical_recommendation(self, found, enquiry, k, locale=locale, labels=labels, language=language)
        threshold = self.settings.score_threshold if found.score_threshold is None else found.score_threshold
        picked, scores, fallback = self._rank(idx, enquiry, query, found.hybrid, threshold, k, locale, labels)
        explanations: list[list[explaining.TokenWeight]] | None = None
        if explain and len(picked):
            explanations = explaining.explain(
                enquiry,
                query,
                idx.matrix[picked],
                lambda texts: self._encode(texts, version),
                self.settings.explain_max_tokens,
            )
        ranked = ranked_articles(idx, picked, scores, explanations)
        now = utc_now()
        interaction = Interaction(
            account, uuid.uuid4().hex, now, now[:10], language.code, tuple(a.article_id for a in ranked)
        )
        self.store.add_interaction(interaction)
        return Recommendation(
            account=account,
            model_name=self.model_name,
            model_version=version,
            language=language,
            articles=ranked,
            interaction_id=interaction.interaction_id,
            threshold=threshold,
            hybrid=found.hybrid,
            locale_fallback=fallback,
        )

    def index(self, account: str, version: str | None = None) -> index.AccountIndex:
        """The account's cached AccountIndex of ``version`` (default: the account's active version).

        Cached per (account, version), so a switch made elsewhere is picked up by the next request.
        """
        if version is None:
            version = self.version_of(account)
        return self._cache.get(account, version, lambda: _load_index(self.store, account, version))

    def detect_language(self, text: str) -> LanguageGuess:
        """The language of ``text`` (langdetect seeded with ``ANSWERBOT_LANGDETECT_SEED``)."""
        return detect_language(text, seed=self.settings.langdetect_seed)

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """Encode texts with the service's checks (float32 [n, dim], finite); used by the micro-batcher."""
        return self._encode(texts)

    def _rank(
        self,
        idx: index.AccountIndex,
        enquiry: str,
        query: np.ndarray,
        use_hybrid: bool,
        threshold: float,
        k: int,
        locale: str | None,
        labels: Sequence[str],
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """Indices and scores of the picked rows, and whether the locale filter fell back to all locales."""
        if len(idx) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), False
        if idx.matrix.shape[1] != query.shape[0]:
            raise EncoderError(
                f"encoder dim {query.shape[0]} differs from the stored vectors' dim {idx.matrix.shape[1]}; re-encode"
            )
        scores = idx.matrix @ query
        if use_hybrid:
            scores = hybrid.fuse(scores, hybrid.bm25_scores(idx, enquiry), self.settings.hybrid_weight)
        scores = np.where(scores >= threshold, scores, -np.inf).astype(np.float32)
        if labels:
            scores = np.where(idx.label_mask(labels), scores, -np.inf)
        if locale is not None:
            in_locale = np.where(idx.locale_mask(locale), scores, -np.inf)
            picked, picked_scores = index.top_k_scores(in_locale, k)
            if len(picked):
                return picked, picked_scores, False
            picked, picked_scores = index.top_k_scores(scores, k)
            return picked, picked_scores, True
        picked, picked_scores = index.top_k_scores(scores, k)
        return picked, picked_scores, False

    # helpers

    def _clean(self, article: ArticleInput, prefix: str, id_field: str) -> ArticleInput:
        """Validate one article and return it with labels de-duplicated and sorted."""
        _check_id(article.article_id, id_field, "article id")
        check_text(article.title, f"{prefix}title")
        check_text(article.body, f"{prefix}body")
        for label in article.labels:
            check_text(label, f"{prefix}labels")
        if not article.title.strip():
            raise InvalidInput(f"{prefix}title", "title is empty; give the article a title")
        size = len(article.title) + 1 + len(article.body)
        if size > self.settings.max_article_chars:
            raise InputTooLarge(
                f"{prefix}body",
                f"article {article.article_id!r} has {size} characters, more than the limit of "
                f"{self.settings.max_article_chars} (ANSWERBOT_MAX_ARTICLE_CHARS); split or shorten it",
            )
        if article.locale is not None and not _LOCALE_RE.fullmatch(article.locale):
            raise InvalidInput(
                f"{prefix}locale", f"locale {article.locale!r} is invalid; use a language tag like 'en' or 'pt-BR'"
            )
        labels = tuple(sorted(set(article.labels)))
        if len(labels) > MAX_LABELS:
            raise InvalidInput(f"{prefix}labels", f"{len(labels)} labels exceed the limit of {MAX_LABELS}")
        for label in labels:
            if not label.strip() or len(label) > MAX_LABEL_CHARS:
                raise InvalidInput(
                    f"{prefix}labels", f"label {label!r} is invalid; use 1 to {MAX_LABEL_CHARS} non-blank characters"
                )
        return dataclasses.replace(article, labels=labels)

    def _upsert(self, account: str, articles: Sequence[ArticleInput]) -> list[ArticleWrite]:
        """Write validated articles in one transaction, encoding only those without a current vector.

        Vectors are of the account's active version; if the account switches meanwhile, encode again.
        """
        version = self.version_of(account)
        existing = self.store.get_many(account, [a.article_id for a in articles])
        now = utc_now()
        writes: list[ArticleWrite] = []
        to_write: list[int] = []
        to_encode: list[int] = []
        for article in articles:
            old = existing.get(article.article_id)
            digest = content_hash(article.title, article.body, article.locale, article.labels)
            text = article_text(article.title, article.body)
            vector_current = (
                old is not None
                and old.vector is not None
                and old.model_version == version
                and article_text(old.title, old.body) == text
            )
            if old is not None and old.content_hash == digest and vector_current:
                writes.append(ArticleWrite(old, WriteStatus.UNCHANGED))
                continue
            if old is None:
                status = WriteStatus.CREATED
            elif old.content_hash == digest:
                status = WriteStatus.UNCHANGED  # same content, vector from another model: refresh it
            else:
                status = WriteStatus.UPDATED
            stored = StoredArticle(
                account=account,
                article_id=article.article_id,
                title=article.title,
                body=article.body,
                locale=article.locale,
                labels=article.labels,
                content_hash=digest,
                vector=old.vector if vector_current and old is not None else None,
                model_version=version if vector_current else None,
                updated_at=old.updated_at if old is not None and status is WriteStatus.UNCHANGED else now,
            )
            to_write.append(len(writes))
            if not vector_current:
                to_encode.append(len(writes))
            writes.append(ArticleWrite(stored, status))
        if to_encode:
            texts = [article_text(writes[i].article.title, writes[i].article.body) for i in to_encode]
            vectors = self._encode(texts, version)
            for i, vector in zip(to_encode, vectors, strict=True):
                article = dataclasses.replace(writes[i].article, vector=vector, model_version=version)
                writes[i] = ArticleWrite(article, writes[i].status)
        if to_write:
            self.store.upsert_many([writes[i].article for i in to_write])
            self._cache.invalidate(account)
            if self.version_of(account) != version:  # switched while we encoded: write the new version's vectors
                return self._upsert(account, articles)
        return writes

    def _encode(self, texts: list[str], version: str | None = None) -> np.ndarray:
        """Encode ``texts`` with ``version``'s encoder (default: ``encoder``); check float32 [n, dim], finite."""
        encoder = self.encoder if version is None else self.encoder_of(version)
        vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
        expected = (len(texts), encoder.dim)
        if vectors.shape != expected:
            raise EncoderError(
                f"encoder {encoder.model_name} version {encoder.model_version} returned shape {vectors.shape}; "
                f"expected {expected}"
            )
        if not np.isfinite(vectors).all():
            raise EncoderError(f"encoder {encoder.model_name} version {encoder.model_version} returned NaN or inf")
        return vectors


def _load_index(store: ArticleStore, account: str, version: str) -> index.AccountIndex:
    articles = store.with_vectors(account, version)
    if not articles:
        return index.AccountIndex([], np.zeros((0, 0), dtype=np.float32), [], [], [], [], [])
    dims = {a.vector.shape[0] for a in articles if a.vector is not None}
    if len(dims) != 1:
        raise EncoderError(f"account {account!r} has vectors of several dimensions {sorted(dims)}; re-encode it")
    return index.AccountIndex(
        ids=[a.article_id for a in articles],
        matrix=np.stack([a.vector for a in articles if a.vector is not None]).astype(np.float32),
        titles=[a.title for a in articles],
        snippets=[snippet(strip_html(a.body)) for a in articles],
        texts=[article_text(a.title, a.body) for a in articles],
        locales=[a.locale for a in articles],
        labels=[a.labels for a in articles],
    )
