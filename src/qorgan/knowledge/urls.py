from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("entries/<str:code>/", views.entry_detail, name="entry"),
    path("sources/<str:document>/", views.source_document, name="source"),
]
