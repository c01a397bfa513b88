"""Two real model versions (the tiny model trained twice, differently), a store of articles on version 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from answerbot.encoders.inprocess import SavedModelEncoder
from answerbot.service import AccountService, ArticleInput, Services
from answerbot.service.reencode import reencode_stale
from answerbot.settings import Settings
from answerbot.store import Store
from tests.store.conftest import vectors
from tests.tiny_model import TINY_DOCS

ACCOUNTS = ("acme", "globex")
WORDS = " ".join(TINY_DOCS.values()).split()


@pytest.fixture(scope="session")
def model_root(tiny_model_root: Path, tmp_path_factory) -> Path:
    """Versions 1 (the session's tiny model) and 2 (the tiny model trained for fewer epochs: other vectors)."""
    from answerbot.model.export import export_model
    from tests.tiny_model import train_tiny_model

    root = tmp_path_factory.mktemp("two_versions") / "models"
    shutil.copytree(tiny_model_root / "1", root / "1")
    export_model(train_tiny_model(root.parent / "run2", epochs=5), root, 2)
    return root


@pytest.fixture(scope="session")
def encoders(model_root: Path) -> dict[str, SavedModelEncoder]:
    return {v: SavedModelEncoder(model_root / v) for v in ("1", "2")}


def make_articles(n: int, seed: int = 0, prefix: str = "a") -> list[ArticleInput]:
    """``n`` articles with ids ``{prefix}0000``... and varied texts from the tiny vocabulary."""
    rng = np.random.default_rng(seed)
    return [
        ArticleInput(f"{prefix}{i:04d}", " ".join(rng.choice(WORDS, 3)), " ".join(rng.choice(WORDS, 8)), locale="en")
        for i in range(n)
    ]


def batch_settings(tmp_path: Path, model_root: Path) -> Settings:
    # the job's store writes stand for another process: services see them at once (no cache bound)
    return Settings(
        store_path=tmp_path / "store.sqlite",
        model_root=model_root,
        score_threshold=-1.0,
        max_top_k=10,
        cache_max_age_s=0.0,
    )


@pytest.fixture
def settings(tmp_path: Path, model_root: Path) -> Settings:
    return batch_settings(tmp_path, model_root)


def seed_store(settings: Settings, encoder, per_account: int) -> Store:
    """Accounts ``acme`` and ``globex`` with ``per_account`` articles each, encoded by ``encoder``, switched to it."""
    store = Store.sqlite(settings.store_path)
    service = Services.build(store, encoder, settings)
    for n, account in enumerate(ACCOUNTS):
        AccountService(store, settings).create(account)
        articles = make_articles(per_account, seed=n)
        for start in range(0, per_account, settings.max_bulk_articles):
            service.articles.upsert_articles(account, articles[start : start + settings.max_bulk_articles])
    reencode_stale(store, encoder)
    return store


def vectors_of(store, version: str) -> dict[tuple[str, str], np.ndarray]:
    """Every (account, article_id) -> vector of ``version`` in the store."""
    out = {}
    for account in store.accounts.ids():
        ids, matrix = vectors(store, account, version)
        out.update({(account, i): row for i, row in zip(ids, matrix, strict=True)})
    return out
