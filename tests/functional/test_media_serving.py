"""Uploaded media served by the application (storefront.media.views), as on one machine in production.

The test settings serve MEDIA_ROOT at /media/ exactly as the production
settings do with no object store (DEBUG off); each test has its own
MEDIA_ROOT (tests/conftest.py). tests/integration/test_media_production.py
does the same through gunicorn with the production settings themselves.
"""

import io
import os
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from oscar.core.loading import get_model
from PIL import Image
from sorl.thumbnail import get_thumbnail

from tests.factories import create_grower, create_listed_product, create_user

ProductImage = get_model("catalogue", "ProductImage")

# Every request looks up the Wagtail Site for its host (the plugin and theme middleware).
pytestmark = pytest.mark.django_db


def jpeg_bytes(size=(64, 48), colour=(40, 160, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo():
    """A JPEG uploaded through default_storage, as Oscar's dashboard stores a product image."""
    content = jpeg_bytes()
    name = default_storage.save("images/products/2026/05/tomatoes.jpg", ContentFile(content))
    return name, content


def test_an_uploaded_image_is_served_with_its_type_and_cache_headers(client, photo, django_assert_num_queries):
    name, content = photo
    client.cookies["sessionid"] = "a-session"  # a signed-in buyer's browser sends its cookies along
    with django_assert_num_queries(0):
        response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(content))
    assert response["Cache-Control"] == "public, max-age=3600"
    assert re.fullmatch(r'"[0-9a-f]+-[0-9a-f]+"', response["ETag"])
    assert response["Last-Modified"].endswith("GMT")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "Content-Disposition" not in response  # shown, not downloaded
    # Answered ahead of sessions and the basket (storefront.media.middleware): a shared cache may keep it.
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_the_product_page_images_and_thumbnails_resolve(client):
    grower = create_grower("Fen Edge Growers")
    product = create_listed_product(grower, "Heritage Tomatoes")
    image = ProductImage(product=product, caption="Heritage Tomatoes", display_order=0)
    image.original.save("heritage.jpg", ContentFile(jpeg_bytes((400, 300))), save=True)

    page = client.get(product.get_absolute_url())

    assert page.status_code == 200
    sources = set(re.findall(r'<img[^>]+src="(/media/[^"]+)"', page.content.decode()))
    thumbnails = {src for src in sources if src.startswith("/media/cache/")}
    assert thumbnails, f"no sorl thumbnail on the page: {sources}"
    for src in sources:
        response = client.get(src)
        assert response.status_code == 200, src
        assert response["Content-Type"] == "image/jpeg", src
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as shown:
            shown.verify()
    thumbnail = client.get(sorted(thumbnails)[0])
    assert thumbnail["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_thumbnail_made_by_sorl_is_served(client, photo):
    thumbnail = get_thumbnail(photo[0], "32x32", crop="center")
    assert thumbnail.url.startswith("/media/cache/")
    response = client.get(thumbnail.url)
    assert response.status_code == 200
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as shown:
        assert shown.size == (32, 32)


def test_a_demo_image_is_cached_for_a_week(client):
    name = default_storage.save("images/products/demo/basil.jpg", ContentFile(jpeg_bytes()))
    assert client.get(f"/media/{name}")["Cache-Control"] == "public, max-age=604800"


@pytest.mark.parametrize("path", [
    "/media/images/products/2026/05/nothing-here.jpg",
    "/media/images/",  # a folder: no listing
    "/media/images/products",
    "/media/",
    "/media/image_not_found.jpg/",
])
def test_missing_files_and_folders_are_404(client, photo, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")  # not the site's 404 page: an <img> never shows it


@pytest.fixture
def secret_outside(settings, tmp_path):
    """A file beside MEDIA_ROOT, and a link to it inside."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the public")
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
    os.symlink(secret, os.path.join(settings.MEDIA_ROOT, "link-out.jpg"))
    return secret


@pytest.mark.parametrize("path", [
    "/media/../secret.txt",
    "/media/%2e%2e/secret.txt",
    "/media/images/%2e%2e/%2e%2e/secret.txt",
    "/media/..%2fsecret.txt",
    "/media/%2e%2e%2fsecret.txt",
    "/media/..%5csecret.txt",
    "/media/%2fetc%2fpasswd",
    "/media//etc/passwd",
    "/media/images/./../../secret.txt",
    "/media/secret.txt%00.jpg",
    "/media/link-out.jpg",  # a link inside MEDIA_ROOT that points out of it
    "/media/.hidden",
    "/media/%252e%252e/secret.txt",  # encoded twice
])
def test_path_traversal_is_refused(client, photo, secret_outside, path):
    response = client.get(path)
    assert response.status_code in (400, 404), path
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"not for the public" not in body


def test_head_sends_the_headers_without_the_body(client, photo):
    name, content = photo
    response = client.head(f"/media/{name}")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(len(content))
    assert response["Content-Type"] == "image/jpeg"


def test_other_methods_are_refused(client, photo):
    assert client.post(f"/media/{photo[0]}").status_code == 405


def test_conditional_get(client, photo):
    url = f"/media/{photo[0]}"
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert client.get(url, HTTP_IF_MATCH='"something-else"').status_code == 412
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified["ETag"] == first["ETag"]
    assert not_modified["Cache-Control"] == first["Cache-Control"]


def test_a_changed_file_gets_a_new_etag(client, photo):
    name, _ = photo
    before = client.get(f"/media/{name}")["ETag"]
    path = default_storage.path(name)
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    response = client.get(f"/media/{name}", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before


@pytest.mark.parametrize(("header", "status", "sent"), [
    ("bytes=0-9", 206, slice(0, 10)),
    ("bytes=10-", 206, slice(10, None)),
    ("bytes=-5", 206, slice(-5, None)),
    ("bytes=5-100000000", 206, slice(5, None)),
    ("bytes=0-0,5-9", 200, slice(None)),  # several ranges: the whole file
    ("bytes=9-3", 200, slice(None)),  # not a valid range: ignored
    ("pages=1", 200, slice(None)),
])
def test_byte_ranges(client, photo, header, status, sent):
    name, content = photo
    response = client.get(f"/media/{name}", HTTP_RANGE=header)
    assert response.status_code == status
    body = b"".join(response.streaming_content)
    assert body == content[sent]
    assert response["Content-Length"] == str(len(body))
    if status == 206:
        start = content.index(body) if sent.start is None or sent.start >= 0 else len(content) + sent.start
        assert response["Content-Range"] == f"bytes {start}-{start + len(body) - 1}/{len(content)}"


def test_a_range_past_the_end_is_416(client, photo):
    name, content = photo
    response = client.get(f"/media/{name}", HTTP_RANGE=f"bytes={len(content)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(content)}"


def test_a_range_for_an_older_copy_gets_the_whole_file(client, photo):
    name, content = photo
    response = client.get(f"/media/{name}", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"an-older-etag"')
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    current = client.get(f"/media/{name}")["ETag"]
    assert client.get(f"/media/{name}", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=current).status_code == 206


@pytest.mark.parametrize(("name", "content_type"), [
    ("uploads/page.html", "application/octet-stream"),
    ("uploads/drawing.svg", "application/octet-stream"),
    ("uploads/script.js", "application/octet-stream"),
    ("uploads/bill.pdf", "application/pdf"),
    ("uploads/harvest.csv", "text/csv"),
    ("uploads/no-extension", "application/octet-stream"),
])
def test_anything_but_an_image_is_a_download(client, name, content_type):
    stored = default_storage.save(name, ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{stored}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment")


def test_wagtail_documents_are_not_served_under_media(client):
    """Wagtail serves documents at /documents/, applying their collection's privacy; /media/ must not bypass it."""
    from wagtail.documents.models import Document

    document = Document(title="Price list")
    document.file.save("prices.pdf", ContentFile(b"%PDF-1.4 prices"), save=True)
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/media/{document.file.name.upper()}").status_code == 404
    assert client.get(document.url).status_code == 200


def test_energy_evidence_is_for_staff_only(client):
    name = default_storage.save("energy_badges/evidence/2026/05/bill.pdf", ContentFile(b"%PDF-1.4 bill"))
    assert client.get(f"/media/{name}").status_code == 404
    client.force_login(create_user("grower@example.com"))
    assert client.get(f"/media/{name}").status_code == 404
    client.force_login(create_user("staff@example.com", staff=True))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


def test_a_link_into_a_staff_only_folder_is_not_a_way_round(client, settings):
    evidence = default_storage.save("energy_badges/evidence/2026/05/bill.pdf", ContentFile(b"%PDF-1.4 bill"))
    os.symlink(default_storage.path(evidence), os.path.join(settings.MEDIA_ROOT, "innocent.pdf"))
    assert client.get("/media/innocent.pdf").status_code == 404
    assert client.get("/media/ENERGY_BADGES/evidence/2026/05/bill.pdf").status_code == 404


def test_in_development_every_file_is_revalidated(client, photo, settings):
    settings.DEBUG = True
    response = client.get(f"/media/{photo[0]}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
