# The storefront image used by docker-compose.yml (web, worker and beat).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir ".[production]" \
 && DJANGO_SETTINGS_MODULE=storefront.settings.production SECRET_KEY=build-only-$(python -c 'import secrets;print(secrets.token_urlsafe(64))') \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --no-input -v0
EXPOSE 8000
CMD ["gunicorn", "storefront.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4"]
