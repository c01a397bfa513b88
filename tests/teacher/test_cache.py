import numpy as np
import pytest

from answerbot.teacher import CachedTeacher, MuseTeacher, Teacher, TeacherError, VectorCache
from tests.teacher.planted import PlantedTeacher


def test_cached_vectors_come_back_bit_for_bit_and_are_encoded_once(tmp_path):
    teacher = PlantedTeacher()
    cached = CachedTeacher(teacher, tmp_path)
    texts = ["reset password", "Passwort vergessen", "reset password", ""]
    first = cached.encode(texts)
    assert teacher.calls == 3  # the duplicate is encoded once
    again = CachedTeacher(PlantedTeacher(), tmp_path)  # a new process would open the same file
    second = again.encode(texts)
    assert again.teacher.calls == 0
    assert first.tobytes() == second.tobytes()
    np.testing.assert_array_equal(first[0], first[2])
    assert len(cached.cache) == 3


def test_only_new_texts_reach_the_teacher(tmp_path):
    teacher = PlantedTeacher()
    cached = CachedTeacher(teacher, tmp_path, flush_every=2)
    cached.encode(["a", "b"])
    out = cached.encode(["b", "c", "d", "a", "e"])
    assert teacher.calls == 5  # a, b, then c, d, e
    np.testing.assert_array_equal(out[3], cached.encode(["a"])[0])


def test_a_cache_of_another_dimension_is_refused(tmp_path):
    VectorCache(tmp_path / "v.sqlite", 12).close()
    with pytest.raises(TeacherError, match="holds 12-d vectors, not 8-d"):
        VectorCache(tmp_path / "v.sqlite", 8)


def test_the_muse_teacher_gives_unit_vectors_that_cross_languages():
    teacher = MuseTeacher(threads=1)
    assert isinstance(teacher, Teacher)
    assert {"de", "ja", "ru"} <= teacher.languages and "el" not in teacher.languages
    vectors = teacher.encode(["I forgot my password", "Ich habe mein Passwort vergessen", "the printer is jammed"])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
