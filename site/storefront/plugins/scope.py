"""Which plugins are on for the site being served, and with what configuration.

A ``Scope`` is computed once per site and cached (see ``enablement.py``); the
middleware puts the request's scope in a context variable so that template
tags, views and hooks called deep inside Oscar all see the same site without
passing it around.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    """The plugins enabled for one site (None = every registered plugin) and their configs."""

    site: object = None
    enabled: frozenset | None = None
    configs: dict = field(default_factory=dict)

    def allows(self, plugin_id):
        return self.enabled is None or plugin_id in self.enabled

    def config_for(self, plugin_id):
        return self.configs.get(plugin_id, {})


current_scope = ContextVar("storefront_plugin_scope", default=None)


def activate(scope):
    """Make ``scope`` current; returns a token for ``deactivate``."""
    return current_scope.set(scope)


def deactivate(token):
    current_scope.reset(token)
