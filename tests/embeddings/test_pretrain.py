import gzip

import numpy as np
import pytest

from answerbot.embeddings.pretrain import PretrainConfig, prepare_corpus, pretrain_table
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.text import tokenize


def test_prepare_corpus_rejoins_segmented_japanese_like_serving(tmp_path):
    source = tmp_path / "ja.txt.gz"
    with gzip.open(source, "wt", encoding="utf-8") as f:
        f.write("パスワード を 忘れ まし た 。\n\n")
    target = tmp_path / "out.txt"
    assert prepare_corpus(source, target) == 1
    assert target.read_text(encoding="utf-8").split() == tokenize("パスワードを忘れました")


def test_prepare_corpus_refuses_a_file_without_tokens(tmp_path):
    source = tmp_path / "empty.txt"
    source.write_text("!!!\n...\n", encoding="utf-8")
    with pytest.raises(TableError, match="no tokens"):
        prepare_corpus(source, tmp_path / "out.txt")


def test_pretrain_writes_a_loadable_table_of_corpus_words(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"wort{i}" for i in range(60)]
    corpus = tmp_path / "de.txt"
    corpus.write_text("\n".join(" ".join(rng.choice(words, 10)) for _ in range(400)) + "\n", encoding="utf-8")
    config = PretrainConfig(dim=8, epochs=2, min_count=1, bucket=1000, max_words=50, save_bin=True)
    table = pretrain_table(corpus, "de", tmp_path / "table", config)
    loaded = EmbeddingTable.load(tmp_path / "table")
    assert len(loaded) == 50 and loaded.dim == 8 and loaded.lang == "de"
    assert set(loaded.words) <= set(words)
    assert np.array_equal(loaded.vectors, table.vectors)
    assert np.isfinite(loaded.vectors).all()
    assert (tmp_path / "table" / "model.bin").is_file()
