"""The plugin's pages: forecast sign-up and grow conditions for buyers; connections, uploads and traceability for sellers.

Dashboard access is checked in two steps, like Oscar's dashboard: which views
(staff, or users with the partner dashboard permission) and which rows (a
seller only sees the connections, lots and allocations of their own growers;
another grower's connection is a 404).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View, generic
from oscar.core.loading import get_class, get_model

from . import contract, uploads
from . import settings as vl_settings
from .display import conditions_for, forecasts_for
from .models import Connection, ForecastSignup, Lot
from .signin import SignInRefused, user_for_claims, verify_token
from .traceability import allocations_for, report_csv

Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
Selector = get_class("partner.strategy", "Selector")


# --- buyers ------------------------------------------------------------------------


class SignupForm(forms.Form):
    email = forms.EmailField(label="Your email", help_text="We email you once, when it is listed.")


def can_be_bought(request, product):
    """Whether the request's pricing strategy sells the product now (stock within its best-before)."""
    strategy = getattr(request, "strategy", None) or Selector().strategy(request=request)
    info = strategy.fetch_for_parent(product) if product.is_parent else strategy.fetch_for_product(product)
    return info.availability.is_available_to_buy


def panel(request, product, form):
    """The panel's context: forecast and grow conditions; the sign-up only while the product cannot be bought."""
    forecast = forecasts_for([product]).get(product.pk)
    return {
        "product": product,
        "forecast": forecast,
        "conditions": conditions_for([product]).get(product.pk),
        # "Tell me when it is listed" is for a harvest still to come: not while it can be bought.
        "signup_open": forecast is not None and not can_be_bought(request, product),
        "signup_form": form,
        "signup_url": reverse("vibelux:product", args=[product.pk]),
    }


def product_panel_context(request, product_pk):
    """Forecast, grow conditions and sign-up form of a public product, or None when VibeLux knows nothing of it."""
    memo = getattr(request, "_vibelux_panels", None)
    if memo is None:
        memo = request._vibelux_panels = {}
    if product_pk not in memo:
        product = _public_product(request, product_pk)
        if product is not None:
            found = panel(request, product, SignupForm())
            if found["forecast"] or found["conditions"]:
                memo[product_pk] = found
        memo.setdefault(product_pk, None)
    return memo[product_pk]


def _public_product(request, product_pk):
    """The product page's own product (loaded with its stock records and attributes) when public, else from the database."""
    shown = getattr(request, "catalogue_product", None)
    if shown is not None and str(shown.pk) == str(product_pk):
        return shown if shown.is_public else None
    return Product.objects.filter(pk=product_pk, is_public=True).select_related("product_class").first()


class ProductView(View):
    """The grow-room page of a product; POST signs a buyer up for the forecast harvest."""

    template_name = "vibelux/product.html"

    def get(self, request, pk):
        product = get_object_or_404(Product, pk=pk, is_public=True)
        return render(request, self.template_name, self._context(request, product, SignupForm()))

    def post(self, request, pk):
        product = get_object_or_404(Product, pk=pk, is_public=True)
        form = SignupForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self._context(request, product, form), status=400)
        _, created = ForecastSignup.objects.get_or_create(product=product, email=form.cleaned_data["email"].lower())
        messages.success(
            request,
            f"We will email {form.cleaned_data['email']} when {product.get_title()} is listed."
            if created else f"{form.cleaned_data['email']} is already on the list for {product.get_title()}.",
        )
        return redirect(product.get_absolute_url())

    def _context(self, request, product, form):
        return {"product": product, "panel": panel(request, product, form)}


# --- sellers -----------------------------------------------------------------------


class SellerAccessMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        user = self.request.user
        return user.is_active and (user.is_staff or user.has_perm("partner.dashboard_access"))

    def partners(self):
        user = self.request.user
        return Partner.objects.all() if user.is_staff else Partner.objects.filter(users=user)

    def connections(self):
        return Connection.objects.filter(partner__in=self.partners()).select_related("partner")


class UploadForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.none(), label="Grower")
    file = forms.FileField(help_text="JSON ({\"crop_cycles\": [...], \"harvests\": [...]}) or CSV of harvests.")

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = vl_settings.get("VIBELUX_UPLOAD_MAX_BYTES")
        if upload.size > limit:
            raise forms.ValidationError(f"{upload.name} is {upload.size} bytes; the limit is {limit} bytes.")
        if not upload.name.lower().endswith((".json", ".csv")):
            raise forms.ValidationError(f"{upload.name}: upload a .json or .csv file.")
        return upload


