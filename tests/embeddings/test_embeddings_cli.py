import json

import numpy as np
from typer.testing import CliRunner

from answerbot.cli import app
from answerbot.embeddings.table import EmbeddingTable

runner = CliRunner()


def save_tables(tmp_path):
    en = EmbeddingTable(["dog", "tom"], np.array([[1, 0], [0, 1]], np.float32), "en")
    de = EmbeddingTable(["hund", "tom"], np.array([[0, 1], [-1, 0]], np.float32), "de")
    it = EmbeddingTable(["cane", "tom"], np.array([[1, 1], [2, 2]], np.float32), "it")
    return [t.save(tmp_path / (t.lang or "x")) for t in (en, de, it)]


def test_merge_then_add_language_keeps_rows(tmp_path):
    en, de, it = save_tables(tmp_path)
    result = runner.invoke(
        app, ["embeddings", "merge", str(en), str(de), "--out", str(tmp_path / "m"), "--strategy", "tagged"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            "embeddings",
            "add-language",
            str(tmp_path / "m"),
            str(it),
            "--out",
            str(tmp_path / "m2"),
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    before, after = EmbeddingTable.load(tmp_path / "m"), EmbeddingTable.load(tmp_path / "m2")
    assert after.words[: len(before)] == before.words and "it:tom" in after
    manifest = json.loads((tmp_path / "m2" / "manifest.json").read_text())
    assert manifest["strategy"] == "tagged@1" and manifest["languages"] == ["en", "de", "it"]


def test_align_with_a_bad_dictionary_exits_with_file_and_line(tmp_path):
    en, de, _ = save_tables(tmp_path)
    bad = tmp_path / "d.txt"
    bad.write_text("hund dog\nx\n", encoding="utf-8")
    args = ["embeddings", "align", str(de), "--pivot", str(en), "--out", str(tmp_path / "a"), "--seeds", "dictionary"]
    result = runner.invoke(app, [*args, "--dictionary", str(bad)])
    assert result.exit_code == 1
    assert "d.txt:2" in result.output.replace("\n", "")  # rich may fold a long path
