"""Staff pages to browse and search the catalogue, and to read the seed documents."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import selectors
from .catalogue import DOCUMENT_LANGUAGE, SOURCES_DIR
from .models import CatalogueEntry


def catalogue(request: HttpRequest) -> HttpResponse:
    """All kinds and groups on the left, the matching entries on the right; htmx swaps the list."""
    kind = request.GET.get("kind", "").strip()
    group = request.GET.get("group", "").strip()
    query = request.GET.get("q", "").strip()[:200]
    kinds = list(selectors.kinds().prefetch_related("groups"))
    known_kinds = {k.code for k in kinds}
    if kind and kind not in known_kinds:
        kind = ""
    entries = selectors.search_entries(kind=kind or None, group=group or None, query=query)
    context = {
        "kinds": kinds,
        "selected_kind": kind,
        "selected_group": group,
        "query": query,
        "entries": entries,
        "version": selectors.live_version(),
    }
    template = "knowledge/_entries.html" if request.htmx else "knowledge/catalogue.html"
    return render(request, template, context)


def entry_detail(request: HttpRequest, code: str) -> HttpResponse:
    entry = get_object_or_404(CatalogueEntry.objects.select_related("kind", "group"), code=code)
    lines = _document_lines(entry.source_document)
    start = max(entry.source_line - 3, 1)
    excerpt = [(n, lines[n - 1]) for n in range(start, min(entry.source_line + 3, len(lines)) + 1)]
    return render(
        request,
        "knowledge/entry_detail.html",
        {"entry": entry, "excerpt": excerpt, "extra": entry.extra},
    )


def source_document(request: HttpRequest, document: str) -> HttpResponse:
    """A seed document with line numbers, so that every source reference can be checked."""
    if document not in DOCUMENT_LANGUAGE:
        raise Http404("unknown document")
    lines = _document_lines(document)
    return render(
        request,
        "knowledge/source_document.html",
        {
            "document": document,
            "lines": list(enumerate(lines, start=1)),
            "language": DOCUMENT_LANGUAGE[document],
        },
    )


def _document_lines(document: str) -> list[str]:
    if document not in DOCUMENT_LANGUAGE:
        raise Http404("unknown document")
    return (SOURCES_DIR / document).read_text(encoding="utf-8").split("\n")
