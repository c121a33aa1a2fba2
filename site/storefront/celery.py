"""The Celery application, wired into Django.

With no CELERY_BROKER_URL the settings turn on eager mode and tasks run in the
calling process; with a broker (Redis or RabbitMQ) a worker runs them:

    celery -A storefront worker -l info
    celery -A storefront beat -l info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings.dev")

app = Celery("storefront")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
