"""The offline screening app (docs/offline.md): an installable page that screens without a
network, with the SOP engine running in the browser.

- ``shell``: the app's page (form, hotlines, the help organisations of the user's region);
  no personal data, so the service worker may keep it;
- ``engine_data``: the engine's data in the page's language (offline_data.py), with an ETag;
- ``service_worker``: the worker script, served under the app's path so its scope is the app;
- ``manifest``: the web app manifest;
- ``whoami``: who is signed in (a keyed digest, not the id), so the device sends a queued
  screening only for the worker who made it.

Only users who may record screenings (``screening.create``) get any of these but the worker
script and the manifest, which carry nothing of anyone.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from qorgan.accounts.permissions import allowed
from qorgan.core.i18n import LANGUAGE_CODES, active_language, localized
from qorgan.directory.selectors import help_organisations_for_region
from qorgan.knowledge.models import CatalogueEntry
from qorgan.knowledge.selectors import hotlines

from .forms import ScreeningForm
from .offline_data import engine_data, engine_data_json

ELEMENT_KINDS = (("signs", "sign"), ("risk_groups", "risk_group"), ("places", "place"))
# The app's static files: kept by the service worker (its whole offline download).
STATIC_FILES = (
    "qorgan/qorgan.css",
    "qorgan/offline/offline.css",
    "qorgan/offline/app.js",
    "qorgan/offline/engine.js",
    "qorgan/offline/store.js",
    "qorgan/offline/icon.svg",
)
SW_SOURCE = "qorgan/offline/sw.js"
TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "screening" / "offline.html"


def _frontline(request: HttpRequest) -> Any:
    user: Any = request.user
    if not user.is_authenticated:
        return None
    if not allowed("screening.create", user):
        raise PermissionDenied
    return user


def owner_tag(user: Any) -> str:
    """A keyed digest of the user: the device tags its queue with it, not with the user's id."""
    return salted_hmac("qorgan.screening.offline.owner", str(user.pk)).hexdigest()[:32]


def _checklists() -> list[dict[str, Any]]:
    entries = (
        CatalogueEntry.objects.filter(retired=False, kind__code__in=[k for _, k in ELEMENT_KINDS])
        .select_related("kind", "group")
        .order_by("kind__position", "group__position", "position")
    )
    by_kind: dict[str, list[CatalogueEntry]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind.code, []).append(entry)
    lists = []
    for field, kind in ELEMENT_KINDS:
        groups: list[dict[str, Any]] = []
        for entry in by_kind.get(kind, []):
            if not groups or groups[-1]["group"].pk != entry.group_id:
                groups.append({"group": entry.group, "entries": []})
            groups[-1]["entries"].append(entry)
        kind_obj = by_kind[kind][0].kind if by_kind.get(kind) else None
        lists.append({"field": field, "kind": kind_obj, "groups": groups})
    return lists


@lru_cache(maxsize=1)
def app_version() -> str:
    """One digest of everything the app downloads but its page: the worker's cache name."""
    digest = hashlib.sha256()
    for name in (*STATIC_FILES, SW_SOURCE):
        path = finders.find(name)
        digest.update(Path(str(path)).read_bytes() if path else name.encode())
    for language in LANGUAGE_CODES:
        digest.update(engine_data(language)["version"].encode())
    digest.update(TEMPLATE.read_bytes())
    return digest.hexdigest()[:16]


def _urls(language: str) -> dict[str, str]:
    base = reverse("screening:offline")
    return {
        "scope": base,
        "shell": base,
        "data": reverse("screening:offline_data"),
        "sw": reverse("screening:offline_sw"),
        "manifest": reverse("screening:offline_manifest"),
        "whoami": reverse("screening:offline_whoami"),
        "store": "/api/v1/screenings/",
        "login": reverse("accounts:login"),
        "online": reverse("screening:new"),
        "list": reverse("screening:list"),
    }


