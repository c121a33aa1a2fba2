"""The Celery application, wired into Django.

With no CELERY_BROKER_URL the settings turn on eager mode and tasks run in the
calling process; with a broker (Redis or RabbitMQ) a worker runs them:

    celery -A storefront worker -l info
    celery -A storefront beat -l info
"""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings.dev")

app = Celery("storefront")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def add_plugin_periodic_tasks(sender, **kwargs):
    """Plugins' beat entries (the storefront_periodic_tasks hook) join the schedule from settings.

    beat_init fires once Django is set up, just after the scheduler has read
    the settings' schedule, so the merged schedule is handed to it as well.
    """
    from storefront.plugins.schedule import plugin_periodic_tasks

    schedule = {**sender.app.conf.beat_schedule, **plugin_periodic_tasks()}
    sender.app.conf.beat_schedule = schedule
    scheduler = getattr(sender, "scheduler", None)
    if scheduler is not None:
        scheduler.merge_inplace(schedule)
