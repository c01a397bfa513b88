"""The records readers produce: (query, document) training pairs."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Pair"]


@dataclass(frozen=True)
class Pair:
    """A query (ticket, title, question) and the document that answers it.

    ``doc_key`` names the document: two pairs with the same key share a positive, so the loss
    does not push a query away from its own answer when that answer appears twice in a batch.
    ``group`` (an account, a language) keeps a batch within one group when hard negatives are on.
    ``negative`` is a document known not to answer the query (an article the ticket's customer rejected),
    named by ``negative_key``; the in-batch loss scores it as one more negative ("" = none).
    """

    query: str
    document: str
    doc_key: str
    group: str = ""
    negative: str = ""
    negative_key: str = ""
