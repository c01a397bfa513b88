import json

import numpy as np
from typer.testing import CliRunner

from answerbot.cli import app
from answerbot.embeddings.table import EmbeddingTable

runner = CliRunner()


def write_table(folder, lang, words, vectors):
    EmbeddingTable(words, np.asarray(vectors, np.float32), lang).save(folder)
    return str(folder)


def test_merge_command_writes_the_merged_table_and_reports_losses(tmp_path):
    de = write_table(tmp_path / "de", "de", ["der", "die"], [[1, 0], [2, 0]])
    es = write_table(tmp_path / "es", "es", ["el", "die"], [[0, 1], [0, 2]])
    result = runner.invoke(app, ["embeddings", "merge", de, es, "--out", str(tmp_path / "m"), "--strategy", "mean"])
    assert result.exit_code == 0, result.output
    merged = EmbeddingTable.load(tmp_path / "m")
    assert merged.words == ["der", "die", "el"]
    assert np.allclose(merged.vector("die"), [1, 1])
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["strategy"] == "mean@1"


def test_merge_command_turns_a_bad_strategy_into_one_clear_line(tmp_path):
    de = write_table(tmp_path / "de", "de", ["der"], [[1, 0]])
    result = runner.invoke(app, ["embeddings", "merge", de, "--out", str(tmp_path / "m"), "--strategy", "median"])
    assert result.exit_code == 1
    assert "strategy='median' is unknown" in result.output
    assert "Traceback" not in result.output


def test_import_command_reads_a_vec_file(tmp_path):
    vec = tmp_path / "x.vec"
    vec.write_text("2 2\nHund 1 2\nKatze 3 4\n", encoding="utf-8")
    result = runner.invoke(app, ["embeddings", "import", str(vec), "--lang", "de", "--out", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    assert EmbeddingTable.load(tmp_path / "t").words == ["hund", "katze"]


def test_train_then_export_commands_produce_a_servable_version(tmp_path):
    from answerbot.encoders.inprocess import SavedModelEncoder
    from tests.tiny_model import TINY_PAIRS, tiny_table

    table = tiny_table().save(tmp_path / "table")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"query": p.query, "document": p.document}) + "\n" for p in TINY_PAIRS))
    run = tmp_path / "run"
    train = ["train", "--table", str(table), "--pairs", str(pairs), "--out", str(run)]
    result = runner.invoke(app, [*train, "--epochs", "2", "--hidden", "8", "--output-dim", "8", "--batch-size", "10"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", "--run", str(run), "--model-root", str(tmp_path / "models")])
    assert result.exit_code == 0, result.output
    encoder = SavedModelEncoder.latest(tmp_path / "models")
    assert encoder.model_version == "1"
    assert encoder.encode(["forgot password"]).shape == (1, 8)


def test_train_command_names_the_bad_line_of_a_pairs_file(tmp_path):
    table = write_table(tmp_path / "t", "en", ["a", "b"], [[1, 0], [0, 1]])
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"query": "a", "document": "b"}\n{"query": "", "document": "b"}\n')
    result = runner.invoke(app, ["train", "--table", table, "--pairs", str(pairs), "--out", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert "pairs.jsonl:2: field 'query' (or ticket/question) must be a non-empty string" in result.output
