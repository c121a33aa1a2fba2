"""Demo users, one per role. Their passwords are for a local demo only."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from oscar.core.loading import get_model

# email, password, role, partner code (sellers only)
DEMO_USERS = [
    ("admin@example.com", "admin-demo-pass", "admin", None),
    ("marketer@example.com", "marketer-demo-pass", "marketer", None),
    ("seller1@example.com", "seller-demo-pass", "seller", None),
    ("seller2@example.com", "seller-demo-pass", "seller", None),
    ("buyer@example.com", "buyer-demo-pass", "buyer", None),
]
MARKETERS_GROUP = "Marketers"


def load_users(seller_partner_codes, progress):
    """Create or update the demo users; sellers are linked to the given partners in order."""
    User = get_user_model()
    Partner = get_model("partner", "Partner")
    dashboard_access = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    sellers = iter(seller_partner_codes)
    created = 0
    summary = []
    for email, password, role, _ in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=email[:150], defaults={"email": email, "first_name": role.title()}
        )
        created += was_created
        user.email = email
        user.is_staff = role == "admin"
        user.is_superuser = role == "admin"
        user.set_password(password)
        user.save()
        note = ""
        if role == "marketer":
            group = Group.objects.filter(name=MARKETERS_GROUP).first()
            if group is None:
                raise RuntimeError(f"The {MARKETERS_GROUP!r} group is missing: run `manage.py migrate` first.")
            user.groups.add(group)
        elif role == "seller":
            code = next(sellers, None)
            partner = Partner.objects.filter(code=code).first() if code else None
            if partner is None:
                raise RuntimeError(f"Seller {email} needs a grower (partner code {code!r}); load the catalogue first.")
            partner.users.add(user)
            user.user_permissions.add(dashboard_access)
            note = f" (grower: {partner.name})"
        summary.append((role, email, password, note))
    for role, email, password, note in summary:
        progress(f"  {role:<9} {email:<28} password: {password}{note}")
    return {"users created": created, "users": len(DEMO_USERS)}
