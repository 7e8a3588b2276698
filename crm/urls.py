"""Project URLs: admin, accounts, the partners app."""
from django.contrib import admin
from django.urls import include, path

from partners.views.preferences import LoginView
from partners.views.security import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("partners.urls")),
]

handler403 = "partners.views.security.permission_denied"
