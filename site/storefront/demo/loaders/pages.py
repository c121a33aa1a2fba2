"""Load the demo CMS pages, blog posts, images and navigation from content/pages/ and content/blog/.

content/pages/ holds one JSON file per page ("type": home, landing, standard or
blog_index) and _navigation.json for the site's header, footer and social
links. content/blog/ holds one JSON file per blog post. Page bodies are
StreamField JSON (a list of {"type", "value"} blocks, see docs/cms.md) in which
references are written by name, not by database id:

- an image is {"title": ..., "alt": ..., "palette": ...}; the loader draws it
  with Pillow (no image files are shipped) and reuses it on the next run;
- a page is its slug; a product or a category is its catalogue slug;
- a block a plugin contributes says which plugin ({"type", "plugin", "value"})
  and is left out, with a progress line, while that plugin is switched off.

Products and categories that are not in the catalogue are left out, so the
commerce blocks render empty until the catalogue is loaded (load_demo loads
the catalogue first). Every file is read and checked before anything is
written. The loader matches pages by slug under their parent and updates them
in place; a page whose content did not change is not saved again, so a second
run creates nothing.
"""

import datetime
import hashlib
import json
import math
import random
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Callable

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Collection, Page, Site

from storefront.cms.blocks import CategoryChooserBlock, ProductChooserBlock
from storefront.cms.models import BlogIndexPage, BlogPage, HomePage, LandingPage, NavigationSettings, StandardPage

PAGE_TYPES = {"home": HomePage, "landing": LandingPage, "standard": StandardPage, "blog_index": BlogIndexPage}
PAGE_FIELDS = {
    "home": {"body"},
    "landing": {"intro", "body"},
    "standard": {"intro", "body"},
    "blog_index": {"intro", "posts_per_page"},
}
COMMON_FIELDS = {"type", "slug", "title", "parent", "seo_title", "search_description"}
BLOG_FIELDS = {"slug", "title", "author", "date", "tags", "intro", "hero_image", "body", "seo_title",
               "search_description"}
NAVIGATION_FILE = "_navigation.json"
IMAGE_COLLECTION = "Demo content"
SITE_NAME = "Grown Indoors"

# Two-colour gradients for the generated pictures: background top, background bottom, leaves.
PALETTES = {
    "leaf": ("#0f3d2e", "#3f8f5a", "#9fd37a"),
    "herb": ("#1d3b2a", "#5d8c4a", "#c8e39a"),
    "berry": ("#3b1230", "#a63d5a", "#f2a0b0"),
    "sunrise": ("#3a2a5c", "#e0785a", "#ffd28a"),
    "grow-light": ("#2a1446", "#a23ea8", "#f5a3ff"),
    "water": ("#0d2e4a", "#2f7fa8", "#a8e3f0"),
    "soil": ("#2e2118", "#7a5a3a", "#d8c08a"),
}


class PageContentError(ValueError):
    """A content file is malformed; the message names the file, the place and the fix."""


@dataclass
class _Counts:
    values: dict = field(default_factory=dict)

    def add(self, key: str, number: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + number


@dataclass
class _Source:
    path: Path
    data: dict


def load_pages(content_dir: Path, progress: Callable[[str], None]) -> dict:
    """Create or update the demo pages, posts, images and navigation; return what was done, by kind."""
    pages_dir = Path(content_dir) / "pages"
    blog_dir = Path(content_dir) / "blog"
    page_sources, navigation_source = _read_pages(pages_dir)
    post_sources = _read_posts(blog_dir)
    progress(f"Read {len(page_sources)} pages and {len(post_sources)} blog posts from {content_dir}")

    counts = _Counts()
    with transaction.atomic():
        loader = _Loader(counts, progress)
        loader.load(page_sources, post_sources, navigation_source)

    summary = {key: value for key, value in counts.values.items() if value}
    progress("Pages: " + (", ".join(f"{value} {key}" for key, value in summary.items()) or "nothing to do"))
    return summary


# Reading and checking the files ------------------------------------------------------------


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PageContentError(f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}).") from None


def _require(path: Path, data: dict, keys: tuple[str, ...]) -> None:
    for key in keys:
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise PageContentError(f"{path}: \"{key}\" is missing or empty; add it as a non-empty string.")


