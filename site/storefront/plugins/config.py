"""Validate a plugin's per-site configuration against the form the plugin declares.

A plugin names a Django form class in CONFIG_FORM (a dotted path, so the
plugin module stays importable before Django is set up). A form gives
field-named errors for free, which the admin page shows next to each field.
Stored configs keep the submitted values; plugins get the form's cleaned data.
"""

from django import forms
from django.utils.module_loading import import_string

from .host import get_host


class NoConfigForm(forms.Form):
    """The form for plugins that have nothing to configure."""


def config_form_class(plugin_id, host=None):
    host = host or get_host()
    record = host.plugins.get(plugin_id)
    if record is None:
        raise LookupError(f"no plugin {plugin_id!r} is registered")
    form_class = record.meta.get("config_form")
    if not form_class:
        return NoConfigForm
    if isinstance(form_class, str):
        form_class = import_string(form_class)
    return form_class


def form_data(form_class, config):
    """Submitted data for the form: the stored config, with each missing field at its initial value."""
    data = {}
    for name, field in form_class.base_fields.items():
        if name in config:
            data[name] = config[name]
        elif field.initial is not None:
            data[name] = field.initial() if callable(field.initial) else field.initial
    return data


def validate_config(plugin_id, config, host=None):
    """``(cleaned_data, {})`` when the config is valid, ``(None, {field: [messages]})`` when not."""
    form_class = config_form_class(plugin_id, host)
    unknown = sorted(set(config) - set(form_class.base_fields))
    form = form_class(data=form_data(form_class, config))
    if form.is_valid() and not unknown:
        return form.cleaned_data, {}
    errors = {field: list(messages) for field, messages in form.errors.items()}
    for name in unknown:
        errors[name] = [f"{plugin_id} has no setting called {name!r}."]
    return None, errors


def default_config(plugin_id, host=None):
    cleaned, errors = validate_config(plugin_id, {}, host)
    if errors:
        raise ValueError(f"plugin {plugin_id!r}'s CONFIG_FORM rejects its own initial values: {errors}")
    return cleaned
