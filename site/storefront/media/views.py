"""GET/HEAD MEDIA_URL<path>: a file under MEDIA_ROOT, sent by the application itself.

For one machine with no object store, in development and production alike.
whitenoise serves only the files it found at start, and uploads arrive all
the time, so this is a small view instead: it looks each request's file up
on disk (a realpath and an fstat), with no database query or cache lookup.
MediaMiddleware calls it ahead of the rest of the middleware for public
files; its URL (storefront.urls) serves the staff-only folders, which need
the signed-in user.

What it guarantees:
- only regular files whose real path is inside MEDIA_ROOT: no directory
  listing, no "..", no hidden files, no symlink out of the folder; anything
  else is a plain-text 404 (no page rendered), never a 500;
- folders in STOREFRONT_MEDIA_NOT_SERVED are never served here, and those in
  STOREFRONT_MEDIA_STAFF_ONLY only to signed-in staff;
- the content type from the file name; raster images are shown inline and
  every other type is a download (policy.py), under a sandboxing CSP;
- ETag and Last-Modified with conditional GET (304, 412), HEAD, and single
  byte ranges (206, 416), which is what browsers and video players ask for;
- Cache-Control from policy.cache_control_for (thumbnails a year, immutable).
"""

import os
import re
import stat

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseNotFound, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

from .policy import headers_for, not_served_prefixes, staff_only_prefixes

# A media response never runs anything, even when opened on its own.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def resolve(path):
    """The real path of the servable file `path` (relative, '/'-separated) under MEDIA_ROOT, or None."""
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in {"", ".", ".."} or part.startswith(".") for part in parts):
        return None
    root = os.path.realpath(settings.MEDIA_ROOT)
    real = os.path.realpath(os.path.join(root, *parts))
    if os.path.commonpath([root, real]) != root or real == root:
        return None
    return real


def _under(path, prefixes):
    # casefold: on a case-insensitive file system DOCUMENTS/x.pdf is documents/x.pdf
    folded = path.casefold()
    return any(folded.startswith(prefix.casefold()) for prefix in prefixes)


def not_found():
    """A plain 404: an <img> never shows the site's 404 page, so none is rendered (bots ask for many)."""
    response = HttpResponseNotFound(b"Not found\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the thumbnail may exist a moment later
    response["Content-Security-Policy"] = MEDIA_CSP
    return response


@require_safe
def serve_media(request, path):
    real = resolve(path)
    if real is None:
        return not_found()
    # The folder checks read the path as resolved (links followed), not as asked for.
    path = os.path.relpath(real, os.path.realpath(settings.MEDIA_ROOT)).replace(os.sep, "/")
    if _under(path, not_served_prefixes()):
        return not_found()
    if _under(path, staff_only_prefixes()):
        user = getattr(request, "user", None)  # none when MediaMiddleware answers, ahead of authentication
        if user is None or not (user.is_authenticated and user.is_staff):
            return not_found()
    try:
        handle = open(real, "rb")
    except OSError:  # missing, a folder, unreadable: all the same to the visitor
        return not_found()
    try:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            handle.close()
            return not_found()
        response = _respond(request, path, handle, info)
    except BaseException:
        handle.close()
        raise
    if not isinstance(response, (FileResponse, StreamingHttpResponse)):
        handle.close()  # 304, 412, 416 and HEAD send no body
    return response


def _respond(request, path, handle, info):
    size = info.st_size
    etag = f'"{info.st_mtime_ns:x}-{size:x}"'
    last_modified = int(info.st_mtime)
    headers = headers_for(path)
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:
        return _with_headers(conditional, headers, path, etag, last_modified)
    byte_range = _requested_range(request, size, etag, last_modified)
    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _with_headers(response, headers, path, etag, last_modified)
    if request.method == "HEAD":
        response = HttpResponse(content_type=headers.content_type)
        response["Content-Length"] = str(size)
    elif byte_range is None:
        response = FileResponse(handle, content_type=headers.content_type)
    else:
        start, end = byte_range
        response = StreamingHttpResponse(_read_range(handle, start, end), status=206,
                                         content_type=headers.content_type)
        response._resource_closers.append(handle.close)  # closed with the response, as FileResponse does
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return _with_headers(response, headers, path, etag, last_modified)


def _with_headers(response, headers, path, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    private = headers.cache_control.startswith("private")
    # In development every file is revalidated (a cheap 304), so a changed demo image shows at once.
    response["Cache-Control"] = "no-cache" if settings.DEBUG and not private else headers.cache_control
    response["Accept-Ranges"] = "bytes"
    response["Content-Security-Policy"] = MEDIA_CSP
    disposition = headers.content_disposition(path)
    if disposition:
        response["Content-Disposition"] = disposition
    elif "Content-Disposition" in response:
        del response["Content-Disposition"]  # FileResponse's inline; filename=...: not needed for an image
    if private:
        response["Vary"] = "Cookie"
    return response


def _requested_range(request, size, etag, last_modified):
    """(start, end) of a single byte range to send, None for the whole file, or "unsatisfiable".

    Several ranges in one request are answered with the whole file, which
    the HTTP standard allows; so is a Range the server cannot parse.
    """
    header = request.headers.get("Range")
    if not header or request.method != "GET":
        return None
    if_range = request.headers.get("If-Range")
    if if_range and if_range != etag and parse_http_date_safe(if_range) != last_modified:
        return None  # the file changed since the client's copy: send all of it
    match = RANGE_RE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return (max(size - length, 0), size - 1) if size else "unsatisfiable"
    start = int(first)
    if last and int(last) < start:
        return None  # not a valid range: the header is ignored
    if start >= size:
        return "unsatisfiable"
    return start, min(int(last), size - 1) if last else size - 1


def _read_range(handle, start, end):
    handle.seek(start)
    remaining = end - start + 1
    while remaining > 0:
        chunk = handle.read(min(CHUNK, remaining))
        if not chunk:
            return
        remaining -= len(chunk)
        yield chunk
