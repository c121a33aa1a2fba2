"""Uploaded media in an S3-compatible object store, against a real S3 server on 127.0.0.1.

The server is moto's standalone one (moto[server], a dev dependency), run in
a child process for the whole session and stopped at the end, as the
localstripe fixtures do; tests skip with the reason when it cannot start.
MOTO_SERVER_PORT picks its port (by default a free one). Each test gets a
bucket of its own, and the default storage (storefront.media.storage, with
the options media_storage_from_env builds from MEDIA_S3_* variables) points
at it; the last test runs the production settings themselves with those
variables set.

What this does not cover: AWS S3 itself (its IAM policies, bucket policies
and region redirects) and a CDN in front; moto accepts any key and signature.
"""

import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.functional import empty
from oscar.core.loading import get_model
from PIL import Image

from storefront.settings import env
from tests.factories import create_grower, create_listed_product

boto3 = pytest.importorskip("boto3", reason="boto3 comes with django-storages[s3], a runtime dependency")

ROOT = Path(__file__).resolve().parents[2]
CONTENT_DIR = django_settings.BASE_DIR / "content"
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
Partner = get_model("partner", "Partner")
KEYS = {"MEDIA_S3_ACCESS_KEY_ID": "storefront-test", "MEDIA_S3_SECRET_ACCESS_KEY": "storefront-test-secret"}

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """moto's S3-compatible server in a child process on 127.0.0.1; its base URL."""
    port = int(os.environ.get("MOTO_SERVER_PORT") or free_port())
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    try:
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT)
    except OSError as exc:
        log.close()
        pytest.skip(f"moto's server could not be started: {exc}")
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            log.close()
            pytest.skip(f"moto's server exited with code {process.returncode} before answering on port {port}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                log.close()
                pytest.skip(f"moto's server did not answer on port {port} within 20 s")
            time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def reset_storages():
    """Forget every storage instance, Django's and sorl-thumbnail's.

    Django's own setting_changed receiver empties its storages handler and
    default_storage when STORAGES changes; sorl-thumbnail keeps its thumbnail
    storage in a lazy object and a cache of its own, which it never resets.
    """
    from django.core.files.storage import storages
    from sorl.thumbnail import default as sorl_default
    from sorl.thumbnail import images as sorl_images

    storages.__dict__.pop("backends", None)
    storages._backends = None
    storages._storages = {}
    default_storage._wrapped = empty
    sorl_default.storage._wrapped = empty
    sorl_images.get_or_create_storage.cache_clear()


def s3_options(endpoint, bucket, **variables):
    """django-storages' options, built by the settings' own reader from MEDIA_S3_* values."""
    values = {"MEDIA_S3_BUCKET": bucket, "MEDIA_S3_ENDPOINT_URL": endpoint, **KEYS, **variables}
    saved = {name: os.environ.get(name) for name in env.MEDIA_S3_VARIABLES}
    try:
        for name in env.MEDIA_S3_VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(values)
        return env.media_storage_from_env()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def bucket(moto_server):
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1",
                          aws_access_key_id=KEYS["MEDIA_S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=KEYS["MEDIA_S3_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def s3_media(settings, moto_server, bucket):
    """The default storage (so every FileField, the demo loader and sorl) points at this test's bucket."""
    client, name = bucket
    storage, media_url = s3_options(moto_server, name)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = media_url
    reset_storages()
    yield client, name
    reset_storages()


def fetch(url):
    """GET `url` over HTTP as a browser would; (status, headers, body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def jpeg_bytes(size=(120, 90)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def assert_image(url):
    status, headers, body = fetch(url)
    assert status == 200, url
    assert headers["Content-Type"].startswith("image/"), (url, headers["Content-Type"])
    with Image.open(io.BytesIO(body)) as image:
        image.verify()
    return headers


def test_an_upload_is_read_back_through_its_url(s3_media):
    client, bucket_name = s3_media
    content = jpeg_bytes()
    name = default_storage.save("images/products/2026/05/tomatoes.jpg", ContentFile(content))

    url = default_storage.url(name)
    assert url.startswith(f"{django_settings.MEDIA_URL}{name}?") and "X-Amz-Signature=" in url
    status, headers, body = fetch(url)
    assert (status, body) == (200, content)
    assert fetch(url.split("?")[0])[0] == 403  # the bucket is private: unsigned, the same URL is refused
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "public, max-age=3600"
    stored = client.head_object(Bucket=bucket_name, Key=name)
    assert (stored["ContentType"], stored["CacheControl"]) == ("image/jpeg", "public, max-age=3600")
    # A second upload with the same name gets a name of its own instead of replacing the first.
    second = default_storage.save("images/products/2026/05/tomatoes.jpg", ContentFile(jpeg_bytes((10, 10))))
    assert second != name
    assert fetch(default_storage.url(name))[2] == content
    assert fetch(default_storage.url("images/products/2026/05/nothing.jpg"))[0] == 404


def test_sorl_makes_and_serves_a_thumbnail_in_the_bucket(s3_media):
    from sorl.thumbnail import get_thumbnail

    client, bucket_name = s3_media
    name = default_storage.save("images/products/2026/05/basil.jpg", ContentFile(jpeg_bytes((400, 300))))

    thumbnail = get_thumbnail(name, "60x60", crop="center")

    assert thumbnail.name.startswith("cache/")
    headers = assert_image(thumbnail.url)
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(fetch(thumbnail.url)[2])) as image:
        assert image.size == (60, 60)
    assert client.head_object(Bucket=bucket_name, Key=thumbnail.name)["ContentLength"] > 0
    # The second time it comes from sorl's key-value store: same file, nothing written again.
    keys_before = {item["Key"] for item in client.list_objects_v2(Bucket=bucket_name)["Contents"]}
    assert get_thumbnail(name, "60x60", crop="center").name == thumbnail.name
    assert {item["Key"] for item in client.list_objects_v2(Bucket=bucket_name)["Contents"]} == keys_before


def test_the_demo_catalogue_loads_its_images_into_the_bucket(s3_media, client):
    from storefront.demo.loaders.catalogue import IMAGE_STORAGE_FOLDER, LOGO_STORAGE_FOLDER, load_catalogue

    s3, bucket_name = s3_media
    load_catalogue(CONTENT_DIR, lambda message: None)

    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket_name, MaxKeys=1000)["Contents"]}
    images = list(ProductImage.objects.select_related("product"))
    assert images and all(image.original.name.startswith(IMAGE_STORAGE_FOLDER) for image in images)
    assert {image.original.name for image in images} <= keys
    for image in images:
        assert_image(image.original.url)
    logos = [partner.logo for partner in Partner.objects.exclude(logo="")]
    assert logos and all(logo.name.startswith(LOGO_STORAGE_FOLDER) for logo in logos)
    for logo in logos:
        assert_image(logo.url)
    assert s3.head_object(Bucket=bucket_name, Key=images[0].original.name)["CacheControl"] == "public, max-age=604800"

    # A second run finds every file in the bucket and writes none again.
    stamps = {item["Key"]: item["LastModified"] for item in s3.list_objects_v2(Bucket=bucket_name)["Contents"]}
    counts = load_catalogue(CONTENT_DIR, lambda message: None)
    assert counts["image files created"] == 0 and counts["image files updated"] == 0
    assert {item["Key"]: item["LastModified"] for item in s3.list_objects_v2(Bucket=bucket_name)["Contents"]} == stamps

    # The product page's images (sorl thumbnails of the stored copies) resolve from the bucket.
    product = images[0].product
    page = client.get(product.get_absolute_url())
    assert page.status_code == 200
    sources = set(re.findall(r'<img[^>]+src="([^"]+)"', page.content.decode()))
    from_bucket = {src.replace("&amp;", "&") for src in sources if src.startswith(django_settings.MEDIA_URL)}
    assert any("/cache/" in src for src in from_bucket), sources
    for src in from_bucket:
        assert_image(src)


def test_a_product_without_images_shows_the_placeholder_from_the_bucket(s3_media, client):
    from django.core.management.sql import emit_post_migrate_signal

    from storefront.media.placeholder import store_missing_image

    s3, bucket_name = s3_media
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what `migrate` sends at its end
    assert s3.head_object(Bucket=bucket_name, Key="image_not_found.jpg")["ContentType"] == "image/jpeg"
    assert store_missing_image() is False  # already there
    product = create_listed_product(create_grower("Fen Edge Growers"), "Pea Shoots")

    page = client.get(product.get_absolute_url())

    sources = {src.replace("&amp;", "&") for src in re.findall(r'<img[^>]+src="([^"]+)"', page.content.decode())}
    thumbnails = [src for src in sources if src.startswith(django_settings.MEDIA_URL + "cache/")]
    assert thumbnails, sources
    for src in thumbnails:
        assert_image(src)


def test_a_public_url_serves_plain_urls(settings, moto_server, bucket):
    client, bucket_name = bucket
    # What docs/operations.md asks of a public bucket: a policy that lets anyone read its objects.
    client.put_bucket_policy(Bucket=bucket_name, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{bucket_name}/media/*"}],
    }))
    # The bucket's own address stands in for a CDN or a public bucket's domain.
    storage, media_url = s3_options(moto_server, bucket_name, MEDIA_S3_PUBLIC_URL=f"{moto_server}/{bucket_name}",
                                    MEDIA_S3_PREFIX="media")
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = media_url
    reset_storages()
    try:
        name = default_storage.save("growers/logos/fen.png", ContentFile(b"\x89PNG\r\n\x1a\n not really"))
        url = default_storage.url(name)
        assert url == f"{moto_server}/{bucket_name}/media/growers/logos/fen.png"
        status, headers, _ = fetch(url)
        assert status == 200 and headers["Content-Type"] == "image/png"
        assert client.head_object(Bucket=bucket_name, Key=f"media/{name}")["ContentLength"] > 0
    finally:
        reset_storages()


def manage_production(*args, **variables):
    environ = {k: v for k, v in os.environ.items()
               if k not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", *env.MEDIA_S3_VARIABLES}}
    environ.update(DJANGO_SETTINGS_MODULE="storefront.settings.production",
                   SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="shop.example.com",
                   DATABASE_URL="postgres://shop@127.0.0.1:5432/shop", **variables)
    environ["PYTHONPATH"] = os.pathsep.join(str(ROOT / folder) for folder in ("site", "plugins"))
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_the_production_settings_store_media_in_the_bucket(moto_server, bucket):
    """The MEDIA_S3_* variables alone, under the production settings: check --deploy, upload, URL, CSP."""
    client, bucket_name = bucket
    variables = {"MEDIA_S3_BUCKET": bucket_name, "MEDIA_S3_ENDPOINT_URL": moto_server, **KEYS}
    code = (
        "from django.conf import settings; from django.core.files.base import ContentFile; "
        "from django.core.files.storage import default_storage as s; "
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING'); "
        "name = s.save('images/products/2026/05/kale.jpg', ContentFile(open(%r, 'rb').read())); "
        "print(s.url(name), ' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    source = Path(django_settings.BASE_DIR) / "content" / "catalogue" / "images"
    image = sorted(source.glob("*.jpg"))[0]

    result = manage_production("shell", "-c", code % str(image), **variables)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout  # check --deploy passes with the bucket
    url, *img_src = result.stdout.strip().splitlines()[-1].split()  # after the shell's own lines
    assert url.startswith(f"{moto_server}/{bucket_name}/images/products/2026/05/kale")
    assert moto_server in img_src  # the Content Security Policy lets pages show images from the bucket
    status, headers, body = fetch(url)
    assert status == 200 and body == image.read_bytes() and headers["Content-Type"] == "image/jpeg"
