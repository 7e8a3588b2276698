from django.urls import path

from .views import home

app_name = "partners"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
]
