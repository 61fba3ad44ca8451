"""Staff pages of the directory: subject kinds with their duties, regions, organisations."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from qorgan.knowledge.selectors import hotlines

from . import selectors
from .models import Organisation


def subject_kinds(request: HttpRequest) -> HttpResponse:
    """The duty matrix: for each subject kind, its duties grouped by the four directions."""
    directions = list(selectors.directions())
    rows = []
    for kind in selectors.subject_kinds_with_duties():
        duties = list(kind.duties.all())
        rows.append(
            {
                "kind": kind,
                "cells": [
                    {
                        "direction": d,
                        "duties": [duty for duty in duties if duty.direction_id == d.pk],
                    }
                    for d in directions
                ],
            }
        )
    return render(request, "directory/subject_kinds.html", {"directions": directions, "rows": rows})


def regions(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/regions.html", {"regions": selectors.regions()})


def organisations(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "").strip()
    query = request.GET.get("q", "").strip()[:200]
    resolved = selectors.resolve_region(region) if region else None
    context = {
        "organisations": selectors.organisations(
            region=resolved.code if resolved else None, query=query
        ),
        "regions": selectors.regions(),
        "selected_region": resolved.code if resolved else "",
        "query": query,
        "hotlines": hotlines(),
    }
    template = "directory/_organisations.html" if request.htmx else "directory/organisations.html"
    return render(request, template, context)


def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("region", "kind").prefetch_related("serves_regions"),
        code=code,
    )
    return render(request, "directory/organisation_detail.html", {"organisation": organisation})
