"""Serve anonymous visitors' catalogue, search and Wagtail pages from the cache.

A request is served from (and its response stored in) the page cache only when
all of these hold, so nothing personal is ever shared:

- the page cache is on (STOREFRONT_PAGE_CACHE) and the method is GET or HEAD;
- the view is one of STOREFRONT_PAGE_CACHE_VIEWS (Wagtail pages, catalogue,
  category, product and search pages; never the basket, checkout, account,
  dashboard or admin);
- the request carries no cookie but the CSRF cookie: no session (so no
  signed-in user and no messages), no basket, no viewing history;
- the response is a 200 HTML page that sets no cookie (but see below), is
  not marked private or no-store, queued no message and changed no session.

One kind of cookie is allowed: STOREFRONT_PAGE_CACHE_REPLAYED_COOKIES, whose
value for a visitor without it depends only on the page (Oscar's viewing
history on a product page is just that product). It is stored with the page
and set again on every hit, so a cached product page still starts the
visitor's history exactly as Oscar would.

Forms in a cached page still work: the CSRF tokens in it are stored as a
placeholder and each visitor gets a token of their own when the page is
served (CsrfViewMiddleware, outside this one, then sets their cookie).
Place it after the CSRF, authentication, message, theme and rate-limit
middleware. Responses carry X-Page-Cache: hit or miss.

Each process also keeps the pages it served last (LOCAL_PAGES of them, for
at most LOCAL_PAGE_SECONDS), so a hot page costs no round trip to the shared
cache for its body. Their keys carry the purge generation, which every
request reads from the shared cache, so a purge reaches these copies too.
"""

import re

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token

from .keys import current_generation, page_cache, page_key
from .lru import TimedLRU

CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
BARE_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
STORED_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Link")
LOCAL_PAGES = 200  # about 100 KB each
LOCAL_PAGE_SECONDS = 60
local_pages = TimedLRU(LOCAL_PAGES)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key is not None and response.get("X-Page-Cache") != "hit":
            response["X-Page-Cache"] = "miss"
            stored = storable(request, response)
            if stored is not None:
                page_cache().set(key, stored, settings.STOREFRONT_PAGE_CACHE_SECONDS)
                keep_local(key, stored)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request_is_cacheable(request):
            return None
        key = page_key(request, current_generation(request))
        request._page_cache_key = key
        stored = local_pages.fresh(key)
        if stored is None:
            stored = page_cache().get(key)
            if stored is None:
                return None
            keep_local(key, stored)
        return rebuild(request, stored)


def keep_local(key, stored):
    """Keep a page in this process too, for no longer than the shared cache keeps it."""
    local_pages.put(key, stored, min(LOCAL_PAGE_SECONDS, settings.STOREFRONT_PAGE_CACHE_SECONDS))


def request_is_cacheable(request):
    if not settings.STOREFRONT_PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    match = request.resolver_match
    if match is None or match.view_name not in settings.STOREFRONT_PAGE_CACHE_VIEWS:
        return False
    if set(request.COOKIES) - {settings.CSRF_COOKIE_NAME}:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def storable(request, response):
    """What to keep of a response (status, headers, body with CSRF placeholders), or None to keep nothing."""
    if response.status_code != 200 or response.streaming:
        return None
    if set(response.cookies) - set(settings.STOREFRONT_PAGE_CACHE_REPLAYED_COOKIES):
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return None
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "_queued_messages", None):
        return None
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return None
    body = response.content
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE"):
        body = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", body)
        if BARE_TOKEN.search(body):  # a token outside a form field: it cannot be swapped safely
            return None
    headers = {name: response[name] for name in STORED_HEADERS if name in response}
    cookies = {
        name: {"value": morsel.value, "max_age": morsel["max-age"] or None, "path": morsel["path"] or "/",
               "secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
               "samesite": morsel["samesite"] or None}
        for name, morsel in response.cookies.items()
    }
    return {"status": response.status_code, "headers": headers, "body": body, "cookies": cookies}


def rebuild(request, stored):
    body = stored["body"]
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, status=stored["status"])
    for name, value in stored["headers"].items():
        response[name] = value
    for name, cookie in stored.get("cookies", {}).items():
        response.set_cookie(name, **cookie)
    response["X-Page-Cache"] = "hit"
    return response
