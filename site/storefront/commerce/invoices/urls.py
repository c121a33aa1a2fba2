"""The invoice URLs, included under /shop/ before Oscar's own: next to the order pages they belong to."""

from django.urls import path

from .views import customer_invoice, dashboard_invoice

app_name = "invoices"

urlpatterns = [
    path("accounts/orders/<str:number>/invoice.pdf", customer_invoice, name="customer-invoice"),
    path("dashboard/orders/<str:number>/invoice.pdf", dashboard_invoice, name="dashboard-invoice"),
]
