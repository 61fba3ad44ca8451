"""URLs: every page under a language prefix (/kk/, /ru/, /en/); the API is versioned under /api/v1/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views

api_v1 = [
    path(
        "schema/", login_not_required(SpectacularAPIView.as_view(api_version="v1")), name="schema"
    ),
]

urlpatterns = [
    path("", views.root, name="root"),
    path("api/v1/", include((api_v1, "v1"), namespace="v1")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("qorgan.accounts.urls")),
    path("catalogue/", include("qorgan.knowledge.urls")),
    path("directory/", include("qorgan.directory.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
