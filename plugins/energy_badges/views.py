"""Dashboard views: sellers submit and edit their energy reports; staff verify or reject them.

Access is checked in two steps, like Oscar's dashboard: which views (staff,
or users with the partner dashboard permission) and which rows (a seller's
querysets only hold the reports of the growers they belong to, so another
seller's report is a 404, not a 403 that confirms it exists).
"""

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import generic

from .forms import EnergyReportForm, VerificationForm, partners_of, reports_visible_to
from .models import EnergyReport


def queue_reindex_for(report):
    """The grade is a search facet: re-index the products this report covers, after commit."""
    try:
        from storefront.search.tasks import queue_reindex
    except ImportError:  # no search app installed: nothing to refresh
        return
    if report.product_id:
        queue_reindex([report.product_id])
    else:
        queue_reindex(report.partner.stockrecords.values_list("product_id", flat=True))


class SellerAccessMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        user = self.request.user
        return user.is_active and (user.is_staff or user.has_perm("partner.dashboard_access"))


class StaffAccessMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_active and self.request.user.is_staff


class ReportListView(SellerAccessMixin, generic.ListView):
    template_name = "energy_badges/dashboard/report_list.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        queryset = reports_visible_to(self.request.user).select_related("partner", "product")
        status = self.request.GET.get("status")
        if status in dict(EnergyReport.STATUS_CHOICES):
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = EnergyReport.STATUS_CHOICES
        context["current_status"] = self.request.GET.get("status", "")
        return context


class ReportEvidenceView(SellerAccessMixin, generic.View):
    """A report's evidence file (a grower's electricity bills), for the report's own sellers and staff.

    Evidence is never served from /media/ (storefront.media keeps its folder
    staff-only), so this view is the way a seller opens their own file; it
    reads through the storage, so it works the same on disk and on S3.
    """

    def get(self, request, pk):
        report = get_object_or_404(reports_visible_to(request.user), pk=pk)
        if not report.evidence:
            raise Http404("This report has no evidence file.")
        try:
            handle = report.evidence.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404("The evidence file is missing from storage.") from None
        name = PurePosixPath(report.evidence.name).name
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


class ReportFormMixin(SellerAccessMixin):
    form_class = EnergyReportForm
    template_name = "energy_badges/dashboard/report_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["partners"] = partners_of(self.request.user)
        return kwargs

    def form_valid(self, form):
        report = form.save(commit=False)
        # Any change needs a fresh check: an edited verified report goes back to unverified.
        report.status = EnergyReport.UNVERIFIED
        report.rejection_reason = ""
        report.verified_by = None
        report.verified_at = None
        if report.submitted_by_id is None:
            report.submitted_by = self.request.user
        with transaction.atomic():
            report.save()
            queue_reindex_for(report)
        messages.success(self.request, "Energy report saved; staff will verify it.")
        return redirect("energy_badges:report-list")


class ReportCreateView(ReportFormMixin, generic.CreateView):
    pass


class ReportUpdateView(ReportFormMixin, generic.UpdateView):
    def get_queryset(self):
        return reports_visible_to(self.request.user)


class ReportVerifyView(StaffAccessMixin, generic.FormView):
    form_class = VerificationForm
    template_name = "energy_badges/dashboard/report_verify.html"

    def dispatch(self, request, *args, **kwargs):
        self.report = get_object_or_404(EnergyReport.objects.select_related("partner", "product"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = self.report
        context["grade"] = self.report.grade()
        return context

    def form_valid(self, form):
        report = self.report
        report.status = form.cleaned_data["decision"]
        report.rejection_reason = form.cleaned_data["reason"].strip() if report.status == EnergyReport.REJECTED else ""
        report.verified_by = self.request.user
        report.verified_at = timezone.now()
        with transaction.atomic():
            report.save(update_fields=["status", "rejection_reason", "verified_by", "verified_at", "updated_at"])
            queue_reindex_for(report)
        messages.success(self.request, f"Report {report.get_status_display().lower()}.")
        return redirect(reverse("energy_badges:report-list"))
