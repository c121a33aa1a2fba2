"""What plugins compute for one request, kept for the rest of that request.

Several hooks of one page often need the same data: on a product page the
VibeLux panel (template context), its badge and the energy data it supplies
to the energy badges plugin all read the product's growers and crop cycles.
``request_memo(name)`` gives each of them the same dict for the request being
served, so the first hook fills it and the others read it::

    from storefront.plugins.memo import request_memo

    memo = request_memo("vibelux.growers")      # {product_id: (partner_id, ...)}
    missing = [pk for pk in product_ids if pk not in memo]

PluginScopeMiddleware opens the memo when a request starts and drops it when
the response is done, so nothing outlives the request. Outside a request
(tasks, shell, tests calling a hook directly) every call returns a new empty
dict: the code computes afresh, exactly as without the memo.
"""

from contextvars import ContextVar

_current = ContextVar("storefront_plugin_request_memo", default=None)


def request_memo(name):
    """The dict named ``name`` for the current request (a new throwaway dict outside one)."""
    memo = _current.get()
    if memo is None:
        return {}
    return memo.setdefault(name, {})


def start():
    """Open an empty memo for a request; returns a token for ``end``."""
    return _current.set({})


def end(token):
    _current.reset(token)
