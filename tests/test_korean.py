"""Korean particles chosen for the noun they follow, and a catalog without "이(가)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from advisor.questionnaire import korean
from advisor.questionnaire.presenters import side_labels

PO = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(("noun", "i_ga", "eul_reul", "eun_neun", "euro_ro"), [
    ("서울", "이", "을", "은", "로"),          # final ㄹ: 로, not 으로
    ("리전", "이", "을", "은", "으로"),
    ("가격표", "가", "를", "는", "로"),
    ("EC2", "가", "를", "는", "로"),           # 이씨투
    ("Lambda", "가", "를", "는", "로"),        # 람다
    ("Lambda + HTTP API", "가", "를", "는", "로"),
    ("Lambda (function URL)", "가", "를", "는", "로"),  # the word before the parenthesis
    ("Lambda (함수 URL)", "가", "를", "는", "로"),
    ("URL", "이", "을", "은", "로"),           # 유알엘
    ("EC2 + NLB", "가", "를", "는", "로"),
    ("t3.small", "이", "을", "은", "로"),      # 스몰
    ("m7g.medium", "이", "을", "은", "으로"),  # 미디엄
    ("c7g.large", "가", "를", "는", "로"),     # 라지
    ("1", "이", "을", "은", "로"),             # 일
    ("2", "가", "를", "는", "로"),             # 이
    ("10", "이", "을", "은", "으로"),          # 십
    ("3", "이", "을", "은", "으로"),           # 삼
    ("1,000", "이", "을", "은", "으로"),       # 천
    ("0.5", "가", "를", "는", "로"),           # 영점오
    ("$1,234.56", "가", "를", "는", "로"),     # 달러
    ("40%", "가", "를", "는", "로"),           # 퍼센트
    ("“AWS 가격표 2026”", "이", "을", "은", "으로"),  # quoted: the words inside count
    ("Graviton", "이", "을", "은", "으로"),
])
def test_particles_follow_the_final_sound(noun: str, i_ga: str, eul_reul: str, eun_neun: str,
                                          euro_ro: str) -> None:
    assert korean.particle(noun, "가") == korean.particle(noun, "이") == i_ga
    assert korean.particle(noun, "을") == eul_reul
    assert korean.particle(noun, "는") == eun_neun
    assert korean.particle(noun, "으로") == korean.particle(noun, "로") == euro_ro
    assert korean.attach(noun, "와") == noun + ("과" if i_ga == "이" else "와")


def test_format_corrects_the_written_form_for_each_value() -> None:
    template = "%(side)s가 월 %(saving)s 더 저렴합니다."
    assert korean.format(template, {"side": "m7g.medium", "saving": "$3.00"}) == \
        "m7g.medium이 월 $3.00 더 저렴합니다."
    assert korean.format(template, {"side": "EC2", "saving": "$3.00"}) == "EC2가 월 $3.00 더 저렴합니다."
    # After markup or a closing quote; 으로/로 before 는; a copula (이지만) is not a particle.
    assert korean.format("<strong>%(s)s</strong>이 이깁니다", {"s": "Lambda"}) == \
        "<strong>Lambda</strong>가 이깁니다"
    assert korean.format("“%(n)s”를 게시", {"n": "서울 가격표"}) == "“서울 가격표”를 게시"
    assert korean.format("%(r)s으로는", {"r": "서울"}) == "서울로는"
    assert korean.format("%(x)s이지만", {"x": "arm64"}) == "arm64이지만"
    # Numbers stay numbers for %d; English text is untouched.
    assert korean.format("%(n)d개", {"n": 3}) == "3개"
    assert korean.format("%(side)s is cheaper", {"side": "EC2"}) == "EC2 is cheaper"


def test_every_side_label_takes_the_vowel_forms_the_catalog_writes() -> None:
    """Templates ({% blocktranslate %}) put a side's label before a fixed 가/를/는/로: every
    label, in both languages, must end in a vowel when read."""
    doors = ["none", "http_api", "rest_api", "alb", "function_url"]
    for lang in ("en", "ko"):
        with translation.override(lang):
            for door in doors:
                for lb in ("alb", "nlb", "none"):
                    for label in side_labels({"front_door": door,
                                              "ec2": {"load_balancer": lb}}).values():
                        assert korean.ending(label) == "vowel", label


ALTERNATIVES = re.compile(
    r"이\(가\)|가\(이\)|을\(를\)|를\(을\)|은\(는\)|는\(은\)|과\(와\)|와\(과\)|\(으\)로|\(이\)나|"
    r"\((?:이|가|을|를|은|는|과|와|으로)\)(?![가-힣])|[이을은과]/[가를는와]|으로/로")


def msgstrs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', text, re.M):
        out.append("".join(re.findall(r'"(.*)"', block)))
    return out


def test_catalog_writes_one_particle_never_alternatives() -> None:
    found = [s for s in msgstrs(PO) if ALTERNATIVES.search(s)]
    assert found == []


def test_the_alternative_check_catches_each_style() -> None:
    for bad in ("EC2이(가) 더", "%(t)s을(를)", "%(n)s은(는)", "서울(으)로", "Lambda과(와)",
                "%(x)s이/가"):
        assert ALTERNATIVES.search(bad), bad
    for good in ("EC2가 더", "(괄호 안 설명)", "월 요청(초당 3건)", "이 값은 (선택)"):
        assert not ALTERNATIVES.search(good), good
