"""The plugin's pages, mounted by the host at /plugins/energy_badges/ in the energy_badges namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.ReportListView.as_view(), name="report-list"),
    path("dashboard/new/", views.ReportCreateView.as_view(), name="report-create"),
    path("dashboard/<int:pk>/", views.ReportUpdateView.as_view(), name="report-update"),
    path("dashboard/<int:pk>/verify/", views.ReportVerifyView.as_view(), name="report-verify"),
    path("dashboard/<int:pk>/evidence/", views.ReportEvidenceView.as_view(), name="report-evidence"),
]
