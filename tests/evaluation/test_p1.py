import pytest

from answerbot.evaluation.p1 import evaluate_p1
from tests.evaluation.fixtures import keyword_encode, keyword_table, write_support_kb

# Test KB (de): a1 "alpha text", a2 "beta words", a3 "delta only", a4 "delta again"; queries = titles.
# alpha -> a1 alone (rank 1); beta -> a2 alone (rank 1);
# gamma -> nothing matches: a 4-way tie, RR@10 = (1 + 1/2 + 1/3 + 1/4) / 4 = 25/48, R@1 = 1/4, R@5 = 1;
# delta -> a3 and a4 tie: RR = (1 + 1/2) / 2 = 3/4, R@1 = 1/2, R@5 = 1.
# BM25 and the one-hot mean of vectors see exactly the same ties (equal lengths and term counts).
EXPECTED = {"mrr@10": (1 + 1 + 25 / 48 + 3 / 4) / 4, "recall@1": (1 + 1 + 1 / 4 + 1 / 2) / 4, "recall@5": 1.0}


@pytest.fixture
def data_dir(tmp_path):
    return write_support_kb(tmp_path)


def test_p1_hand_computed_figures_for_every_method(data_dir):
    result = evaluate_p1(data_dir, keyword_encode, keyword_table(), languages=["de"], hybrid_weight=0.5)
    de = result["languages"]["de"]
    assert (de["documents"], de["queries"], de["skipped_queries"]) == (4, 4, 0)
    assert set(de["methods"]) == {"dense", "bm25", "mean_vectors", "hybrid", "hybrid_linear"}
    for method, figures in de["methods"].items():
        assert figures == pytest.approx(EXPECTED), method
    assert result["mean"]["dense"] == pytest.approx(EXPECTED)


def test_p1_title_en_skips_empty_titles(data_dir):
    result = evaluate_p1(data_dir, keyword_encode, None, languages=["de"], queries="title_en")
    de = result["languages"]["de"]
    assert (de["queries"], de["skipped_queries"]) == (3, 1)  # a2 has no title_en
    assert de["methods"]["dense"]["mrr@10"] == pytest.approx((1 + 25 / 48 + 3 / 4) / 3)
    assert set(de["methods"]) == {"dense", "bm25"}


def test_p1_report_names_settings_and_hashes(data_dir):
    result = evaluate_p1(data_dir, None, None, languages=["de"])
    assert result["protocol"] == "P1"
    assert result["settings"]["methods"] == ["bm25"]
    assert set(result["data_files"]) == {"support-kb/split.json", "support-kb/de.jsonl.gz"}
    assert all(len(h) == 64 for h in result["data_files"].values())
    assert result["wall_seconds"] >= 0


def test_p1_rejects_unknown_query_field(data_dir):
    with pytest.raises(ValueError, match="queries='body'"):
        evaluate_p1(data_dir, None, languages=["de"], queries="body")
