"""Recommendations: an account's best articles for an enquiry. No HTTP here.

``RankingService.recommend`` is the one place that decides how an enquiry is ranked and records it:

1. the account is ranked with its active model version (the served one until its first vectors exist);
2. dense: cosine of the enquiry's vector with the account's vectors of that version (hybrid accounts fuse
   it with BM25), kept above the score threshold (the account's; else its target precision's, through the
   calibration; else ``ANSWERBOT_SCORE_THRESHOLD``), with the top score's calibrated confidence
   (``answerbot.service.calibrations``);
3. when the encoder fails and the account has ``lexical_fallback``, BM25 alone ranks (flagged ``lexical``;
   no threshold, but articles without a word in common are not offered); otherwise the EncoderError stands;
4. either way ``selection.select`` applies the filters, and the interaction is recorded, offered or not,
   with its top score (the best score the threshold was compared with; not for the lexical fallback); it is
   queued to the interaction log and written behind the request (see ``interaction_log``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from answerbot.encoders.base import EncoderError
from answerbot.index import AccountIndex
from answerbot.lang import LanguageGuess, detect_language
from answerbot.service import explain as explaining
from answerbot.service import hybrid
from answerbot.service.calibrations import Calibrations, ChosenCalibration, effective_threshold
from answerbot.service.interaction_log import new_interaction_id
from answerbot.service.parts import ServiceParts
from answerbot.service.selection import (
    ANY_MATCH,
    RankedArticle,
    Selection,
    Unoffered,
    ranked_articles,
    select,
    why_unoffered,
)
from answerbot.service.validation import check_enquiry, check_filters
from answerbot.store import Account, Interaction, utc_now

__all__ = ["LEXICAL", "RankingService", "Recommendation"]

LEXICAL = "lexical"


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
    top_score: float | None = None
    """The best score of an article with the labels, before the threshold (None: no such article)."""
    unoffered: Unoffered | None = None
    """Why nothing was offered (None when something was)."""
    confidence: float | None = None
    """Calibrated probability that the top article is right (None: no calibration, or nothing to score)."""
    calibration: str | None = None
    """Which calibration gave ``confidence`` (and the target precision's threshold): "account", "global" or None."""

    @property
    def outcome(self) -> str:
        return "offered" if self.articles else "unoffered"


class RankingService(ServiceParts):
    """Ranks an account's articles for an enquiry and records every request as an interaction."""

    @cached_property
    def calibrations(self) -> Calibrations:
        """Global (per model version) and per-account calibrations of top scores."""
        return Calibrations(self.store, self.settings.model_root, self.settings.calibration_refit_s)

    def version_of(self, account: Account) -> str:
        """The model version ``account`` is ranked with: its active version, else the served one."""
        return account.active_version or self.encoders.model_version

    def effective_threshold(self, account: Account) -> float:
        """The score threshold ``recommend`` uses for ``account`` (its own, its target precision's, or the global)."""
        chosen = self.calibrations.for_account(account, self.version_of(account))
        return effective_threshold(account, self.settings.score_threshold, chosen.calibration)

    def index(self, account: str) -> AccountIndex:
        """The account's AccountIndex of its active version (cached)."""
        return self.indexes.get(account, self.version_of(self.accounts.get(account)))

    def check_enquiry(self, enquiry: str, top_k: int | None) -> int:
        """Validate an enquiry and top_k (default ``ANSWERBOT_DEFAULT_TOP_K``); returns k."""
        return check_enquiry(self.settings, enquiry, top_k)

    def detect_language(self, text: str) -> LanguageGuess:
        """The language of ``text`` (langdetect seeded with ``ANSWERBOT_LANGDETECT_SEED``; tens of microseconds)."""
        return detect_language(text, seed=self.settings.langdetect_seed)

    def in_memory(self, account: Account, explain: bool = False) -> bool:
        """Whether ``recommend`` for ``account`` needs only what this process holds: no store read, no encoder
        call (the enquiry's vector comes from the caller), so it may run on the caller's thread."""
        version = self.version_of(account)
        return (
            not explain
            and version == self.encoders.model_version
            and self.accounts.peek(account.account_id) is not None
            and self.indexes.peek(account.account_id, version) is not None
            and self.calibrations.fresh(account.account_id, version)
        )

    def encode_served(self, texts: list[str]) -> np.ndarray:
        """Vectors of the served model version (checked); what the API's micro-batcher calls."""
        return self.encoders.encode(texts)

    def recommend(
        self,
        account: str | Account,
        enquiry: str,
        top_k: int | None = None,
        *,
        locale: str | None = None,
        labels: Sequence[str] = (),
        explain: bool = False,
        query: np.ndarray | EncoderError | None = None,
        language: LanguageGuess | None = None,
    ) -> Recommendation:
        """The account's best articles for ``enquiry``, best first, and the interaction recorded for it.

        ``account`` is the account id, or its record when the caller has read it already.
        ``query`` is what the caller got from the served encoder already (the API's micro-batcher): the
        enquiry's vector, or the EncoderError it raised; None encodes here. It is used only when the
        account is on the served version. ``language`` is the enquiry's language when already detected.
        Ties are broken by article id.
        """
        found = self.accounts.get(account) if isinstance(account, str) else account
        account = found.account_id
        k = check_enquiry(self.settings, enquiry, top_k)
        check_filters(locale, labels)
        version = self.version_of(found)
        if version != self.encoders.model_version:
            query = None
        if language is None:
            language = self.detect_language(enquiry)
        idx = self.indexes.get(account, version)
        chosen = self.calibrations.for_account(found, version)
        threshold = effective_threshold(found, self.settings.score_threshold, chosen.calibration)
        fallback = None
        try:
            vector = self._vector(enquiry, version, query)
        except EncoderError:
            if not found.lexical_fallback:
                raise
            selection = select(idx, hybrid.bm25_scores(idx, enquiry), k, ANY_MATCH, locale, labels)
            articles, threshold, fallback = ranked_articles(idx, selection), 0.0, LEXICAL
        else:
            selection = select(
                idx, self._dense_scores(idx, enquiry, vector, found.hybrid, language.code), k, threshold, locale, labels
            )
            articles = ranked_articles(idx, selection, self._explain(idx, selection, enquiry, vector, version, explain))
        unoffered = why_unoffered(idx, selection, threshold, labels, lexical=fallback is not None)
        # BM25 scores of the lexical fallback are on another scale than the threshold: not recorded
        interaction = self._record(account, enquiry, language, articles, None if fallback else selection.top_score)
        if fallback is not None:
            chosen = ChosenCalibration(None, None)
        return Recommendation(
            account=account,
            model_name=self.encoders.model_name,
            model_version=version,
            language=language,
            articles=articles,
            interaction_id=interaction.interaction_id,
            threshold=threshold,
            hybrid=found.hybrid,
            locale_fallback=selection.locale_fallback,
            fallback=fallback,
            top_score=selection.top_score,
            unoffered=unoffered,
            confidence=chosen.confidence(selection.top_score),
            calibration=None if chosen.scope is None else chosen.scope.value,
        )

    def _vector(self, enquiry: str, version: str, query: np.ndarray | EncoderError | None) -> np.ndarray:
        if isinstance(query, EncoderError):
            raise query
        if query is not None:
            return query
        return np.asarray(self.encoders.encode([enquiry], version)[0], dtype=np.float32)

    def _dense_scores(
        self, idx: AccountIndex, enquiry: str, query: np.ndarray, use_hybrid: bool, language: str
    ) -> np.ndarray:
        if len(idx) == 0:
            return np.zeros(0, dtype=np.float32)
        if idx.matrix.shape[1] != query.shape[0]:
            raise EncoderError(
                f"encoder dim {query.shape[0]} differs from the stored vectors' dim {idx.matrix.shape[1]}; re-encode"
            )
        scores = idx.matrix @ query
        if use_hybrid:
            lexical = hybrid.bm25_scores(idx, enquiry)
            comparable = hybrid.lexical_mask(idx, language)
            scores = hybrid.fuse(scores, lexical, self.settings.hybrid_weight, comparable=comparable)
        return np.asarray(scores, dtype=np.float32)

    def _explain(
        self, idx: AccountIndex, selection: Selection, enquiry: str, query: np.ndarray, version: str, wanted: bool
    ) -> list[list[explaining.TokenWeight]] | None:
        if not wanted or not len(selection.rows):
            return None
        return explaining.explain(
            enquiry,
            query,
            idx.matrix[selection.rows],
            lambda texts: self.encoders.encode(texts, version),
            self.settings.explain_max_tokens,
        )

    def _record(
        self,
        account: str,
        enquiry: str,
        language: LanguageGuess,
        articles: Sequence[RankedArticle],
        top_score: float | None,
    ) -> Interaction:
        now = utc_now()
        offered = tuple(a.article_id for a in articles)
        interaction = Interaction(
            account, new_interaction_id(), now, now[:10], language.code, offered, top_score, enquiry
        )
        self.interactions.add(interaction)
        return interaction
