"""The report's own fields: an optional title and notes, plain text of limited length."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from advisor.plumbing.text import refuse_surrogates
from reports.models import NOTES_MAX, TITLE_MAX


class ReportMetaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX, required=False, validators=[refuse_surrogates],
        help_text=format_lazy(_("Optional, up to {max} characters."), max=TITLE_MAX),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=NOTES_MAX, required=False, validators=[refuse_surrogates],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(_("Optional plain text, up to {max} characters."), max=NOTES_MAX),
    )


def meta_errors(data: dict[str, object]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Validate title and notes from a JSON body; return (cleaned, errors by field)."""
    errors: dict[str, list[str]] = {}
    for name in ("title", "notes"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = [str(_("must be a string or null"))]
    if errors:
        return {}, errors
    form = ReportMetaForm({k: data.get(k) or "" for k in ("title", "notes")})
    if not form.is_valid():
        return {}, {k: [str(m) for m in v] for k, v in form.errors.items()}
    return {"title": form.cleaned_data["title"], "notes": form.cleaned_data["notes"]}, {}
