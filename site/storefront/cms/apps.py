from django.apps import AppConfig


class CmsConfig(AppConfig):
    """The Wagtail CMS: page types, StreamField blocks and site settings for marketers."""

    name = "storefront.cms"
    label = "cms"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        # Connects the signal handlers that drop cached navigation when it changes.
        from . import navigation  # noqa: F401
