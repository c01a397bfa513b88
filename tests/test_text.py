from answerbot.text import article_text, normalize, tokenize


def test_lowercases_and_drops_punctuation():
    assert tokenize("Hello, World! It's 3.5GB.") == ["hello", "world", "it", "s", "3", "5gb"]


def test_keeps_combining_marks_and_accents():
    assert tokenize("Café naïve Tiếng Việt") == ["café", "naïve", "tiếng", "việt"]


def test_no_space_script_becomes_overlapping_bigrams():
    assert tokenize("パスワード") == ["パス", "スワ", "ワー", "ード"]


def test_single_no_space_character_stays_a_unigram():
    assert tokenize("日 abc") == ["日", "abc"]


def test_segmentation_spaces_between_cjk_are_ignored():
    assert tokenize("我 的 订单") == tokenize("我的订单") == ["我的", "的订", "订单"]


def test_latin_inside_cjk_is_split_off():
    assert tokenize("Windows10の設定") == ["windows10", "の設", "設定"]


def test_empty_and_symbol_only_text_has_no_tokens():
    assert tokenize("") == []
    assert tokenize(" ?! 😀 ") == []


def test_normalize_sets_no_space_runs_apart():
    assert normalize("ab日本cd").split() == ["ab", "日本", "cd"]


def test_article_text_joins_title_and_body():
    assert article_text("Title", "Body") == "Title\nBody"


def test_article_text_encodes_the_visible_text_of_html_bodies():
    assert article_text("T", "<p>Reset &amp; <b>sync</b></p><script>x()</script>") == "T\nReset & sync"
