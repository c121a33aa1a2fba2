"""Who may open the payments dashboard. Imported by the settings, so it imports no models."""


def can_use_payments_dashboard(user):
    """Staff, or a partner user with Oscar's partner.dashboard_access permission."""
    if not user.is_authenticated:
        return False
    return user.is_staff or (user.has_perm("partner.dashboard_access") and user.partners.exists())


def payouts_nav_access(user, url_name, url_args=None, url_kwargs=None):
    """access_fn of the dashboard's "Payouts" menu entry (Oscar's signature)."""
    return can_use_payments_dashboard(user)
