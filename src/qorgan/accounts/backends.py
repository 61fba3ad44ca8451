"""Authentication backends that load the signed-in user with their organisation in one query
(every signed-in request needs both: scope, audit, navigation)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import backends

from .models import User


class _WithOrganisation:
    def get_user(self, user_id: Any) -> Any:
        user = User._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_WithOrganisation, backends.ModelBackend):
    """Django's model backend; the user comes with their organisation."""


class AxesBackend(_WithOrganisation, AxesStandaloneBackend):
    """django-axes' lock-out backend (it must stay first); the user comes with their organisation."""
