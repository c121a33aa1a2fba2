"""django-storages' S3 backend with the media policy stored on each object.

Configured entirely from MEDIA_S3_* variables (storefront.settings.env,
media_storage_from_env). Each uploaded object gets the Cache-Control, the
content type and, for anything but a raster image, the download disposition
that the application's own /media/ view would send (policy.headers_for), so
the bucket or a CDN in front of it answers with the same headers.
"""

from storages.backends.s3 import S3Storage

from .policy import headers_for


class MediaS3Storage(S3Storage):
    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        # `name` includes the bucket prefix (location); the policy reads the name inside it.
        inside = name[len(self.location):].lstrip("/") if self.location else name
        headers = headers_for(inside)
        parameters.setdefault("CacheControl", headers.cache_control)
        parameters.setdefault("ContentType", headers.content_type)
        disposition = headers.content_disposition(inside)
        if disposition:
            parameters.setdefault("ContentDisposition", disposition)
        return parameters
