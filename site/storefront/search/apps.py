"""The search app: Oscar's search app forked under the same label ("search").

Forked because the views, form, facets and index all change: facets become
plain bookmarkable links, buyers search by distance from a place, and saved
searches need models.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarConfig
from oscar.core.loading import get_class


class SearchConfig(OscarConfig):
    label = "search"
    name = "storefront.search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.AutoField"

    namespace = "search"

    # pylint: disable=attribute-defined-outside-init
    def ready(self):
        from . import receivers  # noqa: F401  (queues index updates after commit)

        self.search_view = get_class("search.views", "FacetedSearchView")
        self.autocomplete_view = get_class("search.views", "AutocompleteView")
        self.save_search_view = get_class("search.views", "SaveSearchView")
        self.saved_searches_view = get_class("search.views", "SavedSearchListView")
        self.delete_saved_search_view = get_class("search.views", "DeleteSavedSearchView")

    def get_urls(self):
        urlpatterns = [
            path("", self.search_view.as_view(), name="search"),
            path("autocomplete/", self.autocomplete_view.as_view(), name="autocomplete"),
            path("saved/", self.saved_searches_view.as_view(), name="saved-list"),
            path("saved/add/", self.save_search_view.as_view(), name="saved-add"),
            path("saved/<int:pk>/delete/", self.delete_saved_search_view.as_view(), name="saved-delete"),
        ]
        return self.post_process_urls(urlpatterns)
