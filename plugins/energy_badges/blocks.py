"""The CMS block that explains the grading method, with the site's own thresholds."""

from wagtail import blocks


class EnergyMethodBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="How we grade energy use")
    introduction = blocks.TextBlock(
        required=False,
        default="Growers report the electricity they use per kilogram of produce; we check the evidence and grade it.",
    )

    class Meta:
        icon = "pick"
        template = "energy_badges/blocks/method.html"
        label = "Energy grading method"
        preview_value = {"heading": "How we grade energy use"}

    def get_context(self, value, parent_context=None):
        from storefront.plugins.scope import current_scope

        from . import grading

        context = super().get_context(value, parent_context)
        scope = current_scope.get()
        config = scope.config_for("energy_badges") if scope else {}
        thresholds = config.get("thresholds") or grading.DEFAULT_THRESHOLDS
        context["rows"] = grading.method_table(thresholds)
        context["renewable_weight"] = config.get("renewable_weight", grading.DEFAULT_RENEWABLE_WEIGHT)
        return context
