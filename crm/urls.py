"""Project URLs: admin, accounts, the partners app."""
from django.contrib import admin
from django.urls import include, path

from partners.views.preferences import LoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("partners.urls")),
]
