"""Dashboard pages of the payments layer: sellers' payouts, Stripe onboarding, refunds.

Access follows Oscar's dashboard in two steps: which views (staff, or a
partner user with partner.dashboard_access) and which rows (a partner user
only ever sees and acts on their own partners' transfers, accounts and lines).
"""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.paginator import Paginator
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import generic
from oscar.core.loading import get_model

from . import gateway, services
from .access import can_use_payments_dashboard
from .models import Payment, Refund, SellerAccount, Transfer
from .split import from_minor_units

Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")

PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


class DashboardAccessMixin(AccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if not can_use_payments_dashboard(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def user_partners(self):
        if self.request.user.is_staff:
            return Partner.objects.all()
        return self.request.user.partners.all()

    def partner_or_404(self, pk):
        return get_object_or_404(self.user_partners(), pk=pk)


class PayoutsView(DashboardAccessMixin, generic.TemplateView):
    """Sellers: their transfers and fees per order. Staff: everyone's, and the platform's commission per period."""

    template_name = "storefront_payments/dashboard/payouts.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        partners = self.user_partners().order_by("name")
        partner_id = self.request.GET.get("partner")
        transfers = Transfer.objects.filter(partner__in=partners).select_related("order", "partner").order_by("-created_at")
        if partner_id and partner_id.isdigit():
            transfers = transfers.filter(partner_id=int(partner_id))
        page = Paginator(transfers, 50).get_page(self.request.GET.get("page"))
        accounts = {a.partner_id: a for a in SellerAccount.objects.filter(partner__in=partners)}
        ctx.update(
            page=page,
            rows=[self.row(t) for t in page.object_list],
            sellers=[(partner, accounts.get(partner.pk)) for partner in partners[:200]],
            totals=self.totals(transfers),
        )
        if self.request.user.is_staff:
            period = self.request.GET.get("period", "month")
            if period not in PERIODS:
                period = "month"
            ctx["period"] = period
            ctx["periods"] = list(PERIODS)
            ctx["commission_by_period"] = self.commission_by_period(period)
        return ctx

    @staticmethod
    def row(transfer):
        money = lambda amount: from_minor_units(amount, transfer.currency)  # noqa: E731
        return {
            "transfer": transfer,
            "gross": money(transfer.gross),
            "commission": money(transfer.net_commission),
            "paid": money(transfer.amount),
            "reversed": money(transfer.amount_reversed),
            "net": money(transfer.net_amount),
            "rate": transfer.commission_basis_points / 100,
        }

    @staticmethod
    def totals(transfers):
        sums = transfers.aggregate(
            gross=Sum("gross"), amount=Sum("amount"), reversed=Sum("amount_reversed"),
            commission=Sum("commission"), returned=Sum("commission_returned"),
        )
        currency = transfers.values_list("currency", flat=True).first() or "gbp"
        get = lambda key: sums[key] or 0  # noqa: E731
        return {
            "gross": from_minor_units(get("gross"), currency),
            "net": from_minor_units(get("amount") - get("reversed"), currency),
            "commission": from_minor_units(get("commission") - get("returned"), currency),
        }

    @staticmethod
    def commission_by_period(period):
        rows = (
            Transfer.objects.annotate(period=PERIODS[period]("created_at"))
            .values("period", "currency")
            .annotate(
                orders=Count("order", distinct=True),
                gross=Sum("gross"),
                commission=Sum(F("commission") - F("commission_returned")),
            )
            .order_by("-period")
        )
        return [
            {
                "period": row["period"],
                "orders": row["orders"],
                "currency": row["currency"].upper(),
                "gross": from_minor_units(row["gross"], row["currency"]),
                "commission": from_minor_units(row["commission"], row["currency"]),
            }
            for row in rows
        ]


class OnboardingStartView(DashboardAccessMixin, generic.View):
    """POST: send the grower to Stripe's Express onboarding (the account is made once)."""

    http_method_names = ["post"]

    def post(self, request, partner_pk):
        partner = self.partner_or_404(partner_pk)
        back = request.build_absolute_uri(reverse("storefront_payments:onboarding-return", args=[partner.pk]))
        refresh = request.build_absolute_uri(reverse("storefront_payments:payouts"))
        try:
            url = services.onboarding_link(partner, email=request.user.email, return_url=back, refresh_url=refresh)
        except gateway.GatewayError as exc:
            messages.error(request, f"Stripe could not start the onboarding of {partner.name}: {exc.user_message}")
            return redirect("storefront_payments:payouts")
        return redirect(url)


class OnboardingReturnView(DashboardAccessMixin, generic.View):
    """Where Stripe sends the grower back: read the account's state and show it."""

    def get(self, request, partner_pk):
        partner = self.partner_or_404(partner_pk)
        account = SellerAccount.objects.filter(partner=partner).exclude(account_id=None).first()
        if account is None:
            messages.error(request, f"{partner.name} has no Stripe account yet: use “Connect with Stripe”.")
            return redirect("storefront_payments:payouts")
        try:
            account = services.refresh_account(account)
        except gateway.GatewayError as exc:
            messages.error(request, f"Could not read {partner.name}'s Stripe account: {exc.user_message}")
            return redirect("storefront_payments:payouts")
        if account.can_be_paid:
            messages.success(request, f"{partner.name} can now be paid: charges and payouts are enabled.")
        else:
            messages.warning(
                request,
                f"{partner.name}'s Stripe account is not complete yet (charges: "
                f"{'on' if account.charges_enabled else 'off'}, payouts: {'on' if account.payouts_enabled else 'off'}).",
            )
        return redirect("storefront_payments:payouts")


class RefundView(DashboardAccessMixin, generic.TemplateView):
    """Refund chosen lines of an order, or (staff) the whole order."""

    template_name = "storefront_payments/dashboard/refund.html"

    def get_order(self):
        order = get_object_or_404(Order, number=self.kwargs["number"])
        if not self.request.user.is_staff and not order.lines.filter(partner__in=self.user_partners()).exists():
            raise Http404("No such order among your partners' orders")
        return order

    def allowed_lines(self, order):
        lines = order.lines.all()
        if not self.request.user.is_staff:
            lines = lines.filter(partner__in=self.user_partners())
        return list(lines.order_by("pk"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = self.get_order()
        done = services.refunded_quantities(order)
        payment = Payment.objects.filter(order=order).first()
        ctx.update(
            order=order,
            payment=payment,
            refundable=from_minor_units(payment.refundable, payment.currency) if payment else 0,
            lines=[(line, line.quantity - done.get(line.pk, 0)) for line in self.allowed_lines(order)],
            refunds=Refund.objects.filter(order=order).prefetch_related("reversals"),
            can_refund_whole=self.request.user.is_staff,
        )
        return ctx

    def post(self, request, *args, **kwargs):
        order = self.get_order()
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("whole") and request.user.is_staff:
            lines = None
        else:
            lines = {}
            for line in self.allowed_lines(order):
                raw = request.POST.get(f"line-{line.pk}", "").strip() or "0"
                if not raw.isdigit():
                    messages.error(request, f"Line {line.pk} ({line.title}): “{raw}” is not a whole number.")
                    return redirect("storefront_payments:refund", number=order.number)
                if int(raw) > 0:
                    lines[line.pk] = int(raw)
            if not lines:
                messages.error(request, "Choose at least one line and a quantity to refund.")
                return redirect("storefront_payments:refund", number=order.number)
        try:
            refund = services.refund_order(order, lines=lines, user=request.user, reason=reason)
        except services.RefundError as exc:
            messages.error(request, str(exc))
        except gateway.PaymentUnavailable:
            messages.warning(
                request,
                "Stripe could not be reached. The refund is reserved and will be sent by reconciliation; "
                "do not refund it again.",
            )
        else:
            messages.success(
                request,
                f"Refunded {from_minor_units(refund.amount, order.currency)} {order.currency} on order {order.number}.",
            )
        return redirect("storefront_payments:refund", number=order.number)
