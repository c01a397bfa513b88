from __future__ import annotations

import pytest

from answerbot.lang import LanguageGuess, detect_language

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
