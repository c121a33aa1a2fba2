"""Oscar's "missing image" picture, put where sorl-thumbnail can read it.

A product without images shows Oscar's placeholder: templates ask for a
thumbnail of the stored file OSCAR_MISSING_IMAGE_URL (image_not_found.jpg).
On the file system Oscar links it into MEDIA_ROOT itself; in an object store
nobody does, and every such product would render an empty <img> and log an
error. So after `migrate` (which every deployment runs) the placeholder is
copied into the bucket once, when it is not there yet.
"""

import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

logger = logging.getLogger(__name__)


def store_missing_image(storage=None):
    """Copy Oscar's placeholder into `storage` (the default storage) if it lacks it; return True if copied.

    A FileSystemStorage is left to Oscar, which links the file itself.
    """
    storage = storage if storage is not None else storages["default"]
    if isinstance(storage, FileSystemStorage):
        return False
    name = settings.OSCAR_MISSING_IMAGE_URL
    if storage.exists(name):
        return False
    source = finders.find(f"oscar/img/{name}")
    if source is None:
        logger.warning("Oscar's placeholder oscar/img/%s was not found among the static files", name)
        return False
    with open(source, "rb") as handle:
        stored = storage.save(name, ContentFile(handle.read()))
    logger.info("Stored Oscar's missing-image placeholder as %s", stored)
    return True


def store_missing_image_after_migrate(**kwargs):
    try:
        store_missing_image()
    except Exception as exc:  # the bucket being unreachable must not fail a migration; say so instead
        logger.warning("Could not store Oscar's missing-image placeholder in the media storage: %s", exc)
