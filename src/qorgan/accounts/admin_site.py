"""The admin site of Qorgan: staff (administrators who run the system) and directory editors.

Django's admin lets in ``is_staff`` users only. A directory editor (``Role.DIRECTORY_EDITOR``)
is not staff — staff status is the system's administration and needs an administrator's
approval — yet keeps the directory and the catalogue up to date in the admin. So the site also
lets in whoever the rule ``directory.edit`` allows; inside, each model's admin decides (the
directory's and the catalogue's let them edit, every other admin refuses: Django's model
permissions, which a directory editor does not hold).
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .permissions import allowed


class QorganAdminSite(admin.AdminSite):
    site_header = site_title = "Qorgan"  # the system's name, in every language

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_staff or allowed("directory.edit", user)))
