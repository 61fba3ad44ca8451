"""The approval page: a second administrator, or the organisation's supervisor, approves or
refuses the changes of access that an administrator requested (see ``services``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .models import Decision, UserChangeRequest
from .roles import Role


def _may_approve_anything(request: HttpRequest) -> None:
    if getattr(request.user, "role", None) not in (Role.ADMINISTRATOR, Role.SUPERVISOR):
        raise PermissionDenied


@require_http_methods(["GET"])
def approvals(request: HttpRequest) -> HttpResponse:
    _may_approve_anything(request)
    waiting = list(services.waiting_for(request.user))
    own = UserChangeRequest.objects.filter(
        requested_by_id=request.user.pk, decision=Decision.PENDING
    ).select_related("user", "organisation", "user__organisation")
    return render(request, "accounts/approvals.html", {"waiting": waiting, "own": own})


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _may_approve_anything(request)
    change = get_object_or_404(UserChangeRequest, pk=pk)
    if not services.may_decide(request.user, change):
        raise PermissionDenied
    action = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    if action not in ("approve", "refuse"):
        messages.error(request, _("Choose approve or refuse."))
        return redirect("accounts:approvals")
    if action == "refuse" and not reason.strip():
        messages.error(request, _("Give a reason for refusing."))
        return redirect("accounts:approvals")
    try:
        decided = services.decide(
            change, by=request.user, approve=action == "approve", reason=reason
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:approvals")
    if decided.one_time_password:
        # Shown once, on this response only: never in a message cookie or the audit trail.
        return render(request, "accounts/approval_done.html", {"issued": [decided]})
    messages.success(
        request,
        _("Approved: the change applies now.") if action == "approve" else _("Refused."),
    )
    return redirect("accounts:approvals")
