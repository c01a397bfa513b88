"""Word-vector tables: loading, pre-training with fastText, merging."""

from answerbot.embeddings.merge import merge_tables, strategy_names
from answerbot.embeddings.table import EmbeddingTable, TableError

__all__ = ["EmbeddingTable", "TableError", "merge_tables", "strategy_names"]
