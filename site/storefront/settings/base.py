"""Settings shared by every environment.

Anything that differs between machines is read from the environment through
``storefront.settings.env`` with a default that runs embedded (SQLite,
in-process tasks, local memory cache, console email). dev, test and production
import this module and change only what they must.
"""

from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F401,F403  (every OSCAR_* default, in one place)

from storefront.payments.access import payouts_nav_access

from storefront.plugins.discovery import plugin_apps
from storefront.themes.manifest import theme_static_dirs

from .env import (
    cache_from_env,
    database_from_env,
    email_from_env,
    env_bool,
    env_int,
    env_list,
    env_str,
    media_storage_from_env,
    origin_of,
)

# site/storefront/settings/base.py -> the repository root
PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/storefront
BASE_DIR = PROJECT_DIR.parent.parent
VAR_DIR = Path(env_str("STOREFRONT_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file, media and collected static live here

SECRET_KEY = env_str("SECRET_KEY", "insecure-local-only-key-never-used-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", ".localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_ID = 1
WAGTAIL_SITE_NAME = "Grown Indoors"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    # The project's own apps come first so their templates win.
    "storefront.cms",
    "storefront.commerce",
    "storefront.ops",
    "storefront.media",
    "storefront.security",
    "storefront.demo",
    "storefront.plugins.apps.PluginHostConfig",
    "storefront.themes.apps.ThemesConfig",
    "storefront.payments.apps.PaymentsConfig",
    "storefront.caching.apps.CachingConfig",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    # django-oscar; forked apps (storefront.commerce.*) replace Oscar's of the same label
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "storefront.commerce.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "storefront.commerce.shipping.apps.ShippingConfig",
    "storefront.commerce.catalogue.apps.CatalogueConfig",  # Oscar's catalogue with our product page view
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "storefront.commerce.partner.apps.PartnerConfig",
    "storefront.commerce.basket.apps.BasketConfig",  # Oscar's basket with our add-to-basket view
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "storefront.commerce.customer.apps.CustomerConfig",  # Oscar's accounts with our address book form
    "storefront.search.apps.SearchConfig",  # fork of oscar.apps.search: own backends, facets, saved searches
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "csp",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
]

# Plugins (storefront.plugins): installed through the "storefront.plugins"
# entry-point group; a plugin listed here is off everywhere and its app is not
# loaded. Per-site switches and configuration live in the database.
STOREFRONT_PLUGINS_DISABLED = env_list("STOREFRONT_PLUGINS_DISABLED", [])
# Enabled plugins that are Django apps come after the core apps.
INSTALLED_APPS += plugin_apps(STOREFRONT_PLUGINS_DISABLED)
# A display hook that fails this many times within the window is switched off
# for the cooldown (per process), and shown as failing in the plugin list.
STOREFRONT_PLUGIN_BREAKER_THRESHOLD = env_int("STOREFRONT_PLUGIN_BREAKER_THRESHOLD", 5)
STOREFRONT_PLUGIN_BREAKER_WINDOW = env_int("STOREFRONT_PLUGIN_BREAKER_WINDOW", 60)
STOREFRONT_PLUGIN_BREAKER_COOLDOWN = env_int("STOREFRONT_PLUGIN_BREAKER_COOLDOWN", 300)

# White-label themes (storefront.themes): folders searched in order, so a
# deployment's own themes directory can replace a bundled theme of the same name.
STOREFRONT_THEME_DIRS = [Path(p) for p in env_list("STOREFRONT_THEME_DIRS", [])] + [BASE_DIR / "themes"]
STOREFRONT_DEFAULT_THEME = env_str("STOREFRONT_DEFAULT_THEME", "grown")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public uploads under MEDIA_URL, before sessions and the rest (storefront.media.middleware says why).
    "storefront.media.middleware.MediaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The request's Wagtail Site from the cache (storefront.caching.sites), then
    # Wagtail Site -> enabled plugins, then theme (see storefront.plugins, storefront.themes)
    "storefront.caching.sites.SiteCacheMiddleware",
    "storefront.plugins.middleware.PluginScopeMiddleware",
    "storefront.themes.middleware.ThemeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "storefront.commerce.basket.middleware.BasketMiddleware",  # Oscar's, loading lines once
    "storefront.security.ratelimit.RateLimitMiddleware",
    "storefront.security.csp.CSPMiddleware",  # django-csp's, with the policy built once
    # Anonymous catalogue, search and CMS pages from the cache (after CSRF, auth,
    # messages, theme and rate limits; storefront.caching.middleware says why).
    "storefront.caching.middleware.PageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "storefront.urls"
WSGI_APPLICATION = "storefront.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        # The site's theme first, then plugins' templates, then the core; the
        # cache is keyed by theme (storefront.themes.loader).
        "APP_DIRS": False,
        "OPTIONS": {
            "loaders": [
                (
                    "storefront.themes.loader.CachedThemeLoader",
                    [
                        "storefront.themes.loader.ThemeLoader",
                        "storefront.plugins.loader.PluginTemplateLoader",
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.media",
                "django.template.context_processors.static",
                "wagtail.contrib.settings.context_processors.settings",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "storefront.themes.context_processors.theme",
                # After Oscar's metadata: shop_name (every page's <title>) is the site's own name.
                "storefront.themes.context_processors.brand",
                "storefront.plugins.context_processors.plugin_context",
            ],
        },
    },
]

# Database: a SQLite file by default; PostgreSQL through DATABASE_URL.
DATABASES = {"default": database_from_env(VAR_DIR / "storefront.sqlite3", conn_max_age=env_int("CONN_MAX_AGE", 0))}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

CACHES = {"default": cache_from_env()}

AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "customer:login"
LOGIN_REDIRECT_URL = "/"

# One language: Oscar's templates then need no set_language URL.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PROJECT_DIR / "static"]
# Each theme's static/ is served and collected under themes/<name>/.
STATICFILES_DIRS += theme_static_dirs(STOREFRONT_THEME_DIRS)
# Uploads (storefront.media): files under MEDIA_ROOT by default, served at
# /media/ by the application itself; with MEDIA_S3_BUCKET set, objects in an
# S3-compatible store (django-storages), whose URLs the storage gives out.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
_media_storage, _media_url = media_storage_from_env()
MEDIA_URL = _media_url or MEDIA_URL
STORAGES = {
    "default": _media_storage or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The application serves MEDIA_ROOT at MEDIA_URL; SERVE_MEDIA=false when a web
# server in front serves that folder itself.
STOREFRONT_SERVE_MEDIA = env_bool("SERVE_MEDIA", _media_storage is None)
if STOREFRONT_SERVE_MEDIA and _media_storage is not None:
    raise ImproperlyConfigured(
        "SERVE_MEDIA=true serves files from MEDIA_ROOT, but MEDIA_S3_BUCKET keeps uploads in the object store: "
        "unset SERVE_MEDIA."
    )
# Where uploads come from, for the Content Security Policy's img-src (None: this site).
STOREFRONT_MEDIA_ORIGIN = origin_of(MEDIA_URL)
# Folders under MEDIA_ROOT that /media/ never serves: Wagtail's documents go
# through /documents/, which applies their collection's privacy.
STOREFRONT_MEDIA_NOT_SERVED = ["documents/"]
# Folders /media/ serves to signed-in staff only: growers' energy evidence
# (electricity bills) is for the staff who verify it, not for the public.
STOREFRONT_MEDIA_STAFF_ONLY = ["energy_badges/evidence/"]

# Email
globals().update(email_from_env())
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "shop@grown-indoors.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker, tasks run eagerly in the calling process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Eager mode sends nothing; an in-memory transport keeps kombu from
    # guessing a broker on localhost when a task is queued.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "flush-product-counts": {"task": "storefront.commerce.tasks.flush_product_counts", "schedule": 300.0},
    "reconcile-payments": {"task": "storefront.payments.tasks.reconcile_payments", "schedule": 900.0},
    # Saved-search alerts go out once a day (a day's new products in one email).
    "send-saved-search-alerts": {"task": "storefront.search.tasks.send_saved_search_alerts", "schedule": 86400.0},
    # Stock past its best-before leaves the "In stock" facet and cached pages just after midnight.
    "sweep-past-best-before": {
        "task": "storefront.commerce.tasks.sweep_past_best_before", "schedule": crontab(hour=0, minute=5),
    },
}

# Search (django-haystack). The embedded default needs no server: documents live
# in the database and are queried in memory (storefront.search.backends.embedded).
# With ELASTICSEARCH_URL set, Elasticsearch 8/9 serves search instead.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
if ELASTICSEARCH_URL:
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "storefront.search.backends.elasticsearch.ElasticsearchEngine",
            "URL": ELASTICSEARCH_URL,
            "INDEX_NAME": env_str("ELASTICSEARCH_INDEX", "storefront-products"),
            "TIMEOUT": env_int("ELASTICSEARCH_TIMEOUT", 5),
        },
    }
