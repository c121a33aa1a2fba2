"""Browser tests: Playwright driving Debian's chromium against the live test server.

No browser is downloaded: the tests use the system chromium (installed by
.ci/run with apt-get when it is missing) and skip with the reason when it is
not there. Each test saves a screenshot of its last page under
test-artifacts/browser/.
"""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")



def allow_local_stripe(settings, local_stripe):
    """Let the payment page load localstripe's Stripe.js shim from its port, as js.stripe.com is allowed."""
    policy = {key: list(value) for key, value in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()}
    for directive in ("script-src", "connect-src", "frame-src"):
        policy[directive].append(local_stripe.url)
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": policy}


@pytest.fixture
def _allow_orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in the test's thread; the ORM
    # calls a test makes between browser steps are plain synchronous calls in
    # that thread. Set only while a browser runs, never for the whole process
    # (check --deploy refuses the variable, and subprocesses inherit it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(_allow_orm_beside_playwright):
    """A headless chromium for one test (started after, and stopped before, the variable above)."""
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def phone(browser, request):
    """A page at a phone's width (375 px)."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-phone.png"), full_page=True)
    finally:
        context.close()


def horizontal_overflow(page):
    """Pixels by which the page is wider than the viewport (0 when nothing overflows).

    Measured with `overflow-x` on <html> and <body> set to visible for the
    moment: the site's stylesheet clips the body sideways, which hides content
    that sticks out (cut-off buttons, tables) instead of fitting it, and would
    make every page measure 0. The width is compared with the viewport the
    test asked for, not window.innerWidth: a mobile browser widens its layout
    viewport to fit content that is too wide (and zooms out), so innerWidth
    grows with the overflow and the difference would always be 0.
    """
    width = page.evaluate("""() => {
        const html = document.documentElement, body = document.body;
        const saved = [html.style.overflowX, body.style.overflowX];
        html.style.overflowX = "visible";
        body.style.overflowX = "visible";
        const width = html.scrollWidth;
        [html.style.overflowX, body.style.overflowX] = saved;
        return width;
    }""")
    return width - page.viewport_size["width"]
