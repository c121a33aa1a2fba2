"""Uploaded media (product images, grower logos, CMS images, thumbnails) in production.

Two ways, chosen by settings (storefront.settings.base, variables MEDIA_* in
docs/operations.md):

- One machine (the default): files under MEDIA_ROOT, served at MEDIA_URL by
  the application itself (views.serve_media), in development and production
  alike, so `bin/demo` and gunicorn with the production settings show the
  same images.
- At scale: objects in an S3-compatible store through django-storages
  (storage.MediaS3Storage, configured from MEDIA_S3_* variables), with the
  same cache and download headers as the view sends (policy.py).
"""
