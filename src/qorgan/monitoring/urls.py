from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.monitoring_home, name="home"),
    path("statistics/", views.dashboard, name="dashboard"),
    path("duties/", views.duty_coverage, name="duties"),
    path("activities/", views.activities, name="activities"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/import/<uuid:job_id>/", views.indicator_import, name="indicator_import"),
    path("risk/", views.risk_index, name="risk"),
    path("report.<str:fmt>", views.period_report, name="report"),
    path("exports/", views.case_exports, name="exports"),
    path("exports/<uuid:job_id>/", views.download_export, name="download_export"),
    path("open-data/<str:kind>.csv", views.open_data, name="open_data"),
]
