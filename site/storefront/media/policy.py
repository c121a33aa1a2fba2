"""What a media file is sent with: content type, inline or download, and how long it may be cached.

One policy for both ways media are served: the application's own view
(views.serve_media) sends these as response headers, and the S3 storage
(storage.MediaS3Storage) stores them on each object, so the bucket (or a CDN
in front of it) answers with the same headers.
"""

import mimetypes
import posixpath
from dataclasses import dataclass

from django.conf import settings

# Shown in the page: raster images only. Anything else (PDF, SVG, HTML, CSV, ...)
# is sent as a download, so an uploaded file can never run script on this site.
INLINE_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/bmp", "image/x-icon",
    "image/vnd.microsoft.icon", "image/heic", "image/heif", "image/tiff",
}
# Types the platform's mimetypes table may lack.
EXTRA_TYPES = {".webp": "image/webp", ".avif": "image/avif", ".heic": "image/heic", ".heif": "image/heif"}
# A download of these is sent as bytes, not as a type a browser might render when saved and opened.
ACTIVE_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
                "text/javascript", "application/javascript"}

ONE_YEAR = 365 * 24 * 3600
ONE_WEEK = 7 * 24 * 3600
ONE_HOUR = 3600
# The demo loader's folders (storefront.demo.loaders.catalogue): the files keep
# their names and change only when content/ does, so a week, not for ever.
DEMO_FOLDERS = ("images/products/demo/", "growers/logos/demo/")


@dataclass(frozen=True)
class MediaHeaders:
    content_type: str
    inline: bool
    cache_control: str

    def content_disposition(self, name):
        """The Content-Disposition value for a download; None when the file is shown inline."""
        if self.inline:
            return None
        from django.utils.http import content_disposition_header

        return content_disposition_header(True, posixpath.basename(name))


def content_type_of(name):
    extension = posixpath.splitext(name)[1].lower()
    guessed, encoding = mimetypes.guess_type(name, strict=False)
    if encoding:  # photo.jpg.gz: a compressed file, not an image
        return "application/octet-stream"
    return EXTRA_TYPES.get(extension) or guessed or "application/octet-stream"


def cache_control_for(name):
    """Cache-Control for the stored file `name` (relative to MEDIA_ROOT or the bucket's prefix).

    Thumbnails (under THUMBNAIL_PREFIX) live for a year and are immutable:
    sorl-thumbnail names each one from its source's name and the options, and
    an upload never takes a stored file's name (the storage adds a suffix).
    The one way a thumbnail name gets new bytes is a source deleted and
    another uploaded under the same name in the same month; browsers that
    saw the old thumbnail keep it. Demo files are cached for a week (the
    loader rewrites them in place when content/ changes); any other upload
    for an hour. Every response carries an ETag and Last-Modified too, so
    after that a browser revalidates for a 304 instead of fetching again.
    """
    if name.startswith(staff_only_prefixes()):
        return "private, no-store"
    thumbnails = getattr(settings, "THUMBNAIL_PREFIX", "cache/")
    if thumbnails and name.startswith(thumbnails):
        return f"public, max-age={ONE_YEAR}, immutable"
    if name.startswith(DEMO_FOLDERS):
        return f"public, max-age={ONE_WEEK}"
    return f"public, max-age={ONE_HOUR}"


def headers_for(name):
    content_type = content_type_of(name)
    inline = content_type in INLINE_TYPES
    if not inline and content_type in ACTIVE_TYPES:
        content_type = "application/octet-stream"
    return MediaHeaders(content_type=content_type, inline=inline, cache_control=cache_control_for(name))


def staff_only_prefixes():
    return tuple(getattr(settings, "STOREFRONT_MEDIA_STAFF_ONLY", ()))


def not_served_prefixes():
    return tuple(getattr(settings, "STOREFRONT_MEDIA_NOT_SERVED", ()))
