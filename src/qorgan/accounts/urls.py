from django.urls import path

from . import approvals, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/<int:pk>/", approvals.decide, name="approval_decide"),
]
