import json

import pytest

from answerbot.data.jsonl import DataError
from answerbot.data.squad import qa_pairs, read_squad, sentence_spans


def squad(tmp_path, context, qas, breaks=None):
    para = {"context": context, "qas": qas}
    if breaks is not None:
        para["sentence_breaks"] = breaks
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"data": [{"title": "T", "paragraphs": [para]}]}), encoding="utf-8")
    return path


def test_sentence_spans_cut_after_terminal_punctuation_latin_and_cjk():
    text = "First one. Second one! 第三句。第四句"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["First one.", "Second one!", "第三句。", "第四句"]


def test_question_maps_to_the_sentence_holding_its_answer(tmp_path):
    context = "Paris is big. The Seine flows through it. It rains."
    start = context.index("Seine")
    path = squad(tmp_path, context, [{"id": "q1", "question": "Which river?", "answers": [{"answer_start": start}]}])
    (item,) = read_squad(path)
    assert item.sentence == "The Seine flows through it."
    (pair,) = qa_pairs(path, group="fr")
    assert pair.document == f"The Seine flows through it.\n{context}" and pair.group == "fr"


def test_given_sentence_breaks_win_and_unanswerable_questions_are_skipped(tmp_path):
    context = "aaa bbb ccc"
    qas = [
        {"id": "q1", "question": "b?", "answers": [{"answer_start": 4}]},
        {"id": "q2", "question": "none?", "answers": [], "is_impossible": True},
    ]
    (item,) = read_squad(squad(tmp_path, context, qas, breaks=[4, 8]))
    assert item.sentence == "bbb"


def test_a_question_without_answer_start_names_file_and_question(tmp_path):
    path = squad(tmp_path, "abc.", [{"id": "q9", "question": "?", "answers": [{"text": "abc"}]}])
    with pytest.raises(DataError, match=r"s\.json: question 'q9' has no integer answer_start"):
        list(read_squad(path))


def test_a_file_that_is_not_squad_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DataError, match="expected a SQuAD object"):
        list(read_squad(path))
