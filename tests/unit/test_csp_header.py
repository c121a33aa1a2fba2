"""The CSP middleware sends django-csp's header, built once for responses that keep the site's policy."""

from csp.constants import HEADER, NONCE
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from storefront.security.csp import CSPMiddleware


def respond(middleware_class, prepare=lambda request, response: None):
    def view(request):
        response = HttpResponse("ok")
        prepare(request, response)
        return response

    return middleware_class(view)(RequestFactory().get("/shop/"))


def test_a_plain_response_gets_the_sites_policy_as_django_csp_builds_it():
    assert respond(CSPMiddleware)[HEADER] == respond(DjangoCSPMiddleware)[HEADER] == build_policy()


def test_a_view_that_changes_its_policy_gets_its_own():
    def allow_cdn(request, response):
        response._csp_update = {"img-src": ["https://cdn.example"]}

    header = respond(CSPMiddleware, allow_cdn)[HEADER]
    assert "https://cdn.example" in header and header == respond(DjangoCSPMiddleware, allow_cdn)[HEADER]


def test_a_nonce_used_by_the_page_is_in_its_header(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    nonces = []

    def use_nonce(request, response):
        nonces.append(str(request.csp_nonce))

    directives = set(respond(CSPMiddleware, use_nonce)[HEADER].split("; "))
    assert directives == {"default-src 'self'", f"script-src 'self' 'nonce-{nonces[0]}'"}
    assert "nonce-" not in respond(CSPMiddleware)[HEADER]  # no nonce asked for: none in the header


def test_an_exempt_response_gets_no_header():
    def exempt(request, response):
        response._csp_exempt = True

    assert HEADER not in respond(CSPMiddleware, exempt)


def test_a_changed_setting_changes_the_header(settings):
    respond(CSPMiddleware)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert respond(CSPMiddleware)[HEADER] == respond(DjangoCSPMiddleware)[HEADER] == "default-src 'none'"
