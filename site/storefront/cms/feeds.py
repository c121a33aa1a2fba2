"""The RSS feed of a blog index page, served by BlogIndexPage at <blog>/feed/."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone


class BlogFeed(Feed):
    """The newest posts of one BlogIndexPage; built per request from the page."""

    max_items = 20

    def __init__(self, blog_index):
        super().__init__()
        self.blog_index = blog_index

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.blog_index.seo_title or self.blog_index.title

    def link(self):
        return self.blog_index.get_full_url(request=self.request)

    def description(self):
        return self.blog_index.search_description or self.blog_index.intro

    def items(self):
        return self.blog_index.posts()[: self.max_items]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.get_full_url(request=self.request)

    def item_author_name(self, item):
        return item.author

    def item_pubdate(self, item):
        # A post has a date, not a time: publish it at midnight in the site's zone.
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time.min))

    def item_categories(self, item):
        # tagged_items is prefetched by BlogIndexPage.posts(); tags.all() would query per post.
        return [tagged.tag.name for tagged in item.tagged_items.all()]
