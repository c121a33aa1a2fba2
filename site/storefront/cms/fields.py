"""A StreamField that also offers the blocks plugins contribute.

Page bodies are built from the core blocks (``storefront.cms.blocks``) plus
the blocks of the enabled plugins (the ``storefront_wagtail_blocks`` hook),
for example the energy badges' "Energy grading method" block.

Which plugins are installed is a deployment choice, so plugin blocks are
joined when the field's block is first needed (once plugins are loaded) and
are left out of migrations: a StreamField is a JSON column and its block list
does not change the schema. The migrations therefore describe the core blocks
only, ``makemigrations --check`` stays clean whatever is installed, and the
field deconstructs as Wagtail's own StreamField. Content of a plugin that is
later uninstalled is skipped when the page is read (Wagtail drops block types
it does not know) and is gone the next time the page is saved.
"""

from django.db import models
from django.utils.functional import cached_property
from wagtail.blocks.definition_lookup import BlockDefinitionLookupBuilder
from wagtail.fields import StreamField

from storefront.plugins.blocks import plugin_blocks


class PluginStreamField(StreamField):
    """``PluginStreamField(BodyStreamBlock, blank=True)``: a StreamBlock class plus plugin blocks."""

    def __init__(self, block_class, **kwargs):
        super().__init__(block_class, **kwargs)

    def _build(self, extra_blocks):
        block = self.block_types_arg(extra_blocks)
        block.set_meta_options(self.block_opts)
        return block

    @cached_property
    def stream_block(self):
        return self._build(plugin_blocks())

    def deconstruct(self):
        name, _path, _args, kwargs = models.Field.deconstruct(self)
        lookup = BlockDefinitionLookupBuilder()
        core_blocks = self._build([]).child_blocks.items()
        args = [[(block_name, lookup.add_block(block)) for block_name, block in core_blocks]]
        kwargs["block_lookup"] = lookup.get_lookup_as_dict()
        return name, "wagtail.fields.StreamField", args, kwargs

    def clone(self):
        """The migration state's copy: Wagtail's StreamField with the core blocks."""
        _name, _path, args, kwargs = self.deconstruct()
        return StreamField(*args, **kwargs)