else:
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "storefront.search.backends.embedded.EmbeddedEngine",
            # Seconds a process may serve its in-memory snapshot before it looks
            # for index changes written by other processes.
            "REFRESH_INTERVAL": float(env_str("SEARCH_REFRESH_INTERVAL", "1.0")),
        },
    }
# Index updates never run inside a request: they are queued as tasks.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
# The search box's facets (storefront.search.facets reads this). Field facets
# count index values; query facets are ranges on a numeric field.
OSCAR_SEARCH_FACETS = {
    "fields": {
        "category": {"name": _("Category"), "field": "category"},
        "product_class": {"name": _("Type"), "field": "product_class"},
        "grower": {"name": _("Grower"), "field": "grower"},
        "region": {"name": _("Region"), "field": "region"},
        "certification": {"name": _("Certification"), "field": "certification"},
        "growing_method": {"name": _("Growing method"), "field": "growing_method"},
        "availability": {"name": _("Availability"), "field": "availability"},
    },
    "queries": {
        "price_range": {
            "name": _("Price range"),
            "field": "price",
            "queries": [
                (_("Under £5"), "[* TO 5]"),
                (_("£5 to £10"), "[5 TO 10]"),
                (_("£10 to £25"), "[10 TO 25]"),
                (_("£25 to £50"), "[25 TO 50]"),
                (_("£50 and over"), "[50 TO *]"),
            ],
        },
    },
}

