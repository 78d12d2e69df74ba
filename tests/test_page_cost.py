"""What makes a keystroke's results partial cheaper keeps the page as it was: the table rows
written in Python escape as the template did, and the language held for one page is the
visitor's."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from advisor.questionnaire import language, numbers
from advisor.templatetags import result_rows


def rendered(source: str, **context: object) -> str:
    return Template("{% load result_rows %}" + source).render(Context(context))


def test_bill_rows_escape_labels_and_grey_zero_lines() -> None:
    rows = [{"label": "<b>Requests</b>", "amount": "$1.00", "zero": False},
            {"label": mark_safe("<i>safe</i>"), "amount": "$0.00", "zero": True}]
    assert rendered("{{ rows|bill_rows }}", rows=rows) == (
        '<tr><th scope="row">&lt;b&gt;Requests&lt;/b&gt;</th><td class="num">$1.00</td></tr>'
        '<tr class="zero"><th scope="row"><i>safe</i></th><td class="num">$0.00</td></tr>')


def test_span_and_sensitivity_rows() -> None:
    spans = [{"side": "lambda", "label": "Lambda & co", "bill": ["$1", "$2", "$3"],
              "all": ["$4", "$5", "$6"]}]
    assert rendered("{{ s|span_rows }}", s=spans) == (
        '<tr data-span="lambda"><th scope="row">Lambda &amp; co</th><td class="num">$1</td>'
        '<td class="num">$2</td><td class="num">$3</td><td class="num">$4 – $6</td></tr>')
    rows = [{"field": "duration_ms", "label": "Duration", "low_value": "60", "low": "<x>",
             "high_value": "400", "high": "EC2 by $3.00"}]
    assert rendered("{{ r|sensitivity_rows }}", r=rows) == (
        '<tr data-sensitivity="duration_ms"><th scope="row">Duration</th>'
        '<td>60: &lt;x&gt;</td><td>400: EC2 by $3.00</td></tr>')


def test_strip_items_write_each_kind_of_field() -> None:
    items = [{"key": "k", "title": 'A "title"', "without": "w <1>", "note": "", "fields": [
        {"name": "free_tier", "label": "applied", "value": True, "kind": "checkbox"},
        {"name": "front_door", "label": "", "value": "alb", "kind": "choice"},
        {"name": "ec2_cpu_share", "label": "share", "value": 1.0, "kind": "number"}]}]
    html = str(result_rows.strip_items(items, [("none", "None"), ("alb", "ALB")]))
    assert '<input type="checkbox" data-mirror="free_tier" checked> applied' in html
    assert ('<select data-mirror="front_door" aria-label="A &quot;title&quot;">'
            '<option value="none">None</option><option value="alb" selected>ALB</option>'
            '</select>') in html
    # As the template's stringformat:"g" wrote it: 1.0 -> "1".
    assert 'data-mirror="ec2_cpu_share" value="1" aria-label="A &quot;title&quot;: share">' in html
    assert '<span class="strip-without" data-without>w &lt;1&gt;</span>' in html
    assert "strip-note" not in html


def test_held_language_is_the_visitors_and_ends_with_the_block() -> None:
    with translation.override("ko"):
        with language.fixed():
            assert language.current() == "ko"
            assert language.gettext("Total") == translation.gettext("Total") != "Total"
            assert numbers.volume_words(15_700_000) == "1,570만"
        assert language.current() == "ko"
    with translation.override("en"):
        assert language.current() == "en"
        with language.fixed():
            assert language.gettext("Total") == "Total"
            assert numbers.volume_words(15_700_000) == "15.7 million"


def test_a_word_kept_for_one_language_is_not_served_in_another() -> None:
    with translation.override("ko"), language.fixed():
        korean = language.gettext("Recommendation")
    with translation.override("en"), language.fixed():
        assert language.gettext("Recommendation") == "Recommendation" != korean


TRANSLATE_TAGS = [
    '{% translate "Total" %}',
    '{% trans "Recommendation" %}',
    '{% translate "100 % of <b>it</b>" %}',
    '{% translate "Total" as word %}[{{ word }}]',
    '{% translate "Total"|upper %}',
    '{% translate "Total" noop %}',
    '{% translate "May" context "month name" %}',
    '{% translate name %}',
    '{% translate "Lambda & EC2" %}',
]


def test_the_page_translate_tag_renders_as_djangos_in_each_language() -> None:
    for source in TRANSLATE_TAGS:
        for code in ("en", "ko"):
            with translation.override(code):
                django_own = Template("{% load i18n %}" + source).render(
                    Context({"name": "Total"}))
                for held in (False, True):
                    page = Template("{% load i18n page_i18n %}" + source)
                    if held:
                        with language.fixed():
                            ours = page.render(Context({"name": "Total"}))
                    else:
                        ours = page.render(Context({"name": "Total"}))
                    assert ours == django_own, (source, code, held)
