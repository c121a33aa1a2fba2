"""Registers the media checks and the missing-image placeholder step (see storefront.media)."""

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class MediaConfig(AppConfig):
    name = "storefront.media"
    label = "storefront_media"
    verbose_name = "Uploaded media"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .placeholder import store_missing_image_after_migrate

        # Django sends post_migrate only for apps with models; this one has none, and the
        # placeholder is the catalogue's, so it follows the catalogue's migrations.
        post_migrate.connect(store_missing_image_after_migrate, sender=apps.get_app_config("catalogue"),
                             dispatch_uid="storefront_media_missing_image")
