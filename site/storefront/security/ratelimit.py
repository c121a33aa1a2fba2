"""Rate limits: a fixed window counter in the cache per rule and per key.

Rules are settings (STOREFRONT_RATE_LIMITS), each naming the URL names it
guards, the HTTP methods it counts, the rate ("10/5m": 10 requests per 5
minutes) and what it is counted by:

- ``ip``: the client address (REMOTE_ADDR, or the address the trusted proxy
  put in X-Forwarded-For when STOREFRONT_TRUSTED_PROXIES is above 0);
- ``account``: the account named in the submitted form (a login or password
  reset for one email address, from any number of addresses);
- ``basket``: the buyer's basket (card testing: many cards on one basket).

A request over a limit gets 429 with Retry-After and a message that says which
limit and when to try again; its view does not run.
"""

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, JsonResponse

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rule:
    name: str
    url_names: frozenset
    methods: frozenset
    limit: int
    window: int
    keys: tuple
    account_fields: tuple = ()


def parse_rate(rate, rule_name):
    match = re.fullmatch(r"(\d+)/(\d*)([smhd])", rate.strip())
    if not match:
        raise ImproperlyConfigured(
            f"STOREFRONT_RATE_LIMITS[{rule_name!r}]['rate'] = {rate!r} is not a rate: use e.g. '10/5m' or '100/h'."
        )
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * UNITS[unit]


def load_rules():
    rules = []
    for name, config in getattr(settings, "STOREFRONT_RATE_LIMITS", {}).items():
        unknown = set(config.get("keys", ())) - {"ip", "account", "basket"}
        if unknown:
            raise ImproperlyConfigured(f"STOREFRONT_RATE_LIMITS[{name!r}] has unknown keys {sorted(unknown)}.")
        limit, window = parse_rate(config["rate"], name)
        rules.append(Rule(
            name=name,
            url_names=frozenset(config["url_names"]),
            methods=frozenset(m.upper() for m in config.get("methods", ("POST",))),
            limit=limit,
            window=window,
            keys=tuple(config.get("keys", ("ip",))),
            account_fields=tuple(config.get("account_fields", ())),
        ))
    return rules


def client_ip(request):
    proxies = getattr(settings, "STOREFRONT_TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def key_values(rule, request):
    for key in rule.keys:
        if key == "ip":
            yield "ip", client_ip(request)
        elif key == "account":
            for field in rule.account_fields:
                value = request.POST.get(field, "").strip().lower()
                if value:
                    yield "account", value
                    break
        elif key == "basket":
            basket = getattr(request, "basket", None)  # set by Oscar's BasketMiddleware
            if basket is not None and basket.pk:
                yield "basket", str(basket.pk)


def hit(rule, key, value, now=None):
    """Count one request; return the seconds until the window resets if over the limit, else None."""
    now = time.time() if now is None else now
    window_start = int(now // rule.window) * rule.window
    cache_key = f"ratelimit:{rule.name}:{key}:{value}:{window_start}"
    if cache.add(cache_key, 1, timeout=rule.window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, timeout=rule.window + 1)
            count = 1
    if count > rule.limit:
        return max(1, int(window_start + rule.window - now))
    return None


class RateLimitMiddleware:
    """Counts a request against the rules for its URL name, just before its view would run.

    In process_view the URL is already resolved (request.resolver_match), so
    a request no rule names costs two set lookups; the cache is only touched
    where a limit applies.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.rules = load_rules()

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        url_name = request.resolver_match.view_name
        for rule in self.rules:
            if url_name not in rule.url_names or request.method not in rule.methods:
                continue
            for key, value in key_values(rule, request):
                retry_after = hit(rule, key, value)
                if retry_after is not None:
                    return self.too_many(request, rule, key, retry_after)
        return None

    @staticmethod
    def too_many(request, rule, key, retry_after):
        by = {"ip": "from your network address", "account": "for this account", "basket": "for this basket"}[key]
        message = (f"Too many {rule.name.replace('_', ' ')} attempts {by}: the limit is {rule.limit} "
                   f"per {rule.window} seconds. Try again in {retry_after} seconds.")
        if "application/json" in request.headers.get("Accept", "") or request.path.startswith("/api/"):
            response = JsonResponse({"error": "rate_limited", "limit": rule.name, "message": message}, status=429)
        else:
            response = HttpResponse(
                f"<!doctype html><title>Too many requests</title><h1>Too many requests</h1><p>{message}</p>",
                status=429,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = str(retry_after)
        return response
