"""The portal-only languages (uz, ky, tg) serve the public portal only.

The staff pages are in the staff languages (kk, ru, en): a staff address under a portal-only
prefix (``/uz/work/``, ``/ky/admin/``) is redirected to the same address in Russian.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation

from qorgan.core.i18n import LANGUAGE_CODES, PORTAL_FALLBACK, portal_only_language_codes

# The public pages (view names); everything else under a language prefix is a staff page.
PUBLIC_VIEWS = frozenset(
    {
        "home",
        "portal:signs",
        "portal:control",
        "portal:safety",
        "portal:migrants",
        "portal:what_to_do",
        "portal:rights",
        "portal:hotlines",
        "portal:help",
        "portal:card",
        "portal:card_pdf",
        "portal:report",
        "portal:report_status",
    }
)


def is_public_path(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in PUBLIC_VIEWS


class PortalLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language() or ""
        if language in portal_only_language_codes() and language not in LANGUAGE_CODES:
            prefix = f"/{language}/"
            if request.path_info.startswith(prefix) and not is_public_path(request.path_info):
                try:
                    resolve(request.path_info)
                except Resolver404:
                    return self.get_response(request)  # a 404 as anywhere else
                target = translate_url(request.get_full_path(), PORTAL_FALLBACK)
                if target == request.get_full_path():
                    target = "/" + PORTAL_FALLBACK + request.get_full_path()[len(prefix) - 1 :]
                return HttpResponseRedirect(target)
        return self.get_response(request)
