from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.screening_list, name="list"),
    path("new/", views.new_screening, name="new"),
    path("<str:pk>/", views.screening_detail, name="detail"),
    path("<str:pk>/steps/<int:position>/", views.tick_step, name="tick"),
    path("<str:pk>/plan.pdf", views.plan_pdf, name="pdf"),
]
