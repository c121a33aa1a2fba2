"""Template context from plugins (the ``storefront_template_context`` hook) for the request's site."""

from .host import get_host


class GuardedLazy:
    """A plugin's callable context value: called when a template first reads it, guarded like the hook."""

    def __init__(self, host, plugin_id, function):
        self.host, self.plugin_id, self.function = host, plugin_id, function
        self.called, self.value = False, None

    def __call__(self):
        if not self.called:
            self.called = True
            try:
                self.value = self.function()
            except Exception as exc:
                self.host._record_failure(self.plugin_id, "storefront_template_context", exc)
        return self.value


def plugin_context(request):
    scope = getattr(request, "plugin_scope", None)
    if scope is None:
        return {}
    host = get_host()
    merged = {}
    for plugin_id, extra in host.call_with_ids("storefront_template_context", scope=scope, request=request):
        merged.update(
            {name: GuardedLazy(host, plugin_id, value) if callable(value) else value for name, value in extra.items()}
        )
    return merged
