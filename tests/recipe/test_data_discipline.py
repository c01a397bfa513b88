"""Training never reads what a benchmark tests: Tatoeba, support-KB test ids, the scored XQuAD-R fold."""

from dataclasses import replace

from answerbot.data.kb_pairs import kb_pairs
from answerbot.data.parallel import kb_parallel, xquad_parallel
from answerbot.data.xquad_pairs import xquad_pairs
from answerbot.model.training import TrainConfig
from answerbot.recipe.build import build_recipe
from answerbot.recipe.config import DistillRecipe, FinetuneRecipe, Recipe, TableRecipe
from answerbot.recipe.data import kb_targets, table_targets
from tests.recipe.conftest import FORBIDDEN
from tests.teacher.planted import PlantedTeacher

TRAIN = TrainConfig(hidden=4, output_dim=12, input_dim=4, bag=True, epochs=1, batch_size=4, max_tokens=16)
RECIPE = Recipe(
    name="tiny",
    languages=("en", "de", "el"),
    tables=TableRecipe(max_words=100, min_count=1, sentences=20, fit_epochs=1, parallel=("support-kb", "xquad-r")),
    distill=DistillRecipe(kb=True, validation_share=0.2, train=TRAIN),
    finetune=FinetuneRecipe(support_kb=("de", "el"), validation_share=0.0, train=replace(TRAIN, distill_weight=1.0)),
)


def _no_forbidden(texts) -> None:
    leaked = [t for t in texts if FORBIDDEN in t]
    assert not leaked, leaked


def test_a_recipe_build_never_opens_tatoeba_and_never_learns_a_test_text(tiny_data, tmp_path, opened):
    teacher = PlantedTeacher(dim=12, languages=("en", "de"))
    result = build_recipe(RECIPE, tiny_data, tmp_path / "build", teacher, say=lambda _m: None)
    assert not [p for p in opened if "tatoeba" in p]
    assert [p for p in opened if "support-kb" in p]  # the KB was read (train ids)
    assert FORBIDDEN not in result.merged.words
    assert result.model.record["stages"][0]["distill_texts"] > 0


def test_table_and_distillation_texts_hold_no_test_id(tiny_data):
    teacher = PlantedTeacher(dim=12, languages=("en", "de"))
    for lang in ("en", "de", "el"):
        _no_forbidden(table_targets(RECIPE, tiny_data, lang, teacher, exclude_xquad_folds={0}).texts)
    _no_forbidden(kb_targets(tiny_data, "de", teacher).texts)
    parallel = kb_parallel(tiny_data, "el", {"en", "de"})
    _no_forbidden([p.text for p in parallel] + [t for p in parallel for _, t in p.pivots])
    assert parallel  # the train ids are there


def test_fine_tuning_pairs_hold_no_test_id(tiny_data):
    pairs = kb_pairs(tiny_data, ["de", "el"], english_titles=1.0, cross_language=1.0)
    assert pairs
    _no_forbidden([p.query for p in pairs] + [p.document for p in pairs])


def test_the_scored_xquad_fold_is_left_out(tiny_data):
    parallel = xquad_parallel(tiny_data, "el", {"en", "de"}, exclude_folds={0})
    assert parallel
    _no_forbidden([p.text for p in parallel] + [t for p in parallel for _, t in p.pivots])
    pairs = xquad_pairs(tiny_data, held_out_fold=0, cross_language=1.0)
    assert pairs
    _no_forbidden([p.query for p in pairs] + [p.document for p in pairs])
