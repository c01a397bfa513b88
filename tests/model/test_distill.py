import pytest

from answerbot.embeddings.table import EmbeddingTable
from answerbot.model.distill import distill, mean_cosine
from answerbot.model.training import TrainConfig, train_dual_encoder
from answerbot.teacher.targets import DistillSet
from tests.teacher.planted import PlantedTeacher
from tests.tiny_model import TINY_PAIRS

SENTENCES = [
    "reset your password from the login page",
    "track your order with the shipping number",
    "refunds reach your card within five days",
    "download the invoice from billing",
    "sync stops when the folder is shared",
    "forgot password",
]


def _setup(dim: int = 12):
    teacher = PlantedTeacher(dim=dim)
    words = sorted({w for s in SENTENCES for w in s.split()} | {w for p in TINY_PAIRS for w in p.query.split()})
    table = EmbeddingTable(words, teacher.encode(words), "en")
    return DistillSet(SENTENCES, teacher.encode(SENTENCES)), table


def test_distillation_brings_the_student_to_the_teacher(tmp_path):
    data, table = _setup()
    config = TrainConfig(hidden=8, output_dim=12, input_dim=6, bag=True, epochs=1, batch_size=3, learning_rate=0.03)
    untrained = distill(data, table, tmp_path, config)
    before = mean_cosine(untrained, data)
    config = TrainConfig(hidden=8, output_dim=12, input_dim=6, bag=True, epochs=150, batch_size=3, learning_rate=0.03)
    model = distill(data, table, tmp_path, config, validation=data)
    after = mean_cosine(model, data)
    assert before < 0.6 and after > 0.9, (before, after)
    assert model.record["best_val_cosine"] == pytest.approx(after, abs=1e-5)


def test_distillation_needs_the_teachers_dimension(tmp_path):
    data, table = _setup()
    with pytest.raises(ValueError, match="set output_dim=12"):
        distill(data, table, tmp_path, TrainConfig(output_dim=8))


def test_fine_tuning_with_an_anchor_keeps_the_distilled_space(tmp_path):
    data, table = _setup()
    arch = dict(hidden=8, output_dim=12, input_dim=6, bag=True, batch_size=5, learning_rate=0.03)
    distilled = distill(data, table, tmp_path, TrainConfig(**arch, epochs=120))
    anchored_cos = {}
    for weight in (0.0, 5.0):
        start = distill(data, table, tmp_path, TrainConfig(**arch, epochs=120))
        tuned = train_dual_encoder(
            TINY_PAIRS, start, tmp_path, TrainConfig(**arch, epochs=40, distill_weight=weight), anchor=data
        )
        anchored_cos[weight] = mean_cosine(tuned, data)
        assert len(tuned.record["stages"]) == 1  # the distillation stage is kept in the record
    assert mean_cosine(distilled, data) > 0.9
    assert anchored_cos[5.0] > anchored_cos[0.0] + 0.05, anchored_cos
