"""The Marketers group (data migration): the Wagtail admin yes, Oscar's dashboard no."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from storefront.cms import factories
from storefront.cms.models import StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer():
    user = get_user_model().objects.create_user("mo", "mo@example.com", "a-long-test-password")
    user.groups.add(Group.objects.get(name="Marketers"))
    return user


@pytest.fixture
def about():
    home = factories.create_home_page()
    return factories.create_standard_page(home, title="About us", slug="about",
                                          body=[("paragraph", "<p>Old text.</p>")])


def test_the_group_holds_page_media_and_settings_permissions_but_no_dashboard_access():
    group = Group.objects.get(name="Marketers")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "change_navigationsettings", "add_image", "choose_document"} <= codenames
    assert "dashboard_access" not in codenames

    root = Page.get_first_root_node()
    page_permissions = set(
        GroupPagePermission.objects.filter(group=group, page=root).values_list("permission__codename", flat=True)
    )
    assert page_permissions == {"add_page", "change_page", "publish_page"}
    collection_permissions = set(
        GroupCollectionPermission.objects.filter(group=group, collection=Collection.get_first_root_node())
        .values_list("permission__codename", flat=True)
    )
    assert {"add_image", "change_image", "choose_image", "add_document", "choose_document"} <= collection_permissions


def test_marketer_opens_edits_and_publishes_a_page_in_the_admin(client, marketer, about):
    assert not marketer.is_staff
    client.force_login(marketer)
    assert client.get("/admin/").status_code == 200

    edit_url = f"/admin/pages/{about.pk}/edit/"
    response = client.get(edit_url)
    assert response.status_code == 200
    assert b"About us" in response.content

    data = nested_form_data({
        "title": "About Grown Indoors",
        "slug": "about",
        "intro": "Who grows your greens.",
        "body": streamfield([("paragraph", rich_text("<p>New text from marketing.</p>"))]),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    })
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    about = StandardPage.objects.get(pk=about.pk)
    assert about.title == "About Grown Indoors"
    assert about.live and not about.has_unpublished_changes
    assert "New text from marketing." in client.get("/about/").content.decode()


def test_marketer_can_use_images_settings_and_the_product_chooser(client, marketer, about):
    client.force_login(marketer)
    site = Site.objects.get(is_default_site=True)
    assert client.get("/admin/images/").status_code == 200
    assert client.get("/admin/images/multiple/add/").status_code == 200
    assert client.get(f"/admin/settings/cms/navigationsettings/{site.pk}/").status_code == 200
    assert client.get("/admin/cms/choose-product/").status_code == 200


@pytest.mark.parametrize("url", ["/shop/dashboard/", "/shop/dashboard/catalogue/", "/shop/dashboard/orders/"])
def test_marketer_is_refused_by_the_shop_dashboard(client, marketer, url):
    client.force_login(marketer)
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response["Location"]


def test_a_customer_without_the_group_cannot_enter_the_admin(client, about):
    customer = get_user_model().objects.create_user("cy", "cy@example.com", "a-long-test-password")
    client.force_login(customer)
    response = client.get(f"/admin/pages/{about.pk}/edit/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