def _read_pages(pages_dir: Path) -> tuple[list[_Source], _Source | None]:
    if not pages_dir.is_dir():
        raise PageContentError(f"{pages_dir}: folder not found; the demo pages live in content/pages/.")
    sources, navigation, slugs = [], None, {}
    for path in sorted(pages_dir.glob("*.json")):
        data = _read_json(path)
        if not isinstance(data, dict):
            raise PageContentError(f"{path}: the file must hold one JSON object.")
        if path.name == NAVIGATION_FILE:
            navigation = _Source(path, data)
            continue
        _require(path, data, ("type", "slug", "title"))
        if data["type"] not in PAGE_TYPES:
            raise PageContentError(f"{path}: unknown page type {data['type']!r}; use one of {', '.join(PAGE_TYPES)}.")
        unknown = set(data) - COMMON_FIELDS - PAGE_FIELDS[data["type"]]
        if unknown:
            raise PageContentError(
                f"{path}: unknown field(s) {', '.join(sorted(unknown))} for a {data['type']} page; "
                f"allowed: {', '.join(sorted(COMMON_FIELDS | PAGE_FIELDS[data['type']]))}."
            )
        if data["slug"] in slugs:
            raise PageContentError(f"{path}: slug {data['slug']!r} is already used by {slugs[data['slug']]}.")
        slugs[data["slug"]] = path.name
        sources.append(_Source(path, data))

    homes = [s for s in sources if s.data["type"] == "home"]
    if len(homes) != 1:
        raise PageContentError(f"{pages_dir}: found {len(homes)} pages of type \"home\"; there must be exactly one.")
    for source in sources:
        parent = source.data.get("parent")
        if source.data["type"] == "home":
            if parent:
                raise PageContentError(f"{source.path}: the home page has no parent; remove \"parent\".")
        elif parent is not None and parent not in slugs:
            raise PageContentError(f"{source.path}: parent {parent!r} is not the slug of any page in {pages_dir}.")
    # Parents before children: home first, then by depth of the parent chain.
    by_slug = {s.data["slug"]: s for s in sources}

    def depth(source, seen=()):
        if source.data["type"] == "home":
            return 0
        parent = source.data.get("parent") or homes[0].data["slug"]
        if parent in seen:
            raise PageContentError(f"{source.path}: the parent chain loops back to {parent!r}.")
        return 1 + depth(by_slug[parent], seen + (parent,))

    sources.sort(key=depth)
    return sources, navigation


def _read_posts(blog_dir: Path) -> list[_Source]:
    if not blog_dir.is_dir():
        raise PageContentError(f"{blog_dir}: folder not found; the demo blog posts live in content/blog/.")
    sources, slugs = [], set()
    for path in sorted(blog_dir.glob("*.json")):
        data = _read_json(path)
        if not isinstance(data, dict):
            raise PageContentError(f"{path}: the file must hold one JSON object.")
        _require(path, data, ("slug", "title", "author", "date", "intro"))
        unknown = set(data) - BLOG_FIELDS
        if unknown:
            raise PageContentError(f"{path}: unknown field(s) {', '.join(sorted(unknown))}; "
                                   f"allowed: {', '.join(sorted(BLOG_FIELDS))}.")
        try:
            data["date"] = datetime.date.fromisoformat(data["date"])
        except ValueError:
            raise PageContentError(f"{path}: date {data['date']!r} is not a date; write it as YYYY-MM-DD.") from None
        tags = data.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            raise PageContentError(f"{path}: \"tags\" must be a list of non-empty strings.")
        if data["slug"] in slugs:
            raise PageContentError(f"{path}: slug {data['slug']!r} is used by another post.")
        slugs.add(data["slug"])
        sources.append(_Source(path, data))
    return sources


# Writing -----------------------------------------------------------------------------------


def _strip_ids(value):
    """Stream data without Wagtail's generated block ids, to compare content."""
    if isinstance(value, list):
        return [_strip_ids(item) for item in value]
    if isinstance(value, dict):
        if "type" in value and "value" in value:
            return {"type": value["type"], "value": _strip_ids(value["value"])}
        return {key: _strip_ids(item) for key, item in value.items()}
    return value


def _normalised(stream_block, raw):
    """Stream data as Wagtail stores it (defaults filled in, list items wrapped), to compare with what is saved."""
    return stream_block.get_prep_value(stream_block.to_python(raw))


