"""Plugins' entries in the Oscar dashboard menu.

Oscar builds its menu from settings.OSCAR_DASHBOARD_NAVIGATION on every
request, so the host appends plugins' entries to that list once at start.
Oscar's default access check only knows Oscar's own dashboard views, so an
entry without ``access_fn`` gets one that admits staff and partner users.
"""


def staff_or_partner_access(user, url_name, url_args=None, url_kwargs=None):
    return user.is_active and (user.is_staff or user.has_perm("partner.dashboard_access"))


def _with_access(entry):
    entry = dict(entry)
    if entry.get("url_name"):
        entry.setdefault("access_fn", staff_or_partner_access)
    if entry.get("children"):
        entry["children"] = [_with_access(child) for child in entry["children"]]
    return entry


def add_dashboard_navigation(host):
    from django.conf import settings

    navigation = list(settings.OSCAR_DASHBOARD_NAVIGATION)
    added = False
    for _plugin_id, entries in host.collect_startup("storefront_dashboard_navigation"):
        for entry in entries:
            if entry not in navigation:
                navigation.append(_with_access(entry))
                added = True
    if added:
        settings.OSCAR_DASHBOARD_NAVIGATION = navigation
