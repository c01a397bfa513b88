"""Bad inputs to the teacher commands fail with one line naming the file or option and the fix."""

import gzip

import numpy as np
import pytest
from typer.testing import CliRunner

from answerbot.cli import app
from answerbot.embeddings.table import EmbeddingTable
from tests.recipe.conftest import write_tiny_data

runner = CliRunner()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_tiny_data(tmp_path_factory.mktemp("data"))


def _pretrain(data, tmp_path, *extra: str):
    args = ["embeddings", "pretrain", "--method", "teacher", "--out", str(tmp_path / "t"), "--data-dir", str(data)]
    return runner.invoke(app, [*args, "--cache-dir", str(tmp_path / "cache"), "--min-count", "1", *extra])


def test_teacher_pretrain_writes_a_table_in_the_teachers_space(data, tmp_path):
    result = _pretrain(data, tmp_path, "--lang", "de", "--fit-sentences", "20", "--fit-epochs", "1")
    assert result.exit_code == 0, result.output
    table = EmbeddingTable.load(tmp_path / "t")
    assert table.dim == 512 and "passwort" in table.words
    assert table.meta["method"] == "teacher" and table.meta["sentence_fit"]["texts"] == 10  # distinct lines


def test_an_uncovered_language_without_parallel_data_names_the_fix(data, tmp_path):
    result = _pretrain(data, tmp_path, "--lang", "el")
    assert result.exit_code == 1
    assert "does not cover el" in result.output and "--parallel support-kb" in result.output
    assert "Traceback" not in result.output


def test_an_uncovered_language_with_parallel_data_is_learned_from_its_translations(data, tmp_path):
    result = _pretrain(data, tmp_path, "--lang", "el", "--parallel", "support-kb", "--fit-epochs", "1")
    assert result.exit_code == 0, result.output
    table = EmbeddingTable.load(tmp_path / "t")
    assert table.meta["sentence_fit"]["sources"] == {"parallel:el": 8}  # 4 train articles: titles and bodies


def test_an_unknown_language_code_names_the_missing_corpus(data, tmp_path):
    result = _pretrain(data, tmp_path, "--lang", "xx", "--parallel", "support-kb")
    assert result.exit_code == 1
    assert "xx.txt.gz: corpus not found" in result.output


def test_an_empty_corpus_is_named(data, tmp_path):
    empty = tmp_path / "empty.txt.gz"
    with gzip.open(empty, "wt") as out:
        out.write("\n\n")
    result = _pretrain(data, tmp_path, "--lang", "de", "--corpus", str(empty))
    assert result.exit_code == 1
    assert "empty.txt.gz: no token occurs 1 times or more in 0 lines" in result.output


def test_merging_a_teacher_table_with_a_table_of_another_dimension_is_refused(data, tmp_path):
    assert _pretrain(data, tmp_path, "--lang", "de", "--fit-sentences", "0").exit_code == 0
    EmbeddingTable(["hallo"], np.ones((1, 100), np.float32), "en").save(tmp_path / "small")
    result = runner.invoke(app, ["embeddings", "merge", str(tmp_path / "t"), str(tmp_path / "small"),
                                 "--out", str(tmp_path / "m")])  # fmt: skip
    assert result.exit_code == 1
    assert "dimension mismatch" in result.output and "'de': 512" in result.output


def test_a_recipe_with_an_unknown_key_names_the_key_and_the_file(tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "r"\nlanguages = ["en", "de"]\n[tables]\nmax_wordz = 10\n')
    result = runner.invoke(app, ["build", str(recipe), "--work-dir", str(tmp_path / "w")])
    assert result.exit_code == 1
    assert "r.toml [tables]: unknown key(s) ['max_wordz']" in result.output
