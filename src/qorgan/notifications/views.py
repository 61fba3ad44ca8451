from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Notification


def inbox(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    items = (
        Notification.objects.filter(organisation_id=user.organisation_id)[:200]
        if user.organisation_id
        else []
    )
    return render(request, "notifications/inbox.html", {"items": items})


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    Notification.objects.filter(organisation_id=user.organisation_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications:inbox")
