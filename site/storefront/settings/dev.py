"""Local development and the demo storefront: debug on, everything embedded."""

from .base import *  # noqa: F401,F403
from .env import env_bool, env_int

DEBUG = env_bool("DEBUG", True)
INTERNAL_IPS = ["127.0.0.1"]

# localstripe has no Stripe Connect, so demo growers cannot connect an account;
# with the local server, sell their products anyway (transfers are recorded as
# failed with the reason). Real Stripe keys bring the requirement back.
STOREFRONT_REQUIRE_PAYABLE_SELLERS = env_bool("STOREFRONT_REQUIRE_PAYABLE_SELLERS", not STRIPE_LOCAL)  # noqa: F405

# No page cache and no cached fragments while developing: an edited template
# shows at once. STOREFRONT_PAGE_CACHE=true and STOREFRONT_FRAGMENT_CACHE_SECONDS=300
# try them (storefront.caching).
STOREFRONT_PAGE_CACHE = env_bool("STOREFRONT_PAGE_CACHE", False)
STOREFRONT_FRAGMENT_CACHE_SECONDS = env_int("STOREFRONT_FRAGMENT_CACHE_SECONDS", 0)
