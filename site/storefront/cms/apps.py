from django.apps import AppConfig


class CmsConfig(AppConfig):
    """The Wagtail CMS: page types, StreamField blocks and site settings for marketers."""

    name = "storefront.cms"
    label = "cms"
