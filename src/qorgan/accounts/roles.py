"""The roles a Qorgan user can hold. Codes are stable; labels are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONTLINE_WORKER = "frontline_worker", _("Frontline worker")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Keeps the directory and the catalogue (organisations, hotlines, their phones) up to date
    # in the admin; reads no persons' data (docs/security.md "Roles").
    DIRECTORY_EDITOR = "directory_editor", _("Directory editor")
