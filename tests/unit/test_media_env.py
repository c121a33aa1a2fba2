"""MEDIA_S3_* variables: a complete set gives django-storages' options, a wrong or partial one names the variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from storefront.media.policy import headers_for
from storefront.media.storage import MediaS3Storage
from storefront.settings import env

MINIO = {
    "MEDIA_S3_BUCKET": "shop-media",
    "MEDIA_S3_ENDPOINT_URL": "http://minio.internal:9000",
    "MEDIA_S3_ACCESS_KEY_ID": "storefront",
    "MEDIA_S3_SECRET_ACCESS_KEY": "a-secret-key",
}
AWS = {"MEDIA_S3_BUCKET": "shop-media", "MEDIA_S3_REGION": "eu-west-2"}


@pytest.fixture
def environ(monkeypatch):
    for name in env.MEDIA_S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def set_all(values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_all


def test_no_bucket_keeps_files_on_this_machine(environ):
    assert env.media_storage_from_env() == (None, None)


def test_an_s3_compatible_server(environ):
    environ(MINIO)
    storage, media_url = env.media_storage_from_env()
    assert storage["BACKEND"] == "storefront.media.storage.MediaS3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "shop-media"
    assert options["endpoint_url"] == "http://minio.internal:9000"
    assert (options["access_key"], options["secret_key"]) == ("storefront", "a-secret-key")
    assert options["addressing_style"] == "path"
    assert options["querystring_auth"] is True and options["querystring_expire"] == 3600
    assert options["file_overwrite"] is False
    assert media_url == "http://minio.internal:9000/shop-media/"
    # The storage's own URLs start with MEDIA_URL (so the CSP's img-src origin is right).
    url = MediaS3Storage(**options).url("images/products/a.jpg")
    assert url.startswith(media_url + "images/products/a.jpg?")
    assert "X-Amz-Signature=" in url


def test_aws_with_boto3_credentials_and_virtual_host_urls(environ):
    environ(AWS)
    storage, media_url = env.media_storage_from_env()
    options = storage["OPTIONS"]
    assert "access_key" not in options  # boto3 finds them: AWS_ACCESS_KEY_ID, an instance or task role
    assert options["region_name"] == "eu-west-2" and options["endpoint_url"] is None
    assert media_url == "https://shop-media.s3.eu-west-2.amazonaws.com/"
    url = MediaS3Storage(**options, access_key="AKIDEXAMPLE", secret_key="secret").url("cache/ab/cd/t.jpg")
    assert url.startswith(media_url + "cache/ab/cd/t.jpg?")


def test_a_public_url_with_a_prefix(environ):
    environ({**MINIO, "MEDIA_S3_PUBLIC_URL": "https://cdn.example.com/shop/", "MEDIA_S3_PREFIX": "/media/"})
    storage, media_url = env.media_storage_from_env()
    options = storage["OPTIONS"]
    assert options["querystring_auth"] is False
    assert (options["custom_domain"], options["url_protocol"]) == ("cdn.example.com/shop", "https:")
    assert options["location"] == "media"
    assert media_url == "https://cdn.example.com/shop/media/"
    assert MediaS3Storage(**options).url("images/a.jpg") == "https://cdn.example.com/shop/media/images/a.jpg"
    assert env.origin_of(media_url) == "https://cdn.example.com"


def test_querystring_auth_off_gives_plain_bucket_urls(environ):
    environ({**MINIO, "MEDIA_S3_QUERYSTRING_AUTH": "false"})
    storage, media_url = env.media_storage_from_env()
    assert MediaS3Storage(**storage["OPTIONS"]).url("a.jpg") == media_url + "a.jpg"


@pytest.mark.parametrize(("values", "message"), [
    ({"MEDIA_S3_ENDPOINT_URL": "http://minio:9000"}, "MEDIA_S3_ENDPOINT_URL is set but MEDIA_S3_BUCKET is not"),
    ({"MEDIA_S3_BUCKET": "shop-media"}, "MEDIA_S3_REGION is required with AWS S3"),
    ({"MEDIA_S3_BUCKET": "shop-media", "MEDIA_S3_ENDPOINT_URL": "http://minio:9000"},
     "MEDIA_S3_ENDPOINT_URL points at an S3-compatible server, which needs MEDIA_S3_ACCESS_KEY_ID"),
    ({**AWS, "MEDIA_S3_ACCESS_KEY_ID": "AKID"}, "MEDIA_S3_ACCESS_KEY_ID is set but MEDIA_S3_SECRET_ACCESS_KEY is not"),
    ({**AWS, "MEDIA_S3_SECRET_ACCESS_KEY": "s"}, "MEDIA_S3_SECRET_ACCESS_KEY is set but MEDIA_S3_ACCESS_KEY_ID is not"),
    ({**AWS, "MEDIA_S3_BUCKET": "Shop_Media"}, "MEDIA_S3_BUCKET='Shop_Media' is not a bucket name"),
    ({**AWS, "MEDIA_S3_REGION": "EU West 2"}, "MEDIA_S3_REGION='EU West 2' is not a region name"),
    ({**MINIO, "MEDIA_S3_ENDPOINT_URL": "minio:9000"}, "MEDIA_S3_ENDPOINT_URL='minio:9000' is not an http(s) URL"),
    ({**MINIO, "MEDIA_S3_PUBLIC_URL": "cdn.example.com"}, "MEDIA_S3_PUBLIC_URL='cdn.example.com' is not an http(s) URL"),
    ({**MINIO, "MEDIA_S3_PUBLIC_URL": "https://cdn.example.com", "MEDIA_S3_QUERYSTRING_AUTH": "true"},
     "MEDIA_S3_QUERYSTRING_AUTH=true cannot sign URLs on MEDIA_S3_PUBLIC_URL"),
    ({**MINIO, "MEDIA_S3_QUERYSTRING_AUTH": "sometimes"}, "MEDIA_S3_QUERYSTRING_AUTH='sometimes' is not a boolean"),
    ({**MINIO, "MEDIA_S3_QUERYSTRING_EXPIRE": "an hour"}, "MEDIA_S3_QUERYSTRING_EXPIRE='an hour' is not a whole number"),
    ({**MINIO, "MEDIA_S3_QUERYSTRING_EXPIRE": "10"}, "MEDIA_S3_QUERYSTRING_EXPIRE=10 is out of range"),
    ({**MINIO, "MEDIA_S3_ADDRESSING_STYLE": "dns"}, "MEDIA_S3_ADDRESSING_STYLE='dns' is not one of"),
    ({**MINIO, "MEDIA_S3_PREFIX": "media/../etc"}, "MEDIA_S3_PREFIX='media/../etc' is not a folder name"),
])
def test_a_wrong_or_partial_configuration_names_the_variable(environ, values, message):
    environ(values)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env.media_storage_from_env()
    assert message in str(excinfo.value)


@pytest.mark.parametrize(("name", "cache_control", "content_type", "inline"), [
    ("cache/0a/1b/0a1b2c.jpg", "public, max-age=31536000, immutable", "image/jpeg", True),
    ("images/products/demo/basil.jpg", "public, max-age=604800", "image/jpeg", True),
    ("growers/logos/demo/fen-edge.png", "public, max-age=604800", "image/png", True),
    ("images/products/2026/05/a.webp", "public, max-age=3600", "image/webp", True),
    ("original_images/hero.avif", "public, max-age=3600", "image/avif", True),
    ("energy_badges/evidence/2026/05/bill.pdf", "private, no-store", "application/pdf", False),
    ("uploads/page.html", "public, max-age=3600", "application/octet-stream", False),
    ("uploads/photo.jpg.gz", "public, max-age=3600", "application/octet-stream", False),
])
def test_the_media_policy(name, cache_control, content_type, inline):
    headers = headers_for(name)
    assert (headers.cache_control, headers.content_type, headers.inline) == (cache_control, content_type, inline)
    assert (headers.content_disposition(name) is None) == inline


def test_objects_carry_the_policy_headers():
    storage = MediaS3Storage(bucket_name="shop-media", location="media", region_name="eu-west-2")
    thumbnail = storage.get_object_parameters("media/cache/0a/1b/t.jpg")
    assert thumbnail["CacheControl"] == "public, max-age=31536000, immutable"
    assert thumbnail["ContentType"] == "image/jpeg"
    assert "ContentDisposition" not in thumbnail
    evidence = storage.get_object_parameters("media/energy_badges/evidence/2026/05/bill.pdf")
    assert evidence["CacheControl"] == "private, no-store"
    assert evidence["ContentDisposition"] == 'attachment; filename="bill.pdf"'
