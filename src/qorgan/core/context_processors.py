"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info

from qorgan.portal.middleware import is_public_path

from .i18n import LANGUAGE_CODES, portal_language, portal_language_codes


def languages(request: HttpRequest) -> dict[str, Any]:
    """The language switcher: the same page in each language (links, no JavaScript, no cookie).
    Public portal pages offer every language; staff pages the staff languages."""
    current = portal_language()
    path = request.get_full_path()
    public = is_public_path(request.path_info)
    switcher = []
    for code in portal_language_codes() if public else LANGUAGE_CODES:
        info = get_language_info(code)
        switcher.append(
            {
                "code": code,
                "name": info["name_local"][:1].upper() + info["name_local"][1:],
                "url": translate_url(path, code),
                "active": code == current,
            }
        )
    return {"language_switcher": switcher, "current_language": current}
