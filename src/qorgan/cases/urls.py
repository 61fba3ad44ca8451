from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("referrals/", views.referral_inbox, name="referrals"),
    path(
        "referrals/<str:referral_id>/<str:action>/", views.referral_action, name="referral_action"
    ),
    path("<str:case_id>/", views.case_detail, name="detail"),
    path("<str:case_id>/matches/", views.possible_matches, name="matches"),
    path(
        "<str:case_id>/attachments/<str:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<str:case_id>/<str:action>/", views.case_action, name="action"),
]
