import numpy as np

from answerbot.embeddings.experiment import ExperimentConfig, experiment_markdown, run_experiment
from answerbot.embeddings.table import EmbeddingTable


def test_experiment_compares_strategies_and_alignments_on_tiny_tables(tmp_path):
    rng = np.random.default_rng(0)
    words = ["dog", "cat", "house", "tree", "car", "sun", "moon", "tom", "mary", "water"]
    en = EmbeddingTable(words, rng.normal(size=(10, 4)).astype(np.float32), "en")
    rotation, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    # German shares the names (identical strings) and is a rotated copy of English
    de_words = ["hund", "katze", "haus", "baum", "auto", "sonne", "mond", "tom", "mary", "wasser"]
    de = EmbeddingTable(de_words, (en.vectors @ rotation.T).astype(np.float32), "de")
    tatoeba = tmp_path / "tatoeba"
    tatoeba.mkdir()
    (tatoeba / "tatoeba.deu-eng.deu").write_text("Hund Haus\nKatze\nSonne Mond\nTom\n", encoding="utf-8")
    (tatoeba / "tatoeba.deu-eng.eng").write_text("dog house\ncat\nsun moon\nTom\n", encoding="utf-8")
    config = ExperimentConfig(
        data_dir=tmp_path, strategies=["priority", "route"], alignments=["none", "identical"], k=3, add_language="de"
    )
    result = run_experiment([de, en], config)
    rows = {(r["alignment"], r["strategy"].split("@")[0]): r for r in result["rows"]}
    assert len(rows) == 4
    assert result["alignment_p3"]["identical"]["de"] == 1.0  # the rotation is undone exactly
    assert rows[("identical", "route")]["p3_mean"] == 1.0
    assert rows[("none", "route")]["knn_overlap"] == 1.0
    assert rows[("none", "priority")]["colliding_words"] == 2
    assert all(a["p3_added"] == a["p3_full_merge"] for a in result["add_language"] if "route" in a["strategy"])
    assert "| identical | route@1 |" in experiment_markdown(result)