class ConnectionForm(forms.ModelForm):
    api_base_url = forms.URLField(required=False, assume_scheme="https", label="VibeLux API address")

    class Meta:
        model = Connection
        fields = ["listing_mode", "price_per_kg", "default_shelf_life_days", "api_base_url", "api_token"]
        widgets = {"api_token": forms.PasswordInput(render_value=True)}


class DashboardView(SellerAccessMixin, View):
    template_name = "vibelux/dashboard/index.html"

    def get(self, request, upload_form=None, report=None, status=200):
        connections = list(self.connections())
        for connection in connections:
            connection.form = ConnectionForm(instance=connection, prefix=f"c{connection.pk}")
            connection.webhook_url = request.build_absolute_uri(
                reverse("vibelux:webhook", args=[connection.webhook_key])
            )
            connection.recent_events = connection.events.all()[:10]
            connection.recent_lots = connection.lots.select_related("product")[:10]
        context = {
            "connections": connections,
            "upload_form": upload_form or UploadForm(partners=self.partners()),
            "report": report,
        }
        return render(request, self.template_name, context, status=status)


class UploadView(DashboardView):
    def post(self, request):
        form = UploadForm(request.POST, request.FILES, partners=self.partners())
        if not form.is_valid():
            return self.get(request, upload_form=form, status=400)
        partner, upload = form.cleaned_data["partner"], form.cleaned_data["file"]
        connection, _ = Connection.objects.get_or_create(
            partner=partner, defaults={"facility_id": f"upload:{partner.code}"}
        )
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", f"{upload.name} is not UTF-8 text.")
            return self.get(request, upload_form=form, status=400)
        try:
            report = uploads.import_file(connection, upload.name, text)
        except contract.ContractError as exc:
            form.add_error("file", f"{upload.name}: {exc}")
            return self.get(request, upload_form=form, status=400)
        except uploads.UploadRejected as exc:
            messages.error(request, f"{upload.name}: {exc}. Fix the rows below and upload the file again.")
            return self.get(request, upload_form=form, report=exc.report, status=400)
        messages.success(request, f"{upload.name}: {report.rows} row(s) imported: {report.outcome.summary()}.")
        for message in report.outcome.messages:
            messages.info(request, message)
        return redirect("vibelux:dashboard")


class ConnectionUpdateView(SellerAccessMixin, View):
    def post(self, request, pk):
        connection = get_object_or_404(self.connections(), pk=pk)
        form = ConnectionForm(request.POST, instance=connection, prefix=f"c{connection.pk}")
        if form.is_valid():
            form.save()
            messages.success(request, f"Settings saved for {connection.partner}.")
        else:
            errors = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items())
            messages.error(request, f"Not saved: {errors}")
        return redirect("vibelux:dashboard")


class TraceabilityForm(forms.Form):
    lot = forms.CharField(required=False, label="Lot number")
    date_from = forms.DateField(required=False, label="Orders from", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="Orders to", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", f"The period ends ({end}) before it starts ({start}).")
        return cleaned


class TraceabilityView(SellerAccessMixin, generic.TemplateView):
    """Allocations per lot or period; ?format=csv downloads the report."""

    template_name = "vibelux/dashboard/traceability.html"

    def get(self, request, *args, **kwargs):
        form = TraceabilityForm(request.GET or None)
        partners = None if request.user.is_staff else self.partners()
        allocations = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            allocations = allocations_for(partners, data["lot"].strip(), data["date_from"], data["date_to"])
            if request.GET.get("format") == "csv":
                response = HttpResponse(report_csv(allocations), content_type="text/csv; charset=utf-8")
                stamp = timezone.localdate().isoformat()
                name = f"traceability-{data['lot'].strip() or 'period'}-{stamp}.csv"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
        lots = Lot.objects.filter(connection__partner__in=self.partners()).select_related("product")[:200]
        from .traceability import report_rows

        rows = list(report_rows(allocations)) if allocations is not None else None
        status = 400 if form.is_bound and not form.is_valid() else 200
        return self.render_to_response({"form": form, "rows": rows, "lots": lots}, status=status)


# --- sign-in with VibeLux ------------------------------------------------------------


class SignInView(View):
    template_name = "vibelux/sign_in_refused.html"

    def get(self, request):
        return self._sign_in(request, request.GET.get("token"))

    def post(self, request):
        return self._sign_in(request, request.POST.get("token"))

    def _sign_in(self, request, token):
        try:
            user = user_for_claims(verify_token(token))
        except SignInRefused as exc:
            return render(request, self.template_name, {"reason": str(exc)}, status=403)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Signed in with your VibeLux account.")
        return redirect("dashboard:index")
