import json

import numpy as np

from answerbot.embeddings.merge import merge_tables
from answerbot.embeddings.report import collision_stats, knn_overlap, merge_report, oov_rates, write_report
from answerbot.embeddings.table import EmbeddingTable


def two_tables() -> list[EmbeddingTable]:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(10)]
    a = EmbeddingTable(words, rng.normal(size=(10, 4)).astype(np.float32), "aa")
    b = EmbeddingTable(words[:5] + [f"b{i}" for i in range(5)], rng.normal(size=(10, 4)).astype(np.float32), "bb")
    return [a, b]


def test_collision_stats_count_pairs_and_cosine():
    a, b = two_tables()
    same = EmbeddingTable(list(a.words), a.vectors * 2, "cc")
    stats = {s["pair"]: s for s in collision_stats([a, b, same])}
    assert stats["aa-bb"]["collisions"] == 5
    assert stats["aa-cc"]["collisions"] == 10
    assert abs(stats["aa-cc"]["cosine_mean"] - 1.0) < 1e-6


def test_knn_overlap_is_one_for_lossless_strategies_and_lower_for_priority():
    a, b = two_tables()
    for strategy in ("route", "tagged"):
        merged = merge_tables([a, b], strategy)
        assert knn_overlap(b, merged, k=3) == 1.0
    priority = merge_tables([a, b], "priority")
    assert knn_overlap(a, priority, k=3) == 1.0  # first language keeps every vector
    assert knn_overlap(b, priority, k=3) < 1.0  # half its words now carry aa's vectors


def test_oov_rates_per_language():
    a, b = two_tables()
    merged = merge_tables([a, b], "route")
    rates = oov_rates(merged, {"aa": ["w1 w2 b1 zz"], "bb": ["b1 w1"]})
    assert rates == {"aa": 0.5, "bb": 0.0}


def test_write_report_makes_json_markdown_and_plots(tmp_path):
    tables = two_tables()
    merged = merge_tables(tables, "mean")
    report = merge_report(tables, merged, {"aa": ["w1 zz"]}, k=3)
    written = write_report(report, tmp_path)
    assert json.loads((tmp_path / "report.json").read_text())["strategy"] == "mean@1"
    assert "| aa | 10 | 5 | 0 |" in (tmp_path / "report.md").read_text()
    assert {p.name for p in written if p.suffix == ".png"} == {
        "collisions.png",
        "cosine_mean.png",
        "knn_overlap.png",
        "oov_rate.png",
    }
