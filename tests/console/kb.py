"""The console tests' knowledge base (English and German) and a tiny model trained on its tickets."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from answerbot.data.records import Pair
from answerbot.text import article_text, normalize

__all__ = ["ARTICLES", "KB_CSV", "train_console_model"]

ARTICLES = [
    (
        "passwort",
        "Passwort zurücksetzen",
        "Öffnen Sie die Anmeldeseite und setzen Sie Ihr Passwort zurück.",
        "de",
        "login",
    ),
    ("password", "Reset your password", "Open the login page and reset your password.", "en", "login"),
    ("refund", "Request a refund", "Refunds reach your card within five days.", "en", "billing"),
    ("versand", "Sendung verfolgen", "Verfolgen Sie Ihre Bestellung mit der Sendungsnummer.", "de", "shipping"),
    ("invoice", "Download invoices", "Invoices are on the billing page.", "en", "billing"),
]
KB_CSV = "article_id,title,body,locale,labels\n" + "".join(
    f'{i},{t},"{b}",{loc},{lab}\n' for i, t, b, loc, lab in ARTICLES
)
TICKETS = {
    "passwort": ["passwort vergessen", "ich kann mich nicht anmelden", "mein passwort geht nicht"],
    "password": ["forgot my password", "cannot log in", "password reset"],
    "refund": ["money back", "refund to my card"],
    "versand": ["wo ist mein paket", "bestellung verfolgen", "sendungsnummer"],
    "invoice": ["need an invoice", "billing document"],
}


def _pairs() -> list[Pair]:
    docs = {i: article_text(t, b) for i, t, b, _, _ in ARTICLES}
    return [Pair(query, docs[key], key) for key, queries in TICKETS.items() for query in queries]


def train_console_model(work_dir: Path, model_root: Path) -> Path:
    """Train the tiny dual encoder on the tickets above (vocabulary: their words, dim 8) and export it."""
    from answerbot.embeddings.table import EmbeddingTable
    from answerbot.model.export import export_model
    from answerbot.model.training import TrainConfig, train_dual_encoder

    pairs = _pairs()
    words = sorted({w for p in pairs for w in normalize(f"{p.query} {p.document}").split()} | {"ich", "habe"})
    vectors = np.random.default_rng(0).standard_normal((len(words), 8)).astype(np.float32)
    config = TrainConfig(hidden=8, output_dim=8, epochs=40, batch_size=8, learning_rate=0.03, temperature=0.1)
    model = train_dual_encoder(pairs, EmbeddingTable(words, vectors, "de"), work_dir, config)
    return export_model(model, model_root, extra={"languages": ["de", "en"], "merge_strategy": "priority@1"})
