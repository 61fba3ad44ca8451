from django.urls import path

from . import incident_views, views, views_work

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("referrals/", views.referral_inbox, name="referrals"),
    path(
        "referrals/<str:referral_id>/<str:action>/", views.referral_action, name="referral_action"
    ),
    path("incidents/", incident_views.incident_list, name="incidents"),
    path("incidents/<str:incident_id>/", incident_views.incident_detail, name="incident"),
    path(
        "incidents/<str:incident_id>/<str:action>/",
        incident_views.incident_action,
        name="incident_action",
    ),
    path("duplicates/", incident_views.duplicate_requests, name="duplicates"),
    path(
        "duplicates/<str:alert_id>/<str:action>/",
        incident_views.duplicate_action,
        name="duplicate_action",
    ),
    path("import/", incident_views.import_start, name="import"),
    path("import/template.csv", incident_views.import_template, name="import_template"),
    path("import/<str:job_id>/", incident_views.import_job, name="import_job"),
    path("<str:case_id>/", views.case_detail, name="detail"),
    path("<str:case_id>/matches/", incident_views.case_matches, name="matches"),
    path("<str:case_id>/incident/", incident_views.case_incident, name="case_incident"),
    path(
        "<str:case_id>/attachments/<str:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<str:case_id>/work/<str:action>/", views_work.work_action, name="work"),
    path("<str:case_id>/<str:action>/", views.case_action, name="action"),
]
