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


def lead_in(obj: Any, text: str) -> str:
    """A step whose seed puts words before it on lines of their own (``lead`` "ДЕРЕУ",
    ``heading`` "102") reads with them, unless the translation already says them."""
    extra = getattr(obj, "extra", None) or {}
    words = []
    lead = extra.get("lead") or {}
    lead_text = lead.get(portal_language(), "") if isinstance(lead, dict) else ""
    heading = (extra.get("heading") or {}).get("text", "")
    for word in (lead_text, heading):
        if word and word.casefold() not in text.casefold():
            words.append(word)
    return " ".join([*words, text]) if words else text


@register.simple_tag
def ptext(obj: Any, field: str) -> SafeString | str:
    text = lead_in(obj, localized(obj, field)) if field == "text" else localized(obj, field)
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
