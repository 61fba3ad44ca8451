"""Staff pages to browse and search the catalogue, and to read the seed documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import portal_only_language_codes

from . import selectors
from . import translations as service
from .catalogue import DOCUMENT_LANGUAGE, SOURCES_DIR
from .models import CatalogueEntry, Translation


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
        "can_review": allowed("translation.review", request.user),
    }
    template = "knowledge/_entries.html" if request.htmx else "knowledge/catalogue.html"
    return render(request, template, context)


def entry_detail(request: HttpRequest, code: str) -> HttpResponse:
    entry = get_object_or_404(CatalogueEntry.objects.select_related("kind", "group"), code=code)
    excerpt: list[tuple[int, str]] = []
    if entry.source_document and entry.source_line:  # a local hotline has no seed line
        lines = _document_lines(entry.source_document)
        start = max(entry.source_line - 3, 1)
        end = min(entry.source_line + 3, len(lines))
        excerpt = [(n, lines[n - 1]) for n in range(start, end + 1)]
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


# --- Translation review (portal-only languages) -------------------------------------------------


def _reviewer(request: HttpRequest) -> None:
    if not allowed("translation.review", request.user):
        raise PermissionDenied


def translations(request: HttpRequest) -> HttpResponse:
    """Per portal-only language: the texts awaiting review beside the Kazakh and Russian; accept
    or correct each (audited); export the language as .po, import one (dry run, then apply)."""
    _reviewer(request)
    languages = portal_only_language_codes()
    language = request.GET.get("lang") or request.POST.get("lang") or languages[0]
    if language not in languages:
        raise Http404
    context: dict[str, object] = {"languages": languages, "language": language}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "review":
            row = get_object_or_404(Translation, pk=request.POST.get("id"), language=language)
            try:
                service.review(user=request.user, translation=row, text=request.POST.get("text"))
                messages.success(request, _("The translation was reviewed."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect(f"{request.path}?lang={language}")
        if action == "review_interface":
            try:
                service.review_interface(
                    user=request.user,
                    language=language,
                    msgid=request.POST.get("msgid", ""),
                    text=request.POST.get("text"),
                )
                messages.success(request, _("The translation was reviewed."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect(f"{request.path}?lang={language}#interface")
        if action in ("import_check", "import_apply"):
            upload = request.FILES.get("po")
            content = request.POST.get("content", "")
            if upload is not None:
                content = upload.read(2_000_000).decode("utf-8", errors="replace")
            try:
                plan = service.plan_import(language, content)
            except service.PoImportError as exc:
                messages.error(request, str(exc))
                return redirect(f"{request.path}?lang={language}")
            if action == "import_apply":
                count = service.apply_import(user=request.user, plan=plan)
                messages.success(
                    request, _("%(count)s translations were changed.") % {"count": count}
                )
                return redirect(f"{request.path}?lang={language}")
            context.update({"plan": plan, "content": content})
    context["items"] = service.review_items(language)
    context["interface"] = service.interface_items(language)
    context["pending"] = service.pending_counts()
    return render(request, "knowledge/translations.html", context)


def translations_po(request: HttpRequest, language: str) -> HttpResponse:
    _reviewer(request)
    if language not in portal_only_language_codes():
        raise Http404
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="knowledge.Translation",
        object_id=language,
    )
    response = HttpResponse(service.export_po(language), content_type="text/x-gettext-translation")
    response["Content-Disposition"] = f'attachment; filename="qorgan-catalogue-{language}.po"'
    return response


def interface_po(request: HttpRequest, language: str) -> HttpResponse:
    """The interface .po file of a portal-only language with the reviewers' decisions applied,
    for the maintainers to commit (gettext catalogues ship with a release)."""
    _reviewer(request)
    if language not in portal_only_language_codes():
        raise Http404
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="knowledge.InterfaceReview",
        object_id=language,
    )
    response = HttpResponse(
        service.export_interface_po(language), content_type="text/x-gettext-translation"
    )
    response["Content-Disposition"] = f'attachment; filename="django-{language}.po"'
    return response
