"""The plugin request memo: one dict per name for the request being served, nothing kept outside a request."""

from django.http import HttpResponse
from django.test import RequestFactory

from storefront.plugins.memo import request_memo
from storefront.plugins.middleware import PluginScopeMiddleware


def test_outside_a_request_every_call_gets_a_new_empty_memo():
    request_memo("example")["answer"] = 42
    assert request_memo("example") == {}


def test_hooks_of_one_request_share_the_memo_and_the_next_request_starts_empty(db):
    seen = []

    def view(request):
        request_memo("example").setdefault("calls", []).append("first hook")
        request_memo("example")["calls"].append("second hook")
        seen.append(list(request_memo("example")["calls"]))
        return HttpResponse("ok")

    middleware = PluginScopeMiddleware(view)
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().get("/"))
    assert seen == [["first hook", "second hook"], ["first hook", "second hook"]]
    assert request_memo("example") == {}  # dropped with the response
