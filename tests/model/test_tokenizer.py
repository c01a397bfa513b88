import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from answerbot.model.tokenizer import tokenize_graph
from answerbot.text import tokenize

SAMPLE = [
    "Hello, World! Don't panic.",
    "Passwort zurücksetzen – STRASSE Straße",
    "ΟΔΟΣ Σίσυφος",
    "İstanbul'da IŞIK ılık",
    "パスワードを忘れました。Windows10の設定",
    "我的订单在哪里？ 请 帮 我",
    "ฉันลืมรหัสผ่าน ช่วยด้วย",
    "Привет, мир! ЁЛКА",
    "مرحبا بالعالم",
    "क्या हाल है",
    "Tiếng Việt có dấu",
    "e-mail_address 3.5GB 😀 naïve café",
    "",
    "日",
]


def graph_tokens(texts: list[str]) -> list[list[str]]:
    return [[t.decode("utf-8") for t in row] for row in tokenize_graph(tf.constant(texts)).to_list()]


def test_graph_and_python_tokenizers_agree_on_multilingual_sample():
    assert graph_tokens(SAMPLE) == [tokenize(text) for text in SAMPLE]


def test_graph_tokenizer_bigrams_japanese():
    assert graph_tokens(["設定を変更"]) == [["設定", "定を", "を変", "変更"]]


MIXED = st.text(
    alphabet=st.sampled_from(list("aZé ÉßİıΣσς,.!?-_'\n\t0123456789日本語のパスワードไทยรหัสПриветمرحباक्या😀")),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(MIXED, min_size=1, max_size=4))
def test_graph_and_python_tokenizers_agree_on_random_mixed_text(texts):
    assert graph_tokens(texts) == [tokenize(text) for text in texts]


def test_a_language_aware_vectorizer_looks_up_the_tagged_word_first(tmp_path):
    from answerbot.model.vectorizer import TextVectorizer
    from answerbot.model.vocab import write_vocab

    vocab = write_vocab(["<pad>", "<unk>", "de:die", "die", "haus", "es:el"], tmp_path / "vocab.txt")
    ids = TextVectorizer(vocab, 8, lang_aware=True)(tf.constant(["de\tdie Haus", "es\tdie el", "fr\tel"])).numpy()
    assert ids.tolist() == [[2, 4], [3, 5], [1, 0]]
