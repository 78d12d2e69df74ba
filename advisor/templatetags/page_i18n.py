"""``{% translate %}`` of a constant, looked up in the language held for the page.

Django's tag makes a lazy string of its constant and casts it at every rendering, about 5 µs
a tag; a keystroke's results partial renders some fifty of them, a fifth of its template
time. Loaded after ``i18n``, this library's ``translate`` (and ``trans``) parses exactly as
Django's and renders a plain constant through ``language.gettext`` (one dictionary look-up
inside ``language.fixed()``, Django's gettext outside it), with Django's output: the constant
is safe, so its translation is not escaped, and doubled percent signs are restored. A tag
with a variable, a filter, ``noop`` or ``context`` renders as Django renders it.
makemessages reads the same tag syntax whichever library implements it.
"""

from __future__ import annotations

from django import template
from django.template.base import Parser, Token, Variable
from django.template.context import Context
from django.templatetags.i18n import TranslateNode, do_translate
from django.utils.safestring import SafeString, mark_safe

from advisor.questionnaire import language

register = template.Library()


class ConstantTranslateNode(TranslateNode):
    def render(self, context: Context) -> str:
        var = self.filter_expression.var
        if (self.noop or self.message_context or self.filter_expression.filters
                or not isinstance(var, Variable) or var.lookups is not None
                or not isinstance(var.literal, str)):
            return super().render(context)
        # As Variable.resolve with translate: "%" doubled in the message id, restored after.
        text = language.gettext(str.__str__(var.literal).replace("%", "%%"))
        value: SafeString = mark_safe(text.replace("%%", "%"))  # noqa: S308 - a template constant
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def translate(parser: Parser, token: Token) -> TranslateNode:
    node = do_translate(parser, token)
    node.__class__ = ConstantTranslateNode  # the same node, parsed by Django, rendered faster
    return node
