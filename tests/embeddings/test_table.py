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
    with pytest.raises(TableError, match=r"vocab\.txt has 2 words"):
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
    with pytest.raises(TableError, match=r"junk\.bin"):
        EmbeddingTable.from_bin(path, "xx")


def test_float16_option_and_max_words_on_load(tmp_path):
    table = small_table()
    half = table.astype("float16")
    assert half.vectors.dtype == np.float16
    loaded = EmbeddingTable.load(half.save(tmp_path / "t"), mmap=True, max_words=2)
    assert loaded.vectors.dtype == np.float16 and loaded.words == ["a", "b"]
    assert np.allclose(np.asarray(loaded.vectors, np.float32), table.vectors[:2], atol=1e-3)
    as32 = EmbeddingTable.load(tmp_path / "t", dtype="float32")
    assert as32.vectors.dtype == np.float32


def test_unknown_dtype_is_refused(tmp_path):
    with pytest.raises(TableError, match="dtype='int8'"):
        small_table().astype("int8")


def test_counts_round_trip(tmp_path):
    table = small_table()
    table.counts = np.array([9, 5, 2, 1])
    loaded = EmbeddingTable.load(table.save(tmp_path / "t"))
    assert loaded.counts is not None and loaded.counts.tolist() == [9, 5, 2, 1]


def test_vec_with_nan_names_file_and_line(tmp_path):
    path = tmp_path / "nan.vec"
    path.write_text("a 1 2\nb nan 2\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"nan\.vec:2: word 'b' has a NaN"):
        EmbeddingTable.from_vec(path, "en")


def test_broken_manifest_names_the_file(tmp_path):
    folder = small_table().save(tmp_path / "t")
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TableError, match=r"manifest\.json:1: not valid JSON"):
        EmbeddingTable.load(folder)


def test_bin_keeps_counts_and_fills_missing_words_from_subwords(tmp_path):
    from answerbot.embeddings.pretrain import train_fasttext

    corpus = tmp_path / "corpus.txt"
    rng = np.random.default_rng(1)
    words = [f"haus{i}x" for i in range(30)]
    corpus.write_text("\n".join(" ".join(rng.choice(words, 10)) for _ in range(200)) + "\n")
    model = train_fasttext(corpus, dim=8, epoch=3, minCount=1, thread=1, bucket=1000, minn=2, maxn=4, verbose=0)
    model.save_model(str(tmp_path / "m.bin"))
    top = EmbeddingTable.from_bin(tmp_path / "m.bin", "de", max_words=10).words[0]
    table = EmbeddingTable.from_bin(tmp_path / "m.bin", "de", max_words=10, extra_words=["Haus99x", top])
    assert len(table) == 11 and table.words[-1] == "haus99x"  # a word already kept is not added twice
    assert np.allclose(table.vector("haus99x"), model.get_word_vector("haus99x"))
    assert np.abs(table.vector("haus99x")).sum() > 0
    assert table.counts is not None and table.counts[0] >= table.counts[9] and table.counts[10] == 0
    assert table.meta["subword_filled"] == 1