# django-oscar
OSCAR_SHOP_NAME = "Grown Indoors"
OSCAR_SHOP_TAGLINE = "Fresh produce from indoor growers"
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "GBP"
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_ALLOW_ANON_CHECKOUT = False
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "line1", "line4", "postcode", "country")
# Phone numbers (django-phonenumber-field): a national number with no country to
# read it in is read as a UK one; stored as E.164, shown as "+44 161 496 0000".
# The address forms read it in the address's country (storefront/commerce/phone.py).
PHONENUMBER_DEFAULT_REGION = "GB"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"
OSCAR_PRODUCTS_PER_PAGE = 24
# The payments dashboard: sellers' payouts and Stripe onboarding, staff's commission.
OSCAR_DASHBOARD_NAVIGATION = OSCAR_DASHBOARD_NAVIGATION + [  # noqa: F405
    {
        "label": _("Payouts"),
        "icon": "fas fa-money-bill-wave",
        "url_name": "storefront_payments:payouts",
        "access_fn": payouts_nav_access,
    },
]
# sorl-thumbnail keeps what it made in the database (and the cache), so a page
# never asks the storage whether a thumbnail exists; thumbnails are written to
# the default storage (files or the bucket) under cache/.
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
THUMBNAIL_STORAGE = "default"
THUMBNAIL_PRESERVE_FORMAT = True

