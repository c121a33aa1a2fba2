"""The plugin's pages, mounted by the host at /plugins/vibelux/ in the vibelux namespace."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from . import views, webhooks

urlpatterns = [
    path("webhooks/<uuid:key>/", webhooks.receive, name="webhook"),
    path("products/<int:pk>/", views.ProductView.as_view(), name="product"),
    # VibeLux posts the token from its own site, so there is no CSRF token to check; the token is the proof.
    path("sign-in/", csrf_exempt(views.SignInView.as_view()), name="sign-in"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/upload/", views.UploadView.as_view(), name="upload"),
    path("dashboard/connections/<int:pk>/", views.ConnectionUpdateView.as_view(), name="connection-update"),
    path("dashboard/traceability/", views.TraceabilityView.as_view(), name="traceability"),
]