def _list_items(value):
    """ListBlock JSON: either plain values or {"type": "item", "value": ...} entries."""
    return [item["value"] if isinstance(item, dict) and item.get("type") == "item" else item for item in value]


class _Loader:
    def __init__(self, counts: _Counts, progress: Callable[[str], None]):
        self.counts = counts
        self.progress = progress
        self.pages: dict[str, Page] = {}
        self.missing_catalogue: set[str] = set()
        self._collection = None

    # Pages

    def load(self, page_sources, post_sources, navigation_source):
        home_source = page_sources[0]
        home = self._ensure_home(home_source)
        self.pages[home_source.data["slug"]] = home
        # First every page exists, so bodies can link to pages defined later.
        for source in page_sources[1:]:
            self.pages[source.data["slug"]] = self._ensure_page(source, home)
        for source in page_sources:
            self._fill_page(source)

        blog_indexes = [s for s in page_sources if s.data["type"] == "blog_index"]
        if post_sources:
            if len(blog_indexes) != 1:
                raise PageContentError(
                    f"{post_sources[0].path.parent}: blog posts need exactly one page of type \"blog_index\" in "
                    f"content/pages/, found {len(blog_indexes)}."
                )
            blog = self.pages[blog_indexes[0].data["slug"]]
            for source in post_sources:
                self._load_post(source, blog)

        if navigation_source is not None:
            self._load_navigation(navigation_source, home)
        if self.missing_catalogue:
            self.progress(
                "Not in the catalogue (blocks left empty until it is loaded): "
                + ", ".join(sorted(self.missing_catalogue))
            )

    def _ensure_home(self, source: _Source) -> HomePage:
        slug = source.data["slug"]
        root = Page.get_first_root_node()
        home = HomePage.objects.child_of(root).filter(slug=slug).first()
        if home is None:
            # Wagtail starts with a bare welcome page at /home/. Take its place:
            # build the home page beside it, point the site at the new page, then
            # delete the welcome page (only if it is untouched: no subpages, and
            # no other site has it as its root, which the delete would take along).
            home = HomePage(title=source.data["title"], slug=f"{slug}-new", live=False)
            root.add_child(instance=home)
            self.counts.add("pages created")
            self._point_default_site_at(home)
            for welcome in Page.objects.child_of(root).filter(slug=slug).exact_type(Page):
                if welcome.get_children_count() == 0 and not Site.objects.filter(root_page=welcome).exists():
                    welcome.delete()
                    self.progress(f"Removed Wagtail's welcome page /{slug}/")
            if Page.objects.child_of(root).filter(slug=slug).exists():
                raise PageContentError(
                    f"{source.path}: a page with slug {slug!r} already sits at the top of the page tree and is not a "
                    f"home page; rename or remove it in the admin, or change the slug in this file."
                )
            home.slug = slug
            home.save()
        else:
            self._point_default_site_at(home)
        return home

    def _point_default_site_at(self, home: HomePage) -> None:
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=8000, site_name=SITE_NAME, root_page=home,
                                is_default_site=True)
            self.counts.add("sites created")
            return
        wanted = {"root_page_id": home.pk, "hostname": "localhost", "port": 8000, "site_name": SITE_NAME}
        if any(getattr(site, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(site, key, value)
            site.save()
            self.counts.add("sites updated")

    def _ensure_page(self, source: _Source, home: HomePage) -> Page:
        data = source.data
        parent_slug = data.get("parent")
        parent = self.pages[parent_slug] if parent_slug else home
        model = PAGE_TYPES[data["type"]]
        existing = parent.get_children().filter(slug=data["slug"]).first()
        if existing is not None:
            page = existing.specific
            if not isinstance(page, model):
                raise PageContentError(
                    f"{source.path}: /{data['slug']}/ already exists as a {type(page).__name__}, not a "
                    f"{model.__name__}; delete it in the admin or choose another slug."
                )
            return page
        page = model(title=data["title"], slug=data["slug"], live=False)
        if data["type"] == "blog_index":
            page.posts_per_page = data.get("posts_per_page", 9)
        parent.add_child(instance=page)
        self.counts.add("pages created")
        return page

    def _fill_page(self, source: _Source) -> None:
        data = source.data
        page = self.pages[data["slug"]]
        values = {
            "title": data["title"],
            "seo_title": data.get("seo_title", ""),
            "search_description": data.get("search_description", ""),
        }
        for name in PAGE_FIELDS[data["type"]] - {"body"}:
            values[name] = data.get(name, page._meta.get_field(name).get_default())
        if "body" in PAGE_FIELDS[data["type"]]:
            values["body"] = self._stream(page, "body", data.get("body", []), source.path)
        self._save_if_changed(page, values, created_key=None)

    def _load_post(self, source: _Source, blog: BlogIndexPage) -> None:
        data = source.data
        existing = blog.get_children().filter(slug=data["slug"]).first()
        post = existing.specific if existing is not None else None
        if post is not None and not isinstance(post, BlogPage):
            raise PageContentError(f"{source.path}: /{blog.slug}/{data['slug']}/ exists and is not a blog post.")
        if post is None:
            post = BlogPage(title=data["title"], slug=data["slug"], author=data["author"], date=data["date"],
                            intro=data["intro"], live=False)
            blog.add_child(instance=post)
            self.counts.add("blog posts created")
            changed_key = None
        else:
            changed_key = "blog posts updated"
        hero = data.get("hero_image")
        values = {
            "title": data["title"],
            "author": data["author"],
            "date": data["date"],
            "intro": data["intro"],
            "seo_title": data.get("seo_title", ""),
            "search_description": data.get("search_description", ""),
            "hero_image": self._image(hero, source.path) if hero else None,
            "body": self._stream(post, "body", data.get("body", []), source.path),
        }
        tags = sorted(set(data.get("tags", [])))
        self._save_if_changed(post, values, created_key=None, changed_key=changed_key, tags=tags)

    def _save_if_changed(self, page, values, created_key=None, changed_key="pages updated", tags=None):
        page = type(page).objects.get(pk=page.pk)  # fresh, with its current tags and stream data
        changed = not page.live or page.has_unpublished_changes
        for name, value in values.items():
            current = getattr(page, name)
            if name == "body":
                changed |= _strip_ids(list(current.raw_data)) != _strip_ids(value)
            elif name == "hero_image":
                changed |= (current.pk if current else None) != (value.pk if value else None)
            else:
                changed |= current != value
            setattr(page, name, value)
        if tags is not None:
            current_tags = sorted(tag.name for tag in page.tags.all())
            if current_tags != tags:
                changed = True
                page.tags.set(tags)
        if not changed:
            return
        was_live = page.live
        page.save_revision().publish()
        if was_live and changed_key:
            self.counts.add(changed_key)

    # Stream data: references by name become primary keys

    def _stream(self, page, field_name, raw, path) -> list:
        if not isinstance(raw, list):
            raise PageContentError(f"{path}: \"{field_name}\" must be a list of blocks.")
        stream_block = page._meta.get_field(field_name).stream_block
        return _normalised(stream_block, self._convert_stream(stream_block, raw, f"{path}: {field_name}"))

    def _convert_stream(self, stream_block, raw, where) -> list:
        converted = []
        for index, item in enumerate(raw):
            here = f"{where}[{index}]"
            if not isinstance(item, dict) or "type" not in item:
                raise PageContentError(f"{here}: a block is an object with \"type\" and \"value\".")
            block_type = item["type"]
            if block_type not in stream_block.child_blocks and item.get("plugin"):
                # A plugin's block, and that plugin is switched off: the page loads without it.
                self.progress(f"{here}: left out the {block_type!r} block (the {item['plugin']} plugin is off).")
                continue
            if block_type not in stream_block.child_blocks:
                raise PageContentError(
                    f"{here}: unknown block type {block_type!r}; use one of {', '.join(stream_block.child_blocks)}."
                )
            child = stream_block.child_blocks[block_type]
            value = self._convert(child, item.get("value"), f"{here} ({block_type})")
            converted.append({"type": block_type, "value": value})
        return converted

    def _convert(self, block, value, where):
        if isinstance(block, ImageChooserBlock):
            return self._image(value, where).pk if value else None
        if isinstance(block, ProductChooserBlock):
            return self._catalogue_pk("catalogue", "Product", value, where)
        if isinstance(block, CategoryChooserBlock):
            return self._catalogue_pk("catalogue", "Category", value, where)
        if isinstance(block, blocks.PageChooserBlock):
            if not value:
                return None
            if value not in self.pages:
                raise PageContentError(f"{where}: no page with slug {value!r} in content/pages/.")
            return self.pages[value].pk
        if isinstance(block, blocks.StructBlock):
            value = value or {}
            if not isinstance(value, dict):
                raise PageContentError(f"{where}: expected an object with {', '.join(block.child_blocks)}.")
            unknown = set(value) - set(block.child_blocks)
            if unknown:
                raise PageContentError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; "
                                       f"allowed: {', '.join(block.child_blocks)}.")
            result = {}
            for name, child in block.child_blocks.items():
                if name in value:
                    result[name] = self._convert(child, value[name], f"{where}.{name}")
                elif child.required and not isinstance(child, (blocks.StructBlock, blocks.ChooserBlock)):
                    raise PageContentError(f"{where}: \"{name}\" is required.")
                else:
                    result[name] = child.get_prep_value(child.get_default())
            return result
        if isinstance(block, blocks.ListBlock):
            if not isinstance(value, list):
                raise PageContentError(f"{where}: expected a list.")
            items = [
                self._convert(block.child_block, item, f"{where}[{i}]") for i, item in enumerate(_list_items(value))
            ]
            if isinstance(block.child_block, blocks.ChooserBlock):
                items = [item for item in items if item is not None]  # drop what is not in the catalogue
            return items
        if isinstance(block, blocks.StreamBlock):
            return self._convert_stream(block, value or [], where)
        return value

    def _catalogue_pk(self, app_label, model_name, slug, where):
        from oscar.core.loading import get_model

        if not slug:
            return None
        if not isinstance(slug, str):
            raise PageContentError(f"{where}: write a {model_name.lower()} as its slug (a string).")
        model = get_model(app_label, model_name)
        queryset = model.objects.filter(slug=slug)
        if model_name == "Category":
            queryset = queryset.order_by("path")  # the shallowest category with that slug
        else:
            queryset = queryset.filter(parent=None).order_by("pk")  # a canonical product, not a variant
        pk = queryset.values_list("pk", flat=True).first()
        if pk is None:
            self.missing_catalogue.add(f"{model_name.lower()} {slug}")
        return pk

    # Images drawn with Pillow

    def _collection_for_images(self):
        if self._collection is None:
            root = Collection.get_first_root_node()
            self._collection = root.get_children().filter(name=IMAGE_COLLECTION).first()
            if self._collection is None:
                self._collection = root.add_child(name=IMAGE_COLLECTION)
        return self._collection

    def _image(self, spec, where):
        if isinstance(spec, str):
            spec = {"title": spec}
        if not isinstance(spec, dict) or not isinstance(spec.get("title"), str) or not spec["title"].strip():
            raise PageContentError(f"{where}: an image is {{\"title\": ..., \"alt\": ..., \"palette\": ...}}.")
        palette = spec.get("palette", "leaf")
        if palette not in PALETTES:
            raise PageContentError(f"{where}: unknown palette {palette!r}; use one of {', '.join(PALETTES)}.")
        Image = get_image_model()
        collection = self._collection_for_images()
        image = Image.objects.filter(collection=collection, title=spec["title"]).first()
        if image is None:
            buffer = draw_picture(spec["title"], PALETTES[palette])
            slug = hashlib.sha1(spec["title"].encode()).hexdigest()[:10]
            image = Image(title=spec["title"], description=spec.get("alt", ""), collection=collection,
                          file=ImageFile(buffer, name=f"demo-{slug}.jpg"))
            image.save()
            self.counts.add("images created")
        elif spec.get("alt", "") != image.description:
            image.description = spec.get("alt", "")
            image.save(update_fields=["description"])
        return image

    # Navigation

    def _load_navigation(self, source: _Source, home: HomePage) -> None:
        data = source.data
        unknown = set(data) - {"header", "footer", "social"}
        if unknown:
            raise PageContentError(f"{source.path}: unknown key(s) {', '.join(sorted(unknown))}; "
                                   f"use header, footer and social.")

        def links(key):
            items = data.get(key, [])
            result = []
            for index, item in enumerate(items):
                where = f"{source.path}: {key}[{index}]"
                if not isinstance(item, dict) or not item.get("label"):
                    raise PageContentError(f"{where}: a link is {{\"label\": ..., \"page\": slug}} or "
                                           f"{{\"label\": ..., \"url\": ...}}.")
                if bool(item.get("page")) == bool(item.get("url")):
                    raise PageContentError(f"{where}: give either \"page\" (a slug) or \"url\", not both or neither.")
                page_pk = None
                if item.get("page"):
                    if item["page"] not in self.pages:
                        raise PageContentError(f"{where}: no page with slug {item['page']!r} in content/pages/.")
                    page_pk = self.pages[item["page"]].pk
                result.append({"type": "link", "value": {"label": item["label"],
                                                         "link": {"page": page_pk, "url": item.get("url", "")}}})
            return result

        social = []
        for index, item in enumerate(data.get("social", [])):
            if not isinstance(item, dict) or not item.get("name") or not str(item.get("url", "")).startswith("http"):
                raise PageContentError(
                    f"{source.path}: social[{index}]: write {{\"name\": ..., \"url\": \"https://...\"}}."
                )
            social.append({"type": "social", "value": {"name": item["name"], "url": item["url"]}})

        site = Site.objects.get(root_page=home, is_default_site=True)
        settings = NavigationSettings.for_site(site)
        wanted = {
            name: _normalised(NavigationSettings._meta.get_field(name).stream_block, value)
            for name, value in (("header_links", links("header")), ("footer_links", links("footer")),
                                ("social_links", social))
        }
        current = {name: _strip_ids(list(getattr(settings, name).raw_data)) for name in wanted}
        if any(current[name] != _strip_ids(value) for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(settings, name, value)
            settings.save()
            self.counts.add("navigation settings updated")


def draw_picture(title: str, palette: tuple[str, str, str], size=(1600, 900)) -> BytesIO:
    """A soft, leafy abstract picture for a demo image: a gradient, a glow and leaf shapes.

    The title seeds the random numbers, so the same title always draws the same picture.
    """
    top, bottom, leaf = (PILImage.new("RGB", (1, 1), colour).getpixel((0, 0)) for colour in palette)
    width, height = size
    gradient = PILImage.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        gradient.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    picture = gradient.resize(size)

    rng = random.Random(hashlib.sha256(title.encode()).digest())
    # The glow of the lights, blurred at an eighth of the size (blurring full size is slow), then scaled up.
    small = (width // 8, height // 8)
    glow = PILImage.new("L", small, 0)
    cx, cy = rng.randint(small[0] // 4, 3 * small[0] // 4), rng.randint(0, small[1] // 3)
    ImageDraw.Draw(glow).ellipse((cx - 62, cy - 44, cx + 62, cy + 44), fill=110)
    glow = glow.filter(ImageFilter.GaussianBlur(20)).resize(size, PILImage.BILINEAR)
    picture.paste(PILImage.new("RGB", size, (255, 244, 214)), mask=glow)

    leaves = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(leaves, "RGBA")  # "RGBA" mode blends overlapping leaves
    steps = [i / 24 for i in range(25)]
    for _ in range(34):
        length, breadth = rng.randint(90, 260), rng.randint(40, 110)
        shade = tuple(max(0, min(255, c + rng.randint(-40, 30))) for c in leaf) + (rng.randint(120, 220),)
        cx, cy = rng.randint(0, width), rng.randint(height // 3, height)
        angle = rng.uniform(0, math.pi)
        cos, sin = math.cos(angle), math.sin(angle)

        def turned(x, y):
            return (cx + x * cos - y * sin, cy + x * sin + y * cos)

        # A pointed leaf: two sine arcs meeting at the tips, and a paler midrib.
        half = [(t * length - length / 2, breadth / 2 * math.sin(math.pi * t) ** 0.8) for t in steps]
        outline = [turned(x, -y) for x, y in half] + [turned(x, y) for x, y in reversed(half)]
        draw.polygon(outline, fill=shade)
        draw.line([turned(-length / 2, 0), turned(length / 2, 0)], fill=(255, 255, 255, 70), width=3)
    # A row of grow lights across the top.
    for i in range(6):
        x = 80 + i * (width - 160) // 5
        draw.rounded_rectangle((x - 90, 30, x + 90, 46), radius=8, fill=(255, 236, 250, 200))
    picture = PILImage.alpha_composite(picture.convert("RGBA"), leaves.filter(ImageFilter.GaussianBlur(1.2)))

    buffer = BytesIO()
    picture.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True)
    buffer.seek(0)
    return buffer
