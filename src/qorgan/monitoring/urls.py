from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.monitoring_home, name="home"),
    path("statistics/", views.dashboard, name="dashboard"),
    path("duties/", views.duty_coverage, name="duties"),
    path("activities/", views.activities, name="activities"),
    path("indicators/", views.indicators, name="indicators"),
    path("risk/", views.risk_index, name="risk"),
    path("report.<str:fmt>", views.period_report, name="report"),
    path("cases.<str:fmt>", views.export_cases, name="export_cases"),
    path("open-data/<str:kind>.csv", views.open_data, name="open_data"),
]
