"""The storefront Django project: settings, URLs, CMS, commerce core and operations."""

from .celery import app as celery_app

__all__ = ["celery_app"]