# Analytics: product views and basket additions are counted in the cache and
# flushed by a task, so neither writes to the database on the buyer's request
# (see storefront.commerce.analytics). False: not counted at all.
STOREFRONT_COUNT_PRODUCT_EVENTS = env_bool("STOREFRONT_COUNT_PRODUCT_EVENTS", True)

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "oscar": {"level": "WARNING"},
        # one line per background task run is noise at INFO
        "django_tasks": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # fpdf2 subsets fonts with fontTools, which logs every glyph of every PDF at INFO
        "fontTools": {"level": "WARNING"},
    },
}

# Stripe (storefront.payments). With no real secret key everything points at
# the local Stripe-compatible server (localstripe; see storefront.payments.localserver)
# so checkout works offline; set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY to
# real keys to use Stripe itself.
STRIPE_LOCAL_SECRET_KEY = "sk_test_localstripe"
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", STRIPE_LOCAL_SECRET_KEY)
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "pk_test_localstripe")
_stripe_default_base = (
    "http://127.0.0.1:8420" if STRIPE_SECRET_KEY == STRIPE_LOCAL_SECRET_KEY else "https://api.stripe.com"
)
STRIPE_API_BASE = env_str("STRIPE_API_BASE", _stripe_default_base).rstrip("/")
# localstripe has no Connect API: tests point this at their stand-in.
STRIPE_CONNECT_API_BASE = env_str("STRIPE_CONNECT_API_BASE", STRIPE_API_BASE).rstrip("/")
STRIPE_LOCAL = env_bool("STRIPE_LOCAL", not STRIPE_API_BASE.startswith("https://api.stripe.com"))
STRIPE_JS_URL = env_str(
    "STRIPE_JS_URL", f"{STRIPE_API_BASE}/js.stripe.com/v3/" if STRIPE_LOCAL else "https://js.stripe.com/v3/"
)
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "whsec_localstripe")
STRIPE_WEBHOOK_TOLERANCE = env_int("STRIPE_WEBHOOK_TOLERANCE", 300)
STRIPE_NETWORK_RETRIES = env_int("STRIPE_NETWORK_RETRIES", 2)
STRIPE_TIMEOUT = env_int("STRIPE_TIMEOUT", 20)
STRIPE_CONNECT_COUNTRY = env_str("STRIPE_CONNECT_COUNTRY", "GB")
# The platform's commission on a grower's lines when the grower has no rate of their own.
STOREFRONT_PLATFORM_COMMISSION_PERCENT = env_str("STOREFRONT_PLATFORM_COMMISSION_PERCENT", "10")
# Products of growers whose Stripe account cannot receive payouts are not sold.
STOREFRONT_REQUIRE_PAYABLE_SELLERS = env_bool("STOREFRONT_REQUIRE_PAYABLE_SELLERS", True)
# Reconciliation leaves payments younger than this alone (a checkout may be in flight).
STOREFRONT_RECONCILE_GRACE_SECONDS = env_int("STOREFRONT_RECONCILE_GRACE_SECONDS", 1800)

# Abuse limits (storefront.security.ratelimit): rate "N/[k]unit", unit s, m, h or d.
STOREFRONT_TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)  # proxies in front that append X-Forwarded-For
STOREFRONT_RATE_LIMITS = {
    "login": {
        "url_names": ["customer:login", "wagtailadmin_login", "admin:login"],
        "rate": env_str("RATE_LIMIT_LOGIN", "10/5m"),
        "keys": ["ip", "account"],
        "account_fields": ["login-username", "username"],
    },
    "password_reset": {
        "url_names": ["password-reset", "wagtailadmin_password_reset"],
        "rate": env_str("RATE_LIMIT_PASSWORD_RESET", "5/h"),
        "keys": ["ip", "account"],
        "account_fields": ["email"],
    },
    "payment": {
        # payment-confirm too: it is where stolen card numbers would be tried.
        "url_names": ["checkout:payment-details", "checkout:payment-confirm", "checkout:preview"],
        "rate": env_str("RATE_LIMIT_PAYMENT", "10/10m"),
        "keys": ["basket", "ip"],
    },
    "search": {
        "url_names": ["search:search", "search:autocomplete"],
        "methods": ["GET"],
        "rate": env_str("RATE_LIMIT_SEARCH", "120/m"),
        "keys": ["ip"],
    },
}

