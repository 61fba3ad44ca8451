"""API v1 (``/api/v1/``): versioned; the OpenAPI schema is at ``/api/v1/schema/``.

The API answers 401/403 itself, so its views opt out of the site-wide sign-in redirect.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgan.accounts.roles import Role
from qorgan.cases import api as cases_api
from qorgan.cases import api_work as work_api
from qorgan.cases import incident_api
from qorgan.core.api_schema import errors
from qorgan.hotline import api as hotline_api
from qorgan.screening import api as screening_api


def api(view: type[Any], **initkwargs: Any) -> Callable[..., Any]:
    return login_not_required(view.as_view(**initkwargs))


def health(request: HttpRequest) -> JsonResponse:
    """The smallest endpoint: for load balancers (no sign-in, no database)."""
    return JsonResponse({"status": "ok"})


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    organisation = serializers.CharField(
        allow_null=True, help_text="Code of the user's organisation, or null."
    )
    role = serializers.ChoiceField(choices=Role.values)


class Me(APIView):
    """Who is signed in: the smallest API endpoint behind the sign-in (session, second factor)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="me", responses={200: MeSerializer, **errors(403)})
    def get(self, request: Request) -> Response:
        user: Any = request.user
        organisation = user.organisation.code if user.organisation_id else None
        return Response(
            {"username": user.get_username(), "organisation": organisation, "role": user.role}
        )


urlpatterns = [
    path("hotline/contacts/", api(hotline_api.ContactListView), name="hotline-contact-list"),
    path(
        "hotline/contacts/<str:contact_id>/",
        api(hotline_api.ContactDetailView),
        name="hotline-contact-detail",
    ),
    path("me/", api(Me), name="me"),
    path("health/", login_not_required(health), name="health"),
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
    path("cases/", api(cases_api.CaseListView), name="case-list"),
    path("cases/<str:case_id>/", api(cases_api.CaseDetailView), name="case-detail"),
    path("cases/<str:case_id>/person/", api(cases_api.CasePersonView), name="case-person"),
    path("cases/<str:case_id>/details/", api(cases_api.CaseDetailsView), name="case-details"),
    path(
        "cases/<str:case_id>/transitions/",
        api(cases_api.CaseTransitionView),
        name="case-transition",
    ),
    path("cases/<str:case_id>/matches/", api(cases_api.CaseMatchesView), name="case-matches"),
    path("cases/<str:case_id>/consents/", api(cases_api.CaseConsentView), name="case-consents"),
    path("cases/<str:case_id>/referrals/", api(cases_api.CaseReferralView), name="case-referrals"),
    path("cases/<str:case_id>/links/", api(incident_api.PersonLinkView), name="case-links"),
    path("incidents/", api(incident_api.IncidentListView), name="incident-list"),
    path(
        "incidents/<str:incident_id>/", api(incident_api.IncidentDetailView), name="incident-detail"
    ),
    path(
        "incidents/<str:incident_id>/persons/",
        api(incident_api.IncidentPersonView),
        name="incident-persons",
    ),
    path(
        "duplicates/requests/",
        api(incident_api.DuplicateRequestListView),
        name="duplicate-requests",
    ),
    path(
        "duplicates/<str:alert_id>/",
        api(incident_api.DuplicateActionView),
        name="duplicate-action",
    ),
    path("referrals/", api(cases_api.ReferralListView), name="referral-list"),
    # Working a case across organisations (issue 13 §1–§2)
    path("cases/<str:case_id>/notes/", api(work_api.CaseNotesView), name="case-notes"),
    path("cases/<str:case_id>/followups/", api(work_api.CaseFollowUpsView), name="case-followups"),
    path(
        "cases/<str:case_id>/assignments/",
        api(work_api.CaseAssignmentsView),
        name="case-assignments",
    ),
    path("cases/<str:case_id>/handovers/", api(work_api.CaseHandoverView), name="case-handovers"),
    path("cases/<str:case_id>/approvals/", api(work_api.CaseApprovalsView), name="case-approvals"),
    path(
        "cases/<str:case_id>/goals/<str:goal_id>/result/",
        api(work_api.GoalResultView),
        name="case-goal-result",
    ),
    path(
        "cases/<str:case_id>/consents/<str:consent_id>/withdraw/",
        api(work_api.ConsentWithdrawView),
        name="case-consent-withdraw",
    ),
    path(
        "followups/<str:followup_id>/close/",
        api(work_api.FollowUpCloseView),
        name="followup-close",
    ),
    path(
        "handovers/<str:handover_id>/answer/",
        api(work_api.HandoverAnswerView),
        name="handover-answer",
    ),
    path(
        "approvals/<str:approval_id>/decide/",
        api(work_api.ApprovalDecideView),
        name="approval-decide",
    ),
    path(
        "referrals/<str:referral_id>/<str:action>/",
        api(cases_api.ReferralActionView),
        name="referral-action",
    ),
]
