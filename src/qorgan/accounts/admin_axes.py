"""django-axes' lists in the admin, in the user's language.

Axes' own admins name a column after a method ("Status") and build two texts outside gettext
(the remaining attempts, the clean-up message); these subclasses give them translated labels.
Axes' gettext strings themselves are translated in ``locale_vendor`` (kk and ru).
"""

from __future__ import annotations

from typing import Any

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):  # type: ignore[misc]
    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: Any) -> None:
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request, gettext("Expired sign-in attempts removed: %(count)d.") % {"count": count}
        )

    @admin.display(description=_("status"))
    def status(self, obj: AccessAttempt) -> str:
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return gettext("Locked Out")
        return gettext("Attempts left: %(count)d") % {"count": left}


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)
