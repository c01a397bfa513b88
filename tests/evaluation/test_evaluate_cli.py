import json

from typer.testing import CliRunner

from answerbot.cli import app
from tests.evaluation.fixtures import keyword_table, write_support_kb, write_xquad

runner = CliRunner()


def test_evaluate_p1_writes_the_json_report(tmp_path):
    data = write_support_kb(tmp_path / "data")
    table_dir = keyword_table().save(tmp_path / "table")
    out = tmp_path / "p1.json"
    args = [
        "evaluate",
        "p1",
        "--data-dir",
        str(data),
        "--languages",
        "de",
        "--table",
        str(table_dir),
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["settings"]["methods"] == ["bm25", "mean_vectors"]
    assert report["settings"]["table"]["path"] == str(table_dir)
    assert report["languages"]["de"]["methods"]["bm25"]["recall@5"] == 1.0


def test_evaluate_p2_writes_the_json_report(tmp_path):
    data = write_xquad(tmp_path / "data")
    out = tmp_path / "p2.json"
    args = ["evaluate", "p2", "--data-dir", str(data), "--fold", "0", "--fold", "1", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["settings"]["folds"] == [0, 1]
    assert report["settings"]["pool_size"] == 6
    assert set(report["mean"]["bm25"]) == {"map", "map_same_lang", "article_mrr"}


def test_evaluate_refuses_model_and_run_together(tmp_path):
    result = runner.invoke(app, ["evaluate", "p1", "--model", "m", "--run", "r", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "pass one of them" in result.output
