"""URLs: every page under a language prefix (/kk/, /ru/, /en/); the API is versioned under /api/v1/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from qorgan.core import views as core_views
from qorgan.portal import views as portal_views

from . import views

urlpatterns = [
    path("", views.root, name="root"),
    path("m/<str:language>/", portal_views.migrant_page, name="migrant_page"),
    path("api/v1/", include(("qorgan.api_urls", "v1"), namespace="v1")),
]

urlpatterns += i18n_patterns(
    path("", portal_views.home, name="home"),
    path("work/", views.work, name="work"),
    path("", include("qorgan.portal.urls")),
    path("accounts/", include("qorgan.accounts.urls")),
    path("catalogue/", include("qorgan.knowledge.urls")),
    path("directory/", include("qorgan.directory.urls")),
    path("screening/", include("qorgan.screening.urls")),
    path("cases/", include("qorgan.cases.urls")),
    path("monitoring/", include("qorgan.monitoring.urls")),
    path("inbox/", include("qorgan.notifications.urls")),
    path("hotline/", include("qorgan.hotline.urls")),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("audit/export.csv", core_views.audit_export, name="audit_export"),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