def _texts() -> dict[str, str]:
    """What the app's script writes on the page, in the page's language."""
    return {
        "online": _("Online"),
        "offline": _("No network: the form still works"),
        "potential_victim": _("Potential victim of human trafficking"),
        "at_risk": _("At risk"),
        "no_indication": _("No indication"),
        "immediate": _("Immediately"),
        "urgent": _("Urgent"),
        "routine": _("Then"),
        "pointed_to_by": _("pointed to by"),
        "sop_line": _("SOP line %(line)s") % {"line": "{line}"},
        "waiting": _("Waiting to send"),
        "queued": _("Saved on this phone, encrypted: waiting to send."),
        "sent": _("Sent. Nothing is left on this phone."),
        "sign_in": _("Sign in to send the screenings kept on this phone; they wait until then."),
        "other_user": _("Kept for another worker: sent when they sign in on this phone."),
        "refused": _("The server refused this screening:"),
        "age_invalid": _("Age: a whole number from 0 to 130, or empty."),
        "no_crypto": _(
            "This browser cannot keep a screening encrypted: save it when the network returns."
        ),
        "saved_at": _("Made at"),
        "discard": _("Discard"),
    }


def shell(request: HttpRequest) -> HttpResponse:
    user = _frontline(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    language = active_language()
    get_token(request)  # the CSRF cookie the app's script sends back; not in the page itself
    organisation = user.organisation
    region = organisation.region if organisation else None
    form = ScreeningForm(signs=[], risk_groups=[], places=[])
    if region is not None and not form.initial.get("region"):
        form.initial["region"] = region.code
    urls = _urls(language)
    config = {
        "language": language,
        "version": app_version(),
        "screened_by": organisation.kind.code if organisation else "",
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "urls": urls,
        "modules": {
            "engine": static("qorgan/offline/engine.js"),
            "store": static("qorgan/offline/store.js"),
        },
    }
    context = {
        "form": form,
        "is_police": organisation is not None and organisation.kind.code == "police",
        "checklists": _checklists(),
        "hotlines": hotlines(),
        "organisations": help_organisations_for_region(region.code) if region else [],
        "region_name": localized(region, "name") if region else "",
        "config": config,
        "texts": _texts(),
        "urls": urls,
    }
    return render(request, "screening/offline.html", context)


@login_not_required
def engine_data_view(request: HttpRequest) -> HttpResponse:
    if _frontline(request) is None:
        return JsonResponse({"detail": _("sign in to use the offline form")}, status=403)
    language = active_language()
    etag = f'"{engine_data(language)["version"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(engine_data_json(language), content_type="application/json")
    response["ETag"] = etag
    return response


@login_not_required
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, with the list of what it keeps; served at the app's path (its scope)."""
    language = active_language()
    urls = _urls(language)
    config = {
        "version": app_version(),
        "language": language,
        "shell": urls["shell"],
        "data": urls["data"],
        "static": [static(name) for name in STATIC_FILES],
    }
    source = Path(str(finders.find(SW_SOURCE))).read_text(encoding="utf-8")
    body = f"const CONFIG = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
def manifest(request: HttpRequest) -> HttpResponse:
    urls = _urls(active_language())
    data = {
        "name": _("Qorgan: screening without network"),
        "short_name": _("Qorgan screening"),
        "lang": active_language(),
        "start_url": urls["shell"],
        "scope": urls["scope"],
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4e89",
        "icons": [
            {"src": static("qorgan/offline/icon.svg"), "sizes": "any", "type": "image/svg+xml"}
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


@login_not_required
def whoami(request: HttpRequest) -> HttpResponse:
    """Who may send the device's queue now: 403 when nobody (signed out or session expired)."""
    user: Any = request.user
    if not user.is_authenticated or not allowed("screening.create", user):
        return JsonResponse({"detail": _("sign in to send")}, status=403)
    response = JsonResponse({"owner": owner_tag(user)})
    response["Cache-Control"] = "no-store"
    return response
