from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.organisations, name="organisations"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation"),
    path("subjects/", views.subject_kinds, name="subject_kinds"),
    path("regions/", views.regions, name="regions"),
]
