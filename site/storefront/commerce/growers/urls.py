"""/growers/: the directory, and one page per grower by its code (Oscar's Partner.code, a slug)."""

from django.urls import path

from .views import GrowerDetailView, GrowerListView

app_name = "growers"

urlpatterns = [
    path("", GrowerListView.as_view(), name="list"),
    path("<slug:code>/", GrowerDetailView.as_view(), name="detail"),
]
