"""URLs of the payments dashboard (mounted under the shop's dashboard) and the webhook."""

from django.urls import path

from . import dashboard

app_name = "storefront_payments"

urlpatterns = [
    path("", dashboard.PayoutsView.as_view(), name="payouts"),
    path("onboarding/<int:partner_pk>/", dashboard.OnboardingStartView.as_view(), name="onboarding-start"),
    path("onboarding/<int:partner_pk>/return/", dashboard.OnboardingReturnView.as_view(), name="onboarding-return"),
    path("refunds/<str:number>/", dashboard.RefundView.as_view(), name="refund"),
]
