"""Helpers that build CMS pages for tests and demos, in the spirit of oscar.test.factories.

They create real, published pages in the tree under the default site, so a
test can request them through the full middleware and URL stack.
"""

import datetime
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from .models import BlogIndexPage, BlogPage, HomePage, LandingPage, StandardPage


def create_image(title="Test image", colour="#3f7d4e", size=(800, 500)):
    """A Wagtail image made with Pillow: a plain colour, no files needed."""
    buffer = BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    file = ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png")
    return get_image_model().objects.create(title=title, file=file)


def stream(blocks):
    """Raw StreamField data from (block type, JSON value) pairs: chooser values are primary keys."""
    return [{"type": block_type, "value": value} for block_type, value in blocks or []]


def create_home_page(title="Home", body=None, slug="storefront-home"):
    """A HomePage under the tree root, made the root page of the default site.

    Wagtail's welcome page keeps the slug "home", hence another default slug.
    """
    root = Page.get_first_root_node()
    home = HomePage(title=title, slug=slug, body=stream(body))
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=title)
    else:
        site.root_page = home
        site.save()
    return home


def _add(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def create_landing_page(parent, title="For restaurants", slug="for-restaurants", body=None, intro=""):
    return _add(parent, LandingPage(title=title, slug=slug, intro=intro, body=stream(body)))


def create_standard_page(parent, title="About us", slug="about", body=None, intro=""):
    return _add(parent, StandardPage(title=title, slug=slug, intro=intro, body=stream(body)))


def create_blog_index(parent, title="Journal", slug="journal", posts_per_page=9, intro=""):
    return _add(parent, BlogIndexPage(title=title, slug=slug, intro=intro, posts_per_page=posts_per_page))


def create_blog_post(blog_index, title, *, slug=None, date=None, tags=(), author="Sam Grower", intro=None, body=None,
                     hero_image=None):
    post = BlogPage(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        author=author,
        date=date or datetime.date(2026, 1, 1),
        intro=intro or f"The short version of {title}.",
        body=stream(body or [("paragraph", f"<p>The whole story of {title}.</p>")]),
        hero_image=hero_image,
    )
    post.tags.add(*tags)
    return _add(blog_index, post)
