"""WSGI entry point of the stock Oscar comparison project (gunicorn stock_oscar.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stock_oscar.settings")
application = get_wsgi_application()
