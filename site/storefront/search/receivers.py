"""Queue index updates when a product, its stock or its grower changes.

Connected in SearchConfig.ready(). Each receiver only queues a task after
commit (tasks.queue_reindex); nothing here touches the index inside the
request.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from .tasks import queue_reindex

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")


def _browsable_id(product):
    # a child variant is searched through its parent
    return product.parent_id or product.pk


@receiver(post_save, sender=Product, dispatch_uid="search-product-saved")
@receiver(post_delete, sender=Product, dispatch_uid="search-product-deleted")
def product_changed(sender, instance, **kwargs):
    queue_reindex([_browsable_id(instance)])


@receiver(post_save, sender=StockRecord, dispatch_uid="search-stock-saved")
@receiver(post_delete, sender=StockRecord, dispatch_uid="search-stock-deleted")
def stock_changed(sender, instance, **kwargs):
    product = Product.objects.filter(pk=instance.product_id).only("pk", "parent_id").first()
    if product is not None:
        queue_reindex([_browsable_id(product)])


@receiver(post_save, sender=ProductCategory, dispatch_uid="search-category-saved")
@receiver(post_delete, sender=ProductCategory, dispatch_uid="search-category-deleted")
@receiver(post_save, sender=ProductAttributeValue, dispatch_uid="search-attribute-saved")
@receiver(post_delete, sender=ProductAttributeValue, dispatch_uid="search-attribute-deleted")
def product_detail_changed(sender, instance, **kwargs):
    queue_reindex([instance.product_id])


@receiver(m2m_changed, sender=Product.categories.through, dispatch_uid="search-categories-changed")
def categories_changed(sender, instance, action, pk_set, **kwargs):
    if action.startswith("post_"):
        if isinstance(instance, Product):
            queue_reindex([_browsable_id(instance)])
        elif pk_set:
            queue_reindex(pk_set)


@receiver(post_save, sender=Partner, dispatch_uid="search-grower-saved")
def grower_changed(sender, instance, **kwargs):
    # a grower's name, region, location or certifications are in its products' documents
    ids = set(
        StockRecord.objects.filter(partner=instance).values_list("product__parent_id", "product_id").iterator()
    )
    queue_reindex({parent or pk for parent, pk in ids})
