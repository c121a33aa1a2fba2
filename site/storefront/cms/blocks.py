"""StreamField blocks shared by every CMS page type.

Content blocks (hero, rich text, image, call to action, quote, FAQ) and
commerce blocks that show live catalogue data from Oscar (featured products,
category grid, newest products). Commerce blocks only read, through
storefront.cms.commerce, with a fixed number of queries per block. Each block
names its icon, its template under cms/blocks/ and a preview value for the
block picker in the admin.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from . import commerce
from .choosers import category_chooser_viewset, product_chooser_viewset

ProductChooserBlock = product_chooser_viewset.get_block_class(
    name="ProductChooserBlock", module_path="storefront.cms.blocks"
)
CategoryChooserBlock = category_chooser_viewset.get_block_class(
    name="CategoryChooserBlock", module_path="storefront.cms.blocks"
)

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul", "hr", "blockquote"]
SHORT_RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

# Shows a block in the admin's block picker with the site's own stylesheet.
PREVIEW_TEMPLATE = "cms/blocks/preview.html"

_ABSOLUTE_PATH = re.compile(r"^/[^\s]*$")


def validate_link_url(value: str) -> None:
    """Accept an absolute http(s)/mailto URL or a site path such as /shop/."""
    if not value or _ABSOLUTE_PATH.match(value) or value.startswith("mailto:"):
        return
    URLValidator(schemes=["http", "https"], message=_("Enter a full URL (https://...) or a path starting with /."))(
        value
    )


class LinkBlock(blocks.StructBlock):
    """A link to a page of this site or to a URL; exactly one of the two."""

    page = blocks.PageChooserBlock(required=False, help_text=_("A page of this site."))
    url = blocks.CharBlock(
        required=False,
        max_length=500,
        validators=[validate_link_url],
        help_text=_("Or a URL: https://... or a path such as /shop/."),
    )

    class Meta:
        icon = "link"
        label = _("Link")
        form_classname = "link-block"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose a page or enter a URL (one of the two).")
            raise StructBlockValidationError(
                block_errors={
                    "page": ErrorList([ValidationError(message)]),
                    "url": ErrorList([ValidationError(message)]),
                }
            )
        return value

    def get_url(self, value, request=None) -> str:
        """The link's URL; empty for a page that is not live, so templates leave the link out."""
        page = value.get("page")
        if page:
            return (page.get_url(request=request) or "") if page.live else ""
        return value.get("url") or ""


class ButtonBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=60)
    link = LinkBlock()

    class Meta:
        icon = "link-external"
        label = _("Button")


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    subheading = blocks.TextBlock(required=False, max_length=300)
    image = ImageChooserBlock(required=False, help_text=_("A wide photo; the text sits on a dark overlay."))
    button_text = blocks.CharBlock(required=False, max_length=60)
    button_link = blocks.CharBlock(
        required=False,
        max_length=500,
        validators=[validate_link_url],
        help_text=_("https://... or a path such as /shop/."),
    )

    class Meta:
        icon = "image"
        template = "cms/blocks/hero.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("Hero")
        description = _("A full-width banner with a heading, a line of text and a button.")
        preview_value = {
            "heading": "Salad picked this morning, in your kitchen by lunch",
            "subheading": "Leafy greens and herbs from indoor farms within 30 miles.",
            "button_text": "Shop fresh produce",
            "button_link": "/shop/",
        }

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("button_text")) != bool(value.get("button_link")):
            message = _("A button needs both a text and a link.")
            raise StructBlockValidationError(
                block_errors={"button_link": ErrorList([ValidationError(message)])}
            )
        return value


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "cms/blocks/rich_text.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("Text")
        preview_value = (
            "<h2>Why indoor?</h2><p>Grown under LEDs a few miles away, our greens reach you "
            "<b>within a day of harvest</b>, with no pesticides and a fraction of the water.</p>"
        )


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=250)
    attribution = blocks.CharBlock(required=False, max_length=120)
    wide = blocks.BooleanBlock(required=False, help_text=_("Use the full width of the page."))

    class Meta:
        icon = "image"
        template = "cms/blocks/image_with_caption.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("Image")
        description = _("A picture with an optional caption and credit.")
        preview_value = {"caption": "Basil under full-spectrum LEDs", "attribution": "Photo: the grower"}


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(required=False, features=SHORT_RICH_TEXT_FEATURES)
    button = ButtonBlock()
    tone = blocks.ChoiceBlock(
        choices=[("brand", _("Brand colour")), ("light", _("Light")), ("dark", _("Dark"))], default="brand"
    )

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("Call to action")
        description = _("A coloured panel with a heading, a short text and one button.")
        preview_value = {
            "heading": "Open a trade account",
            "text": "<p>Weekly standing orders, invoice billing and delivery before service.</p>",
            "button": {"text": "Register", "link": {"url": "/shop/accounts/login/"}},
            "tone": "brand",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        link_block = self.child_blocks["button"].child_blocks["link"]
        context["button_url"] = link_block.get_url(value["button"]["link"], request)
        return context


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    name = blocks.CharBlock(max_length=100)
    role = blocks.CharBlock(required=False, max_length=120, help_text=_("e.g. Head chef, The Larder"))

    class Meta:
        icon = "openquote"
        template = "cms/blocks/testimonial.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("Testimonial")
        description = _("A quote from a customer or grower.")
        preview_value = {
            "quote": "The pea shoots arrive cut that morning. Nothing from the wholesale market comes close.",
            "name": "Amira Khan",
            "role": "Head chef, The Larder",
        }


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=SHORT_RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question")


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="Frequently asked questions")
    items = blocks.ListBlock(FAQItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "cms/blocks/faq.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("FAQ")
        description = _("Questions and answers that fold open.")
        preview_value = {
            "heading": "Frequently asked questions",
            "items": [
                {"question": "When do you deliver?", "answer": "<p>Tuesday to Saturday, before 10am.</p>"},
                {"question": "Is there a minimum order?", "answer": "<p>£40 for trade accounts.</p>"},
            ],
        }


class _CommerceBlock(blocks.StructBlock):
    """Base for blocks that read the catalogue: the request gives the pricing strategy."""

    @staticmethod
    def _request(parent_context):
        return (parent_context or {}).get("request")


class FeaturedProductsBlock(_CommerceBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    intro = blocks.TextBlock(required=False, max_length=300)
    products = blocks.ListBlock(ProductChooserBlock(), help_text=_("Products hidden from the shop are skipped."))

    class Meta:
        icon = "pick"
        template = "cms/blocks/product_grid.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("Featured products")
        description = _("Products you choose, with live price and stock from the shop.")
        preview_value = {"heading": "This week's picks", "products": []}

    def get_preview_value(self):
        # The admin preview shows real products: the four newest in the shop.
        value = super().get_preview_value()
        value["products"] = list(commerce.product_queryset().order_by("-date_created")[:4])
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        ids = [product.pk for product in value["products"] if product is not None]
        context["cards"] = commerce.chosen_products(ids, self._request(parent_context))
        return context


class CategoryGridBlock(_CommerceBlock):
    """Tiles of the chosen categories; a category with no product on the site being served is left out."""

    heading = blocks.CharBlock(required=False, max_length=120)
    categories = blocks.ListBlock(
        CategoryChooserBlock(),
        default=[],
        help_text=_("Leave empty to show every top-level category of the shop."),
    )

    class Meta:
        icon = "folder-open-inverse"
        template = "cms/blocks/category_grid.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("Category grid")
        description = _("Tiles linking to shop categories.")
        preview_value = {"heading": "Shop by category", "categories": []}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        ids = [category.pk for category in value["categories"] if category is not None]
        context["cards"] = commerce.category_cards(ids, self._request(parent_context))
        return context


class NewestProductsBlock(_CommerceBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    category = CategoryChooserBlock(help_text=_("Products in this category and its subcategories."))
    count = blocks.IntegerBlock(min_value=1, max_value=24, default=4)

    class Meta:
        icon = "date"
        template = "cms/blocks/product_grid.html"
        preview_template = PREVIEW_TEMPLATE
        label = _("Newest products")
        description = _("The latest products added to a category.")
        preview_value = {"heading": "Just harvested", "count": 4}

    def get_preview_value(self):
        # The admin preview uses the first top-level category of the shop.
        value = super().get_preview_value()
        value["category"] = commerce.Category.objects.browsable().filter(depth=1).order_by("path").first()
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        category = value["category"]  # None when the category was deleted or never loaded
        context["cards"] = commerce.newest_products(category, value["count"], self._request(parent_context))
        if category is not None and context["cards"]:
            link = commerce.category_cards([category.pk], self._request(parent_context))  # empty if hidden
            context["more_url"] = link[0].url if link else ""
        return context


class BodyStreamBlock(blocks.StreamBlock):
    """The body of home, landing and standard pages."""

    hero = HeroBlock()
    paragraph = ParagraphBlock(features=RICH_TEXT_FEATURES)
    image = ImageWithCaptionBlock()
    call_to_action = CallToActionBlock()
    testimonial = TestimonialBlock()
    faq = FAQBlock()
    featured_products = FeaturedProductsBlock()
    category_grid = CategoryGridBlock()
    newest_products = NewestProductsBlock()


class BlogStreamBlock(blocks.StreamBlock):
    """The body of a blog post: text first, with the odd picture, quote or product."""

    paragraph = ParagraphBlock(features=RICH_TEXT_FEATURES)
    image = ImageWithCaptionBlock()
    testimonial = TestimonialBlock()
    call_to_action = CallToActionBlock()
    featured_products = FeaturedProductsBlock()


class NavigationLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=40)
    link = LinkBlock()

    class Meta:
        icon = "link"
        label = _("Navigation link")


class SocialLinkBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=40, help_text=_("e.g. Instagram"))
    url = blocks.URLBlock()

    class Meta:
        icon = "site"
        label = _("Social link")
