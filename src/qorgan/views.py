"""Project-level pages: the root redirect and the landing page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from qorgan.accounts.permissions import allowed
from qorgan.hotline.selectors import alerts_for
from qorgan.knowledge.selectors import hotlines


@login_not_required
def root(request: HttpRequest) -> HttpResponse:
    """``/`` goes to the Kazakh site: Kazakh is the default language, whatever the browser says."""
    return HttpResponseRedirect(f"/{settings.LANGUAGE_CODE}/")


def work(request: HttpRequest) -> HttpResponse:
    """The staff's start page after signing in."""
    return render(
        request,
        "home.html",
        {
            "hotlines": hotlines(),
            "hotline_desk": allowed("hotline.desk", request.user),
            "hotline_stats": allowed("hotline.stats", request.user),
            "hotline_alerts": alerts_for(request.user),
        },
    )
