"""Wagtail page types and site settings that marketers edit.

HomePage (the site root) holds LandingPages, StandardPages and one
BlogIndexPage; the blog index holds BlogPages and serves the listing (tag
filter, pagination) and an RSS feed at feed/. Bodies are StreamFields built
from storefront.cms.blocks. NavigationSettings holds the header, footer and
social links that oscar/layout.html renders on every page of the site, shop
included.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BlogStreamBlock, BodyStreamBlock, NavigationLinkBlock, SocialLinkBlock
from .fields import PluginStreamField


class HomePage(Page):
    """The root page of a site: a StreamField of heroes, text and commerce blocks."""

    body = PluginStreamField(BodyStreamBlock, blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.LandingPage", "cms.StandardPage", "cms.BlogIndexPage"]

    class Meta:
        verbose_name = _("home page")


class LandingPage(Page):
    """A campaign page for one audience (restaurants, retailers...), built from blocks."""

    intro = models.TextField(blank=True, max_length=400, help_text=_("One or two sentences under the title."))
    body = PluginStreamField(BodyStreamBlock, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.LandingPage"]
    subpage_types = ["cms.LandingPage"]

    class Meta:
        verbose_name = _("landing page")


class StandardPage(Page):
    """A plain content page: About, delivery information, terms."""

    intro = models.TextField(blank=True, max_length=400)
    body = PluginStreamField(BodyStreamBlock, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class BlogPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.BlogPage", on_delete=models.CASCADE, related_name="tagged_items")


class BlogIndexPage(RoutablePageMixin, Page):
    """The blog: newest posts first, filterable by tag (?tag=), paginated (?page=), with an RSS feed."""

    intro = models.TextField(blank=True, max_length=400)
    posts_per_page = models.PositiveSmallIntegerField(
        default=9, help_text=_("How many posts one page of the listing shows (1 to 48).")
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("posts_per_page")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.BlogPage"]

    class Meta:
        verbose_name = _("blog index page")

    def clean(self):
        super().clean()
        if not 1 <= self.posts_per_page <= 48:
            raise ValidationError({"posts_per_page": _("Choose between 1 and 48 posts per page.")})

    def posts(self):
        """Live posts under this index, newest first, with what a listing card reads."""
        return (
            BlogPage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("hero_image")
            .prefetch_related("tagged_items__tag")
            .order_by("-date", "-pk")
        )

    def tags(self):
        """Tags used by at least one live post of this blog, alphabetically."""
        return (
            Tag.objects.filter(cms_blogpagetag_items__content_object__in=self.posts().values("pk"))
            .distinct()
            .order_by("name")
        )

    @path("")
    def index_route(self, request):
        posts = self.posts()
        tag = request.GET.get("tag", "").strip()
        if tag:
            posts = posts.filter(tags__slug=tag)
        paginator = Paginator(posts, self.posts_per_page)
        try:
            page_of_posts = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_of_posts = paginator.page(1)
        except EmptyPage:
            page_of_posts = paginator.page(paginator.num_pages)
        return self.render(
            request,
            context_overrides={"posts": page_of_posts, "paginator": paginator, "current_tag": tag, "tags": self.tags()},
        )

    @path("feed/", name="feed")
    def feed_route(self, request):
        from .feeds import BlogFeed

        return BlogFeed(self)(request)


class BlogPage(Page):
    """One blog post: author, date, tags, a hero image, an intro and a StreamField body."""

    author = models.CharField(max_length=120)
    date = models.DateField(_("post date"))
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intro = models.TextField(max_length=500, help_text=_("The summary shown in listings and the RSS feed."))
    body = StreamField(BlogStreamBlock())
    tags = ClusterTaggableManager(through=BlogPageTag, blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("author"), FieldPanel("date"), FieldPanel("tags")], heading=_("About this post")),
        FieldPanel("hero_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["cms.BlogIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("blog post")


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """Header, footer and social links of one site, shown on CMS and shop pages alike."""

    header_links = StreamField([("link", NavigationLinkBlock())], blank=True)
    footer_links = StreamField([("link", NavigationLinkBlock())], blank=True)
    social_links = StreamField([("social", SocialLinkBlock())], blank=True)

    panels = [FieldPanel("header_links"), FieldPanel("footer_links"), FieldPanel("social_links")]

    class Meta:
        verbose_name = _("navigation")
