from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("entries/<str:code>/", views.entry_detail, name="entry"),
    path("sources/<str:document>/", views.source_document, name="source"),
    path("translations/", views.translations, name="translations"),
    path("translations/<str:language>.po", views.translations_po, name="translations_po"),
    path("translations/<str:language>/interface.po", views.interface_po, name="interface_po"),
]
