from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("handover/", views.handover, name="handover"),
    path("directory/", views.directory, name="directory"),
    path("readout/", views.readout, name="readout"),
    path("statistics/", views.statistics, name="statistics"),
    path("contacts/<uuid:pk>/", views.contact_detail, name="contact"),
    path("contacts/<uuid:pk>/edit/", views.edit, name="edit"),
    path("contacts/<uuid:pk>/take/", views.take, name="take"),
    path("contacts/<uuid:pk>/refer/", views.refer, name="refer"),
    path("contacts/<uuid:pk>/police/", views.police, name="police"),
    path("contacts/<uuid:pk>/case/", views.open_case, name="open_case"),
    path("contacts/<uuid:pk>/link/", views.link, name="link"),
    path("contacts/<uuid:pk>/follow-up/", views.follow_up_done, name="follow_up_done"),
]
