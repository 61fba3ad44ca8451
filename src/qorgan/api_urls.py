"""API v1 (``/api/v1/``): versioned; the OpenAPI schema is at ``/api/v1/schema/``.

The API answers 401/403 itself, so its views opt out of the site-wide sign-in redirect.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from qorgan.screening import api as screening_api


def api(view: type[Any], **initkwargs: Any) -> Callable[..., Any]:
    return login_not_required(view.as_view(**initkwargs))


urlpatterns = [
    path("schema/", api(SpectacularAPIView, api_version="v1"), name="schema"),
    path("screenings/evaluate/", api(screening_api.EvaluateView), name="screening-evaluate"),
    path("screenings/", api(screening_api.ScreeningListView), name="screening-list"),
    path(
        "screenings/<str:screening_id>/",
        api(screening_api.ScreeningDetailView),
        name="screening-detail",
    ),
    path(
        "screenings/<str:screening_id>/steps/<int:position>/",
        api(screening_api.PlanStepView),
        name="screening-step",
    ),
]
