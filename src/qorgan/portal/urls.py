from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("signs/", views.signs, name="signs"),
    path("control/", views.control, name="control"),
    path("safety/", views.safety, name="safety"),
    path("migrants/", views.migrants, name="migrants"),
    path("what-to-do/", views.what_to_do, name="what_to_do"),
    path("rights/", views.rights, name="rights"),
    path("hotlines/", views.hotline_page, name="hotlines"),
    path("help/", views.help_organisations, name="help"),
    path("card/", views.information_card, name="card"),
    path("card.pdf", views.information_card_pdf, name="card_pdf"),
    path("report/", views.report, name="report"),
    path("report/status/", views.report_status, name="report_status"),
    path("reports/", views.triage_list, name="triage_list"),
    path("reports/<int:number>/", views.triage_detail, name="triage_detail"),
    path("reports/<int:number>/<str:action>/", views.triage_action, name="triage_action"),
]
