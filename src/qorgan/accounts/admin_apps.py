"""Application configs of two installed apps as Qorgan runs them (named in INSTALLED_APPS).

Kept out of ``apps.py``: Django picks an app's config from its ``apps.py`` and would find
these there too."""

from __future__ import annotations

import axes.apps
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class QorganAdminConfig(AdminConfig):
    """The admin, with a site that lets directory editors in (``accounts.admin_site``)."""

    default_site = "qorgan.accounts.admin_site.QorganAdminSite"


class AxesConfig(axes.apps.AppConfig):
    """django-axes under a translated name: the admin index shows it in the user's language."""

    verbose_name = _("Sign-ins")
