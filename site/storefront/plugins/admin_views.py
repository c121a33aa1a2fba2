"""The Wagtail admin page for plugins: the same list as `manage.py plugins`, per-site switches, configuration."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from wagtail.models import Site

from .config import config_form_class, form_data
from .enablement import scope_for_site
from .host import get_host
from .models import PluginSetting
from .report import plugin_report


def can_manage_plugins(user):
    return user.is_active and (user.is_superuser or user.has_perm("plugin_host.change_pluginsetting"))


def _check(request):
    if not can_manage_plugins(request.user):
        raise PermissionDenied


def plugin_list(request):
    _check(request)
    host = get_host()
    sites = list(Site.objects.order_by("hostname", "port"))
    scopes = {site.pk: scope_for_site(site, host) for site in sites}
    rows = plugin_report(host, sites)
    for row in rows:
        row["sites"] = [
            {"site": site, "enabled": scopes[site.pk].allows(row["id"])} for site in sites
        ] if row["id"] in host.plugins else []
    return render(request, "storefront/plugins/admin/list.html", {"rows": rows, "sites": sites})


def _plugin_and_site(plugin_id, site_id):
    if plugin_id not in get_host().plugins:
        raise Http404(f"No plugin {plugin_id!r} is installed.")
    return get_object_or_404(Site, pk=site_id)


@require_POST
def plugin_toggle(request, plugin_id, site_id):
    _check(request)
    site = _plugin_and_site(plugin_id, site_id)
    currently = scope_for_site(site).allows(plugin_id)
    with transaction.atomic():
        setting, _ = PluginSetting.objects.select_for_update().get_or_create(
            site=site, plugin_id=plugin_id, defaults={"enabled": not currently}
        )
        if setting.enabled == currently:
            setting.enabled = not currently
            setting.save()
    state = "on" if setting.enabled else "off"
    messages.success(request, f"{plugin_id} is now {state} for {site.hostname}.")
    return redirect("storefront_plugins:list")


@require_POST
def plugin_reset(request, plugin_id):
    _check(request)
    if plugin_id not in get_host().plugins:
        raise Http404
    get_host().reset_breaker(plugin_id)
    messages.success(request, f"{plugin_id}'s failure breaker is reset.")
    return redirect("storefront_plugins:list")


def plugin_configure(request, plugin_id, site_id):
    _check(request)
    site = _plugin_and_site(plugin_id, site_id)
    form_class = config_form_class(plugin_id)
    setting = PluginSetting.objects.filter(site=site, plugin_id=plugin_id).first()
    stored = setting.config if setting else {}
    if request.method == "POST":
        form = form_class(data=request.POST)
        if form.is_valid():
            config = {name: form[name].value() for name in form.fields}
            with transaction.atomic():
                setting, _ = PluginSetting.objects.select_for_update().get_or_create(
                    site=site, plugin_id=plugin_id,
                    defaults={"enabled": scope_for_site(site).allows(plugin_id), "config": config},
                )
                setting.config = config
                setting.save()
            messages.success(request, f"{plugin_id}'s settings for {site.hostname} are saved.")
            return redirect("storefront_plugins:list")
    else:
        form = form_class(initial=form_data(form_class, stored))
    return render(
        request,
        "storefront/plugins/admin/configure.html",
        {"form": form, "plugin": get_host().plugins[plugin_id], "site": site},
    )
