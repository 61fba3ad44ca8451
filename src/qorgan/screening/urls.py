from django.urls import path

from . import offline, views

app_name = "screening"

urlpatterns = [
    path("", views.screening_list, name="list"),
    path("new/", views.new_screening, name="new"),
    path("new/plan/", views.plan_preview, name="plan"),
    # The offline app (docs/offline.md): page, engine data, service worker, manifest.
    path("offline/", offline.shell, name="offline"),
    path("offline/data.json", offline.engine_data_view, name="offline_data"),
    path("offline/sw.js", offline.service_worker, name="offline_sw"),
    path("offline/manifest.webmanifest", offline.manifest, name="offline_manifest"),
    path("offline/whoami/", offline.whoami, name="offline_whoami"),
    path("<str:pk>/", views.screening_detail, name="detail"),
    path("<str:pk>/steps/<int:position>/", views.tick_step, name="tick"),
    path("<str:pk>/plan.pdf", views.plan_pdf, name="pdf"),
]
