import gzip

import numpy as np
import pytest

from answerbot.embeddings.table import EmbeddingTable, TableError


def small_table() -> EmbeddingTable:
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3) / 7
    return EmbeddingTable(["a", "b", "c", "d"], vectors, "en")


def test_save_load_round_trip_is_bit_exact(tmp_path):
    table = small_table()
    loaded = EmbeddingTable.load(table.save(tmp_path / "t"))
    assert loaded.words == table.words
    assert loaded.lang == "en"
    assert np.array_equal(loaded.vectors, table.vectors)
    assert loaded.sha256() == table.sha256()


def test_memory_mapped_load_reads_the_same_vectors(tmp_path):
    table = small_table()
    loaded = EmbeddingTable.load(table.save(tmp_path / "t"), mmap=True)
    assert isinstance(loaded.vectors, np.memmap)
    assert np.array_equal(np.asarray(loaded.vectors), table.vectors)


def test_vec_with_header(tmp_path):
    path = tmp_path / "x.vec"
    path.write_text("2 3\nHello 1 2 3\nworld 4 5 6\n", encoding="utf-8")
    table = EmbeddingTable.from_vec(path, "en")
    assert table.words == ["hello", "world"]  # normalised like the tokenizer
    assert np.array_equal(table.vector("world"), np.array([4, 5, 6], np.float32))


def test_vec_without_header_gzipped_and_max_words(tmp_path):
    path = tmp_path / "x.vec.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("uno 1 0\ndos 0 1\ntres 1 1\n")
    table = EmbeddingTable.from_vec(path, "es", max_words=2)
    assert table.words == ["uno", "dos"]
    assert table.dim == 2


def test_vec_skips_words_the_tokenizer_would_split_and_keeps_first_spelling(tmp_path):
    path = tmp_path / "x.vec"
    path.write_text("e-mail 1 1\nWord 2 2\nword 3 3\n", encoding="utf-8")
    table = EmbeddingTable.from_vec(path, "en")
    assert table.words == ["word"]
    assert np.array_equal(table.vector("word"), np.array([2, 2], np.float32))


def test_vec_dimension_mismatch_names_file_and_line(tmp_path):
    path = tmp_path / "bad.vec"
    path.write_text("a 1 2 3\nb 1 2\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"bad\.vec:2: word 'b' has 2 values, expected 3"):
        EmbeddingTable.from_vec(path, "en")


def test_vec_non_numeric_value_names_file_and_line(tmp_path):
    path = tmp_path / "bad.vec"
    path.write_text("2 2\na 1 2\nb 1 x\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"bad\.vec:3: non-numeric"):
        EmbeddingTable.from_vec(path, "en")


def test_load_refuses_inconsistent_folder(tmp_path):
    folder = small_table().save(tmp_path / "t")
    (folder / "vocab.txt").write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(TableError, match="vocab.txt has 2 words"):
        EmbeddingTable.load(folder)


def test_duplicate_words_are_refused():
    with pytest.raises(TableError, match="duplicate word 'a'"):
        EmbeddingTable(["a", "a"], np.zeros((2, 2), np.float32), "en")


def test_bin_and_vec_from_a_real_fasttext_model(tmp_path):
    from answerbot.embeddings.pretrain import train_fasttext

    corpus = tmp_path / "corpus.txt"
    rng = np.random.default_rng(0)
    words = [f"w{i}x" for i in range(40)]
    corpus.write_text("\n".join(" ".join(rng.choice(words, 12)) for _ in range(300)) + "\n")
    model = train_fasttext(corpus, dim=8, epoch=5, minCount=1, thread=1, bucket=1000, verbose=0)
    model.save_model(str(tmp_path / "m.bin"))
    with (tmp_path / "m.vec").open("w") as f:
        f.write(f"{len(words)} 8\n")
        for w in words:
            f.write(w + " " + " ".join(f"{v:.6f}" for v in model.get_word_vector(w)) + "\n")
    from_bin = EmbeddingTable.from_bin(tmp_path / "m.bin", "xx")
    from_vec = EmbeddingTable.from_vec(tmp_path / "m.vec", "xx")
    assert set(from_bin.words) == set(words)
    for w in words:
        assert np.allclose(from_bin.vector(w), from_vec.vector(w), atol=1e-5)


def test_bin_that_is_not_a_model_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.bin"
    path.write_bytes(b"not a model")
    with pytest.raises(TableError, match="junk.bin"):
        EmbeddingTable.from_bin(path, "xx")
