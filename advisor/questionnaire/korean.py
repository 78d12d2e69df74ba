"""Korean particles chosen for the noun they follow.

A Korean particle has two forms, picked by how the noun before it ends when read aloud:
이/가, 을/를, 은/는, 과/와, 이나/나 take the first form after a final consonant (받침); 으로/로
takes 으로 after a final consonant except ㄹ ("서울로", "리전으로"). Writing both forms
("EC2이(가)") reads as machine text, so a translation writes one form and, where a value
is put into it, ``format()`` corrects that form for the value:

    format("%(side)s가 더 저렴합니다.", {"side": "m7g.medium"})  ->  "m7g.medium이 더 저렴합니다."

Values are read as a Korean reader says them: Hangul by its last syllable; numbers in Korean
(1 일, 2 이, 10 십, 1,000 천); dollar amounts end in 달러 and percentages in 퍼센트; capitals
letter by letter (EC2 이씨투, URL 유알엘, ALB 에이엘비); a few English words by their Korean
reading (Lambda 람다, large 라지, small 스몰, medium 미디엄). A closing parenthesis is skipped:
the particle follows the word before it ("Lambda (함수 URL)가").
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any, Literal

Ending = Literal["vowel", "rieul", "consonant"]

# (form after a final consonant, form after a vowel). For 으로/로 a final ㄹ takes the vowel form.
PAIRS: dict[str, tuple[str, str]] = {
    "이": ("이", "가"), "가": ("이", "가"),
    "을": ("을", "를"), "를": ("을", "를"),
    "은": ("은", "는"), "는": ("은", "는"),
    "과": ("과", "와"), "와": ("과", "와"),
    "이나": ("이나", "나"), "나": ("이나", "나"),
    "으로": ("으로", "로"), "로": ("으로", "로"),
}

# Digits as read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구.
DIGITS: dict[str, Ending] = {
    "0": "consonant", "1": "rieul", "2": "vowel", "3": "consonant", "4": "vowel",
    "5": "vowel", "6": "consonant", "7": "rieul", "8": "rieul", "9": "vowel",
}
# Capital letters as spelled out: 에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐
# 알 에스 티 유 브이 더블유 엑스 와이 지.
LETTERS: dict[str, Ending] = {c: "vowel" for c in string.ascii_uppercase} | {
    "L": "rieul", "M": "consonant", "N": "consonant", "R": "rieul"}
# English words of this product as Korean engineers say them.
WORDS: dict[str, Ending] = {
    "lambda": "vowel", "large": "vowel", "xlarge": "vowel", "small": "rieul",
    "medium": "consonant", "micro": "vowel", "nano": "vowel", "metal": "rieul",
    "graviton": "consonant", "fargate": "vowel", "function": "consonant", "api": "vowel",
    "url": "rieul", "gateway": "vowel", "instances": "vowel", "logs": "vowel",
    "arm": "consonant", "auto": "vowel", "none": "consonant", "month": "vowel",
    "spot": "vowel", "ipv": "vowel",
}


def _hangul_ending(char: str) -> Ending:
    final = (ord(char) - 0xAC00) % 28
    return "vowel" if final == 0 else "rieul" if final == 8 else "consonant"


def _number_ending(number: str) -> Ending:
    """A number read in Korean: "0.5" 영점오, "12" 십이, "10" 십, "1,000" 천."""
    if "." in number:
        return DIGITS[number[-1]]
    digits = number.replace(",", "").lstrip("0") or "0"
    if digits[-1] != "0" or digits == "0":
        return DIGITS[digits[-1]]
    return "consonant"  # 십, 백, 천, 만, 억, 조: all end in a consonant other than ㄹ


def _word_ending(word: str) -> Ending:
    lower = word.lower()
    if lower in WORDS:
        return WORDS[lower]
    if word.isupper() and len(word) > 1 or len(word) == 1:
        return LETTERS.get(word[-1].upper(), "vowel")
    # Loanword habits: "-l(e)" ends in ㄹ (테이블, 모델), "-m"/"-n"/"-ng"/"-ck" in a consonant
    # (스트림, 리전, 링, 스택); most other endings gain a vowel (서버, 노드, 게이트).
    if lower.endswith(("l", "le")):
        return "rieul"
    if lower.endswith(("m", "n", "ng", "ck")):
        return "consonant"
    return "vowel"


_PARENTHETICAL = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_TAIL = re.compile(r"[\s\"'“”‘’»›\]}.,:;!?·]+$")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?$")
_LATIN = re.compile(r"[A-Za-z]+$")


def ending(text: str) -> Ending:
    """How ``text`` ends when read aloud in Korean."""
    text = str(text)
    while True:
        stripped = _TAIL.sub("", _PARENTHETICAL.sub("", text))
        if stripped == text:
            break
        text = stripped
    if not text:
        return "vowel"
    if text.lstrip("−-+<≈~ ").startswith("$"):
        return "vowel"  # an amount in dollars, read "… 달러"
    last = text[-1]
    if "\uac00" <= last <= "\ud7a3":
        return _hangul_ending(last)
    if last == "%":
        return "vowel"  # 퍼센트
    number = _NUMBER.search(text)
    if number:
        before = text[: number.start()].rstrip()
        if before.endswith("$"):
            return "vowel"  # 달러
        return _number_ending(number.group())
    latin = _LATIN.search(text)
    if latin:
        return _word_ending(latin.group())
    return "vowel"


def particle(noun: Any, written: str) -> str:
    """The form of the particle ``written`` (either form, e.g. "이" or "가") for ``noun``."""
    after_consonant, after_vowel = PAIRS[written]
    end = ending(str(noun))
    if written in ("으로", "로"):
        return after_consonant if end == "consonant" else after_vowel
    return after_consonant if end != "vowel" else after_vowel


def attach(noun: Any, written: str) -> str:
    """``noun`` followed by the right form of the particle: attach("서울", "으로") == "서울로"."""
    return f"{noun}{particle(noun, written)}"


# A value put into a translation is wrapped in these two marks while the particles after it
# are corrected; neither can appear in a catalog or a value typed into a form.
OPEN, CLOSE = "\x02", "\x03"
_PARTICLE_AFTER_VALUE = re.compile(
    "(?P<before>\\$?)" + OPEN + "(?P<value>[^" + OPEN + CLOSE + "]*)" + CLOSE
    + "(?P<closing>(?:</strong>|</b>|[”’\"'])?)"
    + "(?P<particle>(?:으로|로)(?=[는도서써부의])|(?:으로|이나|[이가을를은는과와나로])"
    "(?=[^\uac00-\ud7a3]|$))")


def fix(text: str) -> str:
    """Correct the particle after every marked value of ``text``, then drop the marks."""
    if OPEN not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        value = m["before"] + m["value"]
        word = m["particle"]
        # 으로/로 is written before 는/도/서/써/부터/의; a single 로 or 나 otherwise.
        return value + m["closing"] + particle(value, word)

    return _PARTICLE_AFTER_VALUE.sub(repl, text).replace(OPEN, "").replace(CLOSE, "")


def mark(value: Any) -> Any:
    """A value wrapped for ``fix``; numbers stay numbers (``%d`` needs them)."""
    if isinstance(value, str) or hasattr(value, "__html__") or not isinstance(value, int | float):
        return f"{OPEN}{value}{CLOSE}"
    return value


def format(template: str, params: Mapping[str, Any]) -> str:  # noqa: A001 - reads as the % it replaces
    """``template % params`` with each particle after a value chosen for that value."""
    return fix(str(template) % {key: mark(value) for key, value in params.items()})