# Security headers. Stripe.js is loaded from its own origin (or from the local
# Stripe-compatible server in the demo); Oscar's and Wagtail's templates use
# inline scripts and styles, so those are allowed from this site only.
# Where Stripe.js and its frames come from: js.stripe.com, or the local server in the demo.
STRIPE_JS_ORIGINS = env_list(
    "STRIPE_JS_ORIGINS", ["https://js.stripe.com"] + ([STRIPE_API_BASE] if STRIPE_LOCAL else [])  # noqa: F405
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'", *STRIPE_JS_ORIGINS],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([STOREFRONT_MEDIA_ORIGIN] if STOREFRONT_MEDIA_ORIGIN else [])],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", "https://api.stripe.com", *STRIPE_JS_ORIGINS],
        "frame-src": ["'self'", "https://js.stripe.com", "https://hooks.stripe.com", *STRIPE_JS_ORIGINS],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True


# Page cache (storefront.caching): whole pages for anonymous visitors without
# personal state, keyed by site, theme and path; every edit to what a page
# shows purges them all. STOREFRONT_PAGE_CACHE=false turns it off.
STOREFRONT_PAGE_CACHE = env_bool("STOREFRONT_PAGE_CACHE", True)
# The request's Wagtail Site from the cache instead of a query per request.
STOREFRONT_SITE_CACHE = env_bool("STOREFRONT_SITE_CACHE", True)
# The category menu of every page from the cache (storefront.caching.templatetags).
STOREFRONT_CATEGORY_TREE_CACHE = env_bool("STOREFRONT_CATEGORY_TREE_CACHE", True)
STOREFRONT_PAGE_CACHE_SECONDS = env_int("STOREFRONT_PAGE_CACHE_SECONDS", 300)
# Fragments of pages (the product itself, its category trail) for anonymous
# visitors the page cache cannot serve (with a basket, a message or a viewing
# history), purged with the pages (storefront.caching.fragments). 0: off.
STOREFRONT_FRAGMENT_CACHE_SECONDS = env_int("STOREFRONT_FRAGMENT_CACHE_SECONDS", 300)
STOREFRONT_PAGE_CACHE_ALIAS = "default"
STOREFRONT_PAGE_CACHE_VIEWS = [
    "wagtail_serve",
    "catalogue:index",
    "catalogue:category",
    "catalogue:detail",
    "search:search",
    "growers:list",
    "growers:detail",
]
# Cookies a cached page may set: their value, for a visitor without them, comes
# from the page alone (the viewing history after a first product page).
STOREFRONT_PAGE_CACHE_REPLAYED_COOKIES = [OSCAR_RECENTLY_VIEWED_COOKIE_NAME]  # noqa: F405
STOREFRONT_PAGE_CACHE_PURGE_MODELS = [
    "catalogue.Product", "catalogue.Category", "catalogue.ProductCategory", "catalogue.ProductImage",
    "catalogue.ProductAttributeValue", "catalogue.ProductClass", "catalogue.ProductRecommendation",
    "partner.StockRecord", "partner.Partner",
    "offer.ConditionalOffer", "offer.Range", "offer.Benefit", "offer.Condition",
    "reviews.ProductReview",
    "wagtailcore.Site", "wagtailcore.Locale", "wagtailimages.Image",
    "storefront_themes.ThemeSettings", "plugin_host.PluginSetting", "cms.NavigationSettings",
]
