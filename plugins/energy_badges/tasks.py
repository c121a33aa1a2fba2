"""Periodic jobs of the energy badges plugin."""

import logging
from datetime import timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone

from .models import EnergyReport

logger = logging.getLogger(__name__)


@shared_task
def remind_staff_of_unverified_reports(older_than_days=3):
    """Email staff how many reports have waited more than a few days for verification.

    Sends nothing when none are waiting; running it twice sends the same
    digest twice, which is harmless.
    """
    cutoff = timezone.now() - timedelta(days=older_than_days)
    waiting = EnergyReport.objects.filter(status=EnergyReport.UNVERIFIED, created_at__lt=cutoff).count()
    if not waiting:
        return 0
    recipients = list(
        get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if recipients:
        send_mail(
            f"{waiting} energy report(s) waiting for verification",
            f"{waiting} energy report(s) submitted more than {older_than_days} days ago are still unverified. "
            "Review them under Dashboard > Energy reports.",
            None,
            recipients,
        )
    logger.info("%d energy reports wait for verification; reminded %d staff", waiting, len(recipients))
    return waiting
