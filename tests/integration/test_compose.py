"""docker-compose.yml cannot run here (no Docker engine); check that it
describes the stack the settings expect, so the two cannot drift apart."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = ROOT / "site" / "storefront" / "settings"


def load_compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def variables_read_by_settings():
    source = "\n".join(path.read_text() for path in SETTINGS_DIR.glob("*.py"))
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    names |= set(re.findall(r'os\.environ(?:\.get)?\(\s*"([A-Z_]+)"', source))
    names |= set(re.findall(r'(?:cache_from_env|database_from_env)\([^)]*name="([A-Z_]+)"', source))
    # read inside env.py helpers by fixed names
    names |= {"DATABASE_URL", "CACHE_URL", "EMAIL_URL"}
    return names


def test_the_stack_has_every_service_with_a_health_check():
    services = load_compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis", "elasticsearch"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    assert "gunicorn storefront.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A storefront worker")
    assert services["beat"]["command"].startswith("celery -A storefront beat")


def test_stateful_services_keep_their_data_in_volumes():
    compose = load_compose()
    for name in ("postgres", "redis", "elasticsearch"):
        assert compose["services"][name].get("volumes"), f"{name} has no volume"
    assert set(compose["volumes"]) >= {"postgres", "redis", "elasticsearch", "media"}


def test_every_variable_given_to_the_app_is_read_by_the_settings():
    services = load_compose()["services"]
    read = variables_read_by_settings() | {"DJANGO_SETTINGS_MODULE"}
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        unknown = sorted(set(environment) - read)
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"
        assert environment["DJANGO_SETTINGS_MODULE"] == "storefront.settings.production"


def test_the_app_points_at_the_compose_services():
    env = load_compose()["services"]["web"]["environment"]
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["CACHE_URL"].startswith("redis://redis:6379")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
    assert env["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
