"""Public uploads answered before the rest of the middleware, as whitenoise answers static files.

A page of products asks for a thumbnail per card. Through the whole stack
each of those requests would look up the site, its plugins and theme, load
the session for the basket strategy (which adds Vary: Cookie, so no shared
cache could keep the image) and pass the CSRF, rate-limit, CSP and page
cache layers, none of which an image needs. This middleware sits right
after SecurityMiddleware and whitenoise and hands MEDIA_URL requests
straight to views.serve_media. Staff-only folders (STOREFRONT_MEDIA_STAFF_ONLY)
need the signed-in user, so those requests go on down the stack to the same
view through its URL (storefront.urls).
"""

from django.conf import settings

from .views import serve_media


class MediaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = settings.MEDIA_URL
        if settings.STOREFRONT_SERVE_MEDIA and prefix.startswith("/") and request.path_info.startswith(prefix):
            path = request.path_info[len(prefix):]
            staff_only = tuple(prefix.casefold() for prefix in settings.STOREFRONT_MEDIA_STAFF_ONLY)
            if not path.casefold().startswith(staff_only):
                return serve_media(request, path)
        return self.get_response(request)
