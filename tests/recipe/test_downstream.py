import pytest

from answerbot.embeddings.merge import merge_tables
from answerbot.embeddings.teacher_table import TeacherTableConfig, teacher_table
from answerbot.model.training import TrainConfig
from answerbot.recipe.downstream import DownstreamBudget, downstream_p1
from tests.teacher.planted import PlantedTeacher

BUDGET = DownstreamBudget(
    sentences=10,
    kb_articles=4,
    train=TrainConfig(hidden=4, output_dim=12, input_dim=4, bag=True, max_tokens=16, batch_size=4),
)


@pytest.mark.parametrize(("strategy", "lang_aware"), [("mean", False), ("tagged", True)])
def test_the_downstream_column_trains_and_scores_p1_per_merge(tiny_data, tmp_path, strategy, lang_aware):
    teacher = PlantedTeacher(dim=12, languages=("en", "de"))
    config = TeacherTableConfig(max_words=100, min_count=1)
    tables = [teacher_table(tiny_data / "corpora" / f"{lang}.txt.gz", lang, teacher, config) for lang in ("en", "de")]
    result = downstream_p1(merge_tables(tables, strategy), ["de"], tiny_data, teacher, tmp_path, BUDGET)
    assert result["lang_aware"] is lang_aware
    assert set(result["languages"]["de"]) == {"same_language", "english_titles"}
    # two test articles: a random ranking scores (1 + 1/2) / 2 on average; the figure is a real MRR
    assert 0.0 < result["same_language"] <= 1.0 and 0.0 < result["english_titles"] <= 1.0
