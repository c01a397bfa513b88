from __future__ import annotations

import pytest

from answerbot.lang import BACKEND, LanguageGuess, detect_language

SAMPLES = {
    "en": "How do I reset my password after the account was locked?",
    "de": "Wie kann ich mein Passwort zurücksetzen, nachdem das Konto gesperrt wurde?",
    "fr": "Comment puis-je réinitialiser mon mot de passe après le blocage du compte ?",
    "es": "¿Cómo puedo restablecer mi contraseña después de que se bloqueó la cuenta?",
    "ja": "アカウントがロックされた後、パスワードをリセットするにはどうすればいいですか？",
    "ru": "Как мне сбросить пароль после того, как учётная запись была заблокирована?",
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detects_language(code: str) -> None:
    guess = detect_language(SAMPLES[code])
    assert guess.code == code
    assert 0.5 < guess.confidence <= 1.0


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detection_is_deterministic(code: str) -> None:
    guesses = {detect_language(SAMPLES[code]) for _ in range(5)}
    assert len(guesses) == 1


def test_simplified_chinese_is_reported_as_zh() -> None:
    text = "我无法登录我的帐户，因为我忘记了密码。请问我应该怎么做才能重新设置密码呢？"
    assert detect_language(text).code == "zh"


def test_traditional_chinese_is_reported_as_zh() -> None:
    text = "臺灣是一個位於東亞的島嶼，擁有豐富的文化與歷史。這裡的人們熱情友善，夜市的小吃非常有名，吸引了許多觀光客。"
    assert detect_language(text).code == "zh"


@pytest.mark.parametrize("text", ["??", "", "   ", "12345 !!", "ab", "a1 b2"])
def test_too_few_letters_is_undetermined(text: str) -> None:
    assert detect_language(text) == LanguageGuess("und", 0.0)


def test_short_text_has_scaled_down_confidence() -> None:
    short = detect_language("merci beaucoup")
    long = detect_language("merci beaucoup pour votre aide avec mon compte")
    assert short.confidence <= 13 / 20
    assert long.confidence > short.confidence


def test_langdetect_rs_answers_as_langdetect_does() -> None:
    """The Rust port behind ``detect_language`` returns the original's languages and probabilities exactly."""
    import random

    from langdetect.detector_factory import PROFILES_DIRECTORY as ORIGINAL_PROFILES
    from langdetect.detector_factory import DetectorFactory as Original
    from langdetect.lang_detect_exception import LangDetectException as OriginalError
    from langdetect_rs.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect_rs.lang_detect_exception import LangDetectException

    def factory(factory_class, profiles):
        made = factory_class()
        made.load_profile(profiles)
        made.set_seed(0)
        return made

    def probabilities(made, error, text: str) -> object:
        detector = made.create()
        detector.n_trial = 3
        detector.set_max_text_length(500)
        detector.append(text)
        try:
            return [(p.lang, p.prob) for p in detector.get_probabilities()]
        except error:
            return "no features"

    rng = random.Random(0)
    words = " ".join(SAMPLES.values()).split()
    texts = [*SAMPLES.values(), "ok thanks", "12345 !!", "mail me at a@b.example or see http://x.example/y"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(40)]
    original, port = factory(Original, ORIGINAL_PROFILES), factory(DetectorFactory, PROFILES_DIRECTORY)
    for text in texts:
        assert probabilities(port, LangDetectException, text) == probabilities(original, OriginalError, text), text


def test_rust_port_is_the_default_backend_and_langdetect_answers_the_same() -> None:
    """Both are installed; either gives the same guesses, so a platform without the port loses only speed."""
    assert BACKEND == "langdetect_rs"
    texts = [*SAMPLES.values(), "merci beaucoup", "ok thanks", "??"]
    for text in texts:
        assert detect_language(text, backend="langdetect") == detect_language(text, backend="langdetect_rs"), text


def test_unknown_backend_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"backend='cld3' is not a language detector; use one of langdetect_rs"):
        detect_language("How do I reset my password?", backend="cld3")
