"""One machine in production: gunicorn with the production settings serves uploads from MEDIA_ROOT.

Before storefront.media, nothing served /media/ once DEBUG was off and every
product image answered 404. gunicorn runs here in a child process on
127.0.0.1 with storefront.settings.production, the test database and a
MEDIA_ROOT of its own; requests go over real HTTP, raw paths included
(an HTTP client would tidy "../" away before sending).
"""

import http.client
import io
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import gunicorn
import pytest
from django.db import connection
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
# The child process reads the migrated test database (its Wagtail Site); the test writes nothing to it.
pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The test database as a DATABASE_URL, for the child process."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    if connection.vendor == "postgresql":
        password = f":{quote(config['PASSWORD'], safe='')}" if config.get("PASSWORD") else ""
        return (f"postgres://{quote(config['USER'] or '', safe='')}{password}@{config['HOST'] or '127.0.0.1'}:"
                f"{config['PORT'] or 5432}/{config['NAME']}")
    pytest.skip(f"no DATABASE_URL for a {connection.vendor} test database")


@pytest.fixture
def production_server(tmp_path):
    """gunicorn with the production settings; (host, port, MEDIA_ROOT)."""
    media_root = tmp_path / "media"
    media_root.mkdir()
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MEDIA_S3_")}
    environ.update(
        DJANGO_SETTINGS_MODULE="storefront.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(media_root),
        STOREFRONT_VAR_DIR=str(tmp_path / "var"),
        SECURE_SSL_REDIRECT="false",  # plain HTTP on 127.0.0.1
        CACHE_URL="locmem://",
        PYTHONPATH=os.pathsep.join(str(ROOT / folder) for folder in ("site", "plugins")),
    )
    command = [sys.executable, "-m", "gunicorn", "storefront.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    if gunicorn.version_info >= (27,):
        command.append("--no-control-socket")  # gunicorn 27 would open one in the home folder
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            log.close()
            pytest.fail(f"gunicorn exited with code {process.returncode}:\n{(tmp_path / 'gunicorn.log').read_text()}")
        try:
            status, _, _ = request(("127.0.0.1", port), "GET", "/ping")
            if status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            log.close()
            pytest.fail(f"gunicorn did not answer:\n{(tmp_path / 'gunicorn.log').read_text()}")
        time.sleep(0.2)
    yield ("127.0.0.1", port), media_root
    process.terminate()
    process.wait(timeout=20)
    log.close()


def request(address, method, path, headers=None):
    """Send `path` exactly as given (no normalising of ../ or %2e); (status, headers, body)."""
    conn = http.client.HTTPConnection(*address, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_uploads_are_served_by_gunicorn_with_the_production_settings(production_server):
    address, media_root = production_server
    folder = media_root / "images" / "products" / "2026" / "05"
    folder.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 140, 70)).save(buffer, "JPEG")
    content = buffer.getvalue()
    (folder / "chard.jpg").write_bytes(content)  # written after the server started: no restart needed
    (media_root.parent / "outside.txt").write_text("not for the public")
    url = "/media/images/products/2026/05/chard.jpg"

    status, headers, body = request(address, "GET", url)
    assert (status, body) == (200, content)
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, head_headers, body = request(address, "HEAD", url)
    assert (status, body) == (200, b"")
    assert head_headers["Content-Length"] == str(len(content))

    assert request(address, "GET", url, {"If-None-Match": headers["ETag"]})[0] == 304
    status, range_headers, body = request(address, "GET", url, {"Range": "bytes=0-99"})
    assert (status, body) == (206, content[:100])
    assert range_headers["Content-Range"] == f"bytes 0-99/{len(content)}"

    assert request(address, "GET", "/media/images/products/2026/05/none.jpg")[0] == 404
    assert request(address, "GET", "/media/images/")[0] == 404
    for path in ("/media/../outside.txt", "/media/%2e%2e/outside.txt", "/media/images/..%2f..%2f..%2foutside.txt",
                 "/media/..%5coutside.txt", "/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/media/../../../etc/passwd"):
        status, _, body = request(address, "GET", path)
        assert status in (400, 404), (path, status)
        assert b"not for the public" not in body and b"root:" not in body
