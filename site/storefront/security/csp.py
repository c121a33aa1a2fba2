"""django-csp's middleware with the site-wide policy built once, not on every response.

django-csp builds the header from CONTENT_SECURITY_POLICY for each response
(merging directives, sorting, joining: a visible share of a fixed
response's time). The storefront's policy is the same for every response
unless a view changes it (csp_update, csp_replace, csp_exempt and friends)
or a template asks for a nonce, so the built header is kept per process,
per setting value. Responses that change the policy, or whose request used
a nonce, go through django-csp's own code unchanged.
"""

import http.client
from functools import lru_cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as CoreCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

POLICY_SETTINGS = {"CONTENT_SECURITY_POLICY": HEADER, "CONTENT_SECURITY_POLICY_REPORT_ONLY": HEADER_REPORT_ONLY}
# What django-csp's decorators set on a response to change its policy (CSPMiddleware.get_policy_parts reads them).
PER_RESPONSE_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


@lru_cache(maxsize=None)
def site_policy(setting):
    """The header value for the policy in ``setting`` (empty when it is not set), and its excluded URL prefixes."""
    policy = build_policy(report_only=setting == "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
    return policy, prefixes


@receiver(setting_changed)
def _forget_policy(setting, **kwargs):
    if setting in POLICY_SETTINGS:
        site_policy.cache_clear()


class CSPMiddleware(CoreCSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in PER_RESPONSE_POLICY
        ):
            return super().process_response(request, response)  # this response's own policy
        if response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND) and settings.DEBUG:
            return response
        for setting, header in POLICY_SETTINGS.items():
            policy, excluded = site_policy(setting)
            exempt = getattr(response, "_csp_exempt" if header == HEADER else "_csp_exempt_ro", False) is not False
            if policy and header not in response and not exempt and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header was written would not be in it.
        setattr(request, "csp_nonce", CheckableLazyObject(self._csp_nonce_post_response))
        return response
