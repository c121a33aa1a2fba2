"""Create the "Marketers" group: the Wagtail admin and nothing of the shop dashboard.

Marketers get admin access; add, change and publish on the whole page tree
(granted on the root page); add, change, choose and delete on images and
documents in every collection (granted on the root collection); the site
navigation settings; and redirects for campaign URLs. They get no
partner.dashboard_access and are not staff, so Oscar's dashboard refuses them.

Permissions are fetched with get_or_create because on a fresh database this
runs before Django's post_migrate signal creates them. Running it again adds
nothing.
"""

from django.db import migrations

GROUP_NAME = "Marketers"

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]

COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ["add_image", "change_image", "choose_image", "delete_image"],
    ("wagtaildocs", "document"): ["add_document", "change_document", "choose_document", "delete_document"],
}

MODEL_PERMISSIONS = {
    ("wagtailadmin", "admin"): ["access_admin"],
    ("cms", "navigationsettings"): ["change_navigationsettings"],
    ("wagtailredirects", "redirect"): ["add_redirect", "change_redirect", "delete_redirect"],
}


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    action, _, _ = codename.partition("_")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {action.replace('_', ' ')} {model}"},
    )
    return permission


def create_marketers_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)

    for (app_label, model), codenames in MODEL_PERMISSIONS.items():
        group.permissions.add(*[_permission(apps, app_label, model, codename) for codename in codenames])

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=_permission(apps, "wagtailcore", "page", codename)
            )

    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for (app_label, model), codenames in COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                permission = _permission(apps, app_label, model, codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
                # Wagtail's own groups hold these at model level too; some admin
                # menus (e.g. the Images menu item) look there first.
                group.permissions.add(permission)


def remove_marketers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(create_marketers_group, remove_marketers_group)]
