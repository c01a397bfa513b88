import pytest

from answerbot.data.jsonl import DataError
from answerbot.evaluation.p2 import evaluate_p2, load_p2
from tests.evaluation.fixtures import keyword_encode, keyword_table, write_xquad

# Pool (candidate_text="sentence"): en s0 "alpha one.", en s1 "beta two.", en s2 "beta three." (article B),
#                                   de s0 "alpha eins.", de s1 "beta zwei.", de s2 "gamma drei." (article B).
# Fold 0 = article A: queries en q1 "gamma?", en q2 "beta?", de q1 "alpha?", de q2 "beta?".
#
# en q1 "gamma?" (relevant en s0, de s0): de s2 scores 1, the other five tie at 0, two of them relevant.
#   Tie group n=5, r=2 after a=1 item: AP = 1/2 * sum_p 2/5 (1 + (p-1)/4) / (1+p)
#   = 1/5 (1/2 + 5/12 + 3/8 + 7/20 + 1/3) = 79/200.  Same-language pool: 3-way tie, one relevant:
#   (1 + 1/2 + 1/3)/3 = 11/18.  Article A in en: s0, s1 tie: (1 + 1/2)/2 = 3/4.
# en q2 / de q2 "beta?" (relevant en s1, de s1): en s1, en s2, de s1 tie at the top.
#   Relevant positions {1,2}, {1,3}, {2,3}: AP 1, 5/6, 7/12 -> mean 29/36.
#   Same-language pool: en -> s1, s2 tie: 3/4; de -> s1 alone: 1.  Article A: 1.
# de q1 "alpha?": en s0, de s0 on top: AP 1, same-language 1, article 1.
EN = {"map": (79 / 200 + 29 / 36) / 2, "map_same_lang": (11 / 18 + 3 / 4) / 2, "article_mrr": (3 / 4 + 1) / 2}
DE = {"map": (1 + 29 / 36) / 2, "map_same_lang": 1.0, "article_mrr": 1.0}


@pytest.fixture
def data_dir(tmp_path):
    return write_xquad(tmp_path)


def test_p2_hand_computed_figures_for_every_method(data_dir):
    result = evaluate_p2(data_dir, keyword_encode, 0, keyword_table(), candidate_text="sentence", hybrid_weight=0.3)
    assert result["settings"]["pool_size"] == 6
    assert result["settings"]["relevant_per_query"] == 2
    assert result["languages"]["en"]["queries"] == 2
    for method in ("dense", "bm25", "mean_vectors", "hybrid"):
        assert result["languages"]["en"]["methods"][method] == pytest.approx(EN), method
        assert result["languages"]["de"]["methods"][method] == pytest.approx(DE), method
    assert result["mean"]["dense"]["map"] == pytest.approx((EN["map"] + DE["map"]) / 2)


def test_p2_several_folds_average_the_single_fold_runs(data_dir):
    both = evaluate_p2(data_dir, keyword_encode, [0, 1], candidate_text="sentence")
    one = [evaluate_p2(data_dir, keyword_encode, k, candidate_text="sentence") for k in (0, 1)]
    for lang in ("en", "de"):
        got = both["languages"][lang]["methods"]["dense"]
        want = [r["languages"][lang]["methods"]["dense"] for r in one]
        assert got == pytest.approx({k: (want[0][k] + want[1][k]) / 2 for k in got})
    assert set(both["folds"]) == {"0", "1"}


def test_p2_context_candidates_append_the_paragraph(data_dir):
    data = load_p2(data_dir, ["en"], "sentence+context")
    assert data.texts[0] == "alpha one.\nalpha one. beta two."
    assert data.answer[("en", "q2")] == 1


def test_p2_needs_parallel_questions(data_dir, tmp_path):
    from tests.evaluation.fixtures import paragraph, write_xquad_file

    write_xquad_file(data_dir / "xquad-r" / "de.json.gz", [("A", [paragraph(["alpha eins."], [("q1", "a?", 0)])])])
    with pytest.raises(DataError, match="question id 'q2': missing in de"):
        evaluate_p2(data_dir, None, 0)


def test_p2_unknown_fold_is_named(data_dir):
    with pytest.raises(ValueError, match="fold=7"):
        evaluate_p2(data_dir, None, 7)
