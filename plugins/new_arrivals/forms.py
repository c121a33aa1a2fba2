"""The example plugin's settings: how many days a product counts as new."""

from django import forms


class NewArrivalsForm(forms.Form):
    days = forms.IntegerField(initial=14, min_value=1, max_value=365, help_text="Days a product counts as new.")
    label = forms.CharField(initial="New", max_length=20, help_text="The badge's text.")
