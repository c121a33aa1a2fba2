"""Production settings with MEDIA_S3_*: a partial or contradictory configuration stops the process at start,
naming the variable (tests/unit/test_media_env.py covers each message; these run the real settings)."""

import pytest

from tests.integration.test_production_settings import GOOD, manage


@pytest.mark.parametrize(("variables", "message"), [
    ({"MEDIA_S3_BUCKET": "shop-media"},
     "MEDIA_S3_REGION is required with AWS S3 (MEDIA_S3_BUCKET without MEDIA_S3_ENDPOINT_URL)"),
    ({"MEDIA_S3_BUCKET": "shop-media", "MEDIA_S3_ENDPOINT_URL": "http://minio.internal:9000"},
     "MEDIA_S3_ENDPOINT_URL points at an S3-compatible server, which needs MEDIA_S3_ACCESS_KEY_ID and "
     "MEDIA_S3_SECRET_ACCESS_KEY"),
    ({"MEDIA_S3_BUCKET": "shop-media", "MEDIA_S3_REGION": "eu-west-2", "MEDIA_S3_ACCESS_KEY_ID": "AKIDEXAMPLE"},
     "MEDIA_S3_ACCESS_KEY_ID is set but MEDIA_S3_SECRET_ACCESS_KEY is not"),
    ({"MEDIA_S3_ENDPOINT_URL": "http://minio.internal:9000"},
     "MEDIA_S3_ENDPOINT_URL is set but MEDIA_S3_BUCKET is not"),
    ({"MEDIA_S3_BUCKET": "shop-media", "MEDIA_S3_REGION": "eu-west-2", "SERVE_MEDIA": "true"},
     "SERVE_MEDIA=true serves files from MEDIA_ROOT, but MEDIA_S3_BUCKET keeps uploads in the object store"),
])
def test_a_partial_s3_configuration_is_a_clear_error(variables, message):
    result = manage("check", **GOOD, **variables)
    assert result.returncode != 0
    assert message in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_signed_urls_that_expire_before_cached_pages_fail_check_deploy():
    variables = {
        "MEDIA_S3_BUCKET": "shop-media", "MEDIA_S3_REGION": "eu-west-2",
        "MEDIA_S3_QUERYSTRING_EXPIRE": "600", "CACHE_URL": "redis://127.0.0.1:6379/1",
        "STOREFRONT_PAGE_CACHE_SECONDS": "900",
    }
    result = manage("check", "--deploy", **GOOD, **variables)
    assert result.returncode != 0
    assert "storefront_media.E001" in result.stderr
    assert "MEDIA_S3_QUERYSTRING_EXPIRE=600 s is not longer than STOREFRONT_PAGE_CACHE_SECONDS=900 s" in result.stderr


def test_aws_with_credentials_from_boto3_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **GOOD,
                    MEDIA_S3_BUCKET="shop-media", MEDIA_S3_REGION="eu-west-2")
    assert result.returncode == 0, result.stderr
