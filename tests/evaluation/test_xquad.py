import pytest

from answerbot.data.jsonl import DataError
from answerbot.data.xquad import read_folds, read_xquad, xquad_languages
from tests.evaluation.fixtures import paragraph, write_xquad, write_xquad_file


def test_reads_paragraphs_and_answer_sentences(tmp_path):
    write_xquad(tmp_path)
    paragraphs = read_xquad(tmp_path, "en")
    assert [p.title for p in paragraphs] == ["A", "B"]
    first = paragraphs[0]
    assert first.sentences == ("alpha one.", "beta two.")
    assert first.breaks == ((0, 10), (11, 20))
    assert [(q.id, q.sentence) for q in first.questions] == [("q1", 0), ("q2", 1)]
    assert read_folds(tmp_path) == {"A": 0, "B": 1}
    assert xquad_languages(tmp_path) == ["de", "en"]


def test_answer_on_the_gap_belongs_to_the_next_sentence(tmp_path):
    path = tmp_path / "xquad-r" / "en.json.gz"
    write_xquad_file(path, [("A", [paragraph(["one.", "two."], [("q", "?", 4)])])])  # index 4 is the space
    assert read_xquad(tmp_path, "en")[0].questions[0].sentence == 1


def test_broken_record_names_file_and_record(tmp_path):
    path = tmp_path / "xquad-r" / "en.json.gz"
    write_xquad_file(path, [("A", [paragraph(["one.", "two."], [("ok", "?", 0), ("bad", "?", 99)])])])
    with pytest.raises(DataError) as info:
        read_xquad(tmp_path, "en")
    message = str(info.value)
    assert str(path) in message
    assert "data[0] ('A') paragraphs[0] qas[1] (id 'bad')" in message
    assert "answer_start 99" in message


def test_mismatched_sentence_breaks_are_refused(tmp_path):
    para = paragraph(["one.", "two."], [])
    para["sentence_breaks"].pop()
    write_xquad_file(tmp_path / "xquad-r" / "en.json.gz", [("A", [para])])
    with pytest.raises(DataError, match="2 sentences but 1 sentence_breaks"):
        read_xquad(tmp_path, "en")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match=r"en\.json\.gz: no such file"):
        read_xquad(tmp_path, "en")
