"""``{% ptext obj "text" %}``: a catalogue text in the page's language, marked in a portal-only
language as a machine-assisted translation awaiting review, or as shown in Russian."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from qorgan.core.i18n import PORTAL_FALLBACK, localized, portal_language, portal_only_language_codes

register = template.Library()


@register.simple_tag
def ptext(obj: Any, field: str) -> SafeString | str:
    text = localized(obj, field)
    language = portal_language()
    if language not in portal_only_language_codes():
        return text
    state = getattr(obj, "review_state", "missing")
    if state == "reviewed":
        return text
    if state == "machine":
        return format_html('{} <small class="review">{}</small>', text, _("awaiting review"))
    return format_html(
        '<span lang="{}">{}</span> <small class="review">{}</small>',
        PORTAL_FALLBACK,
        text,
        _("not translated yet, in Russian"),
    )
