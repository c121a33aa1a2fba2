"""Phone numbers on address forms, as buyers type them.

Oscar's address forms (PhoneNumberMixin) first try the number as an
international one, and read a national number ("0161 496 0000") in the
address's country only when it can tell the country. This mixin always reads
it in the address's country (the form's country field, or the one shipping
country Oscar hides the field for, else PHONENUMBER_DEFAULT_REGION), so any
of "0161 496 0000", "01614960000", "(0161) 496 0000" and
"+44 161 496 0000" is the same number, stored as E.164 ("+441614960000").

A number counts when libphonenumber says it is valid, or when it lies in one
of the ranges Ofcom reserves for drama and examples (07700 900xxx and the
like), which libphonenumber refuses on purpose but which are what people type
in demos, tests and documentation. Anything else is an error on the phone
field that says what was typed, for which country, and shows the formats.
"""

import phonenumbers
from django.conf import settings
from django.core import validators
from phonenumber_field.phonenumber import PhoneNumber

# Ofcom's numbers for drama (https://www.ofcom.org.uk, "TV, radio and theatre
# numbers"), as E.164 prefixes with the digits that follow, for the ranges
# libphonenumber does not accept as valid. (The others, such as
# 0161 496 0xxx and 020 7946 0xxx, it accepts already.)
RESERVED_FICTION_RANGES = (
    ("+447700900", 3),  # mobile 07700 900000-900999
    ("+441632960", 3),  # 01632 960000-960999
    ("+441154960", 3),  # Nottingham 0115 496 0000-0999
)


def is_reserved_fiction_number(number):
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return any(
        e164.startswith(prefix) and len(e164) == len(prefix) + digits and e164[len(prefix):].isdigit()
        for prefix, digits in RESERVED_FICTION_RANGES
    )


class StorefrontPhoneNumber(PhoneNumber):
    """A PhoneNumber that also counts Ofcom's reserved drama numbers as valid.

    The address models' own validator asks the number is_valid(); returning
    this class from the form keeps that check in agreement with the form's.
    """

    def is_valid(self):
        return super().is_valid() or is_reserved_fiction_number(self)


# How the error message shows a number of the region, national and international.
EXAMPLES = {"GB": ("0161 496 0000", "+44 161 496 0000")}


def examples_for(region):
    if region in EXAMPLES:
        return EXAMPLES[region]
    example = phonenumbers.example_number(region) if region else None
    if example is None:
        return None, "+44 161 496 0000"
    return (
        phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL),
        phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )


def parse_phone_number(text, region):
    """The StorefrontPhoneNumber `text` stands for, read in `region` when national; None if it is none."""
    try:
        number = StorefrontPhoneNumber.from_string(text, region=region)
    except phonenumbers.NumberParseException:
        return None
    return number if number.is_valid() else None


class AddressPhoneNumberMixin:
    """Put before Oscar's address form class (which has PhoneNumberMixin): replaces its phone check."""

    def clean_phone_number_field(self, field_name):
        text = (self.cleaned_data.get(field_name) or "").strip()
        if text in validators.EMPTY_VALUES:
            return ""
        region = self.region_code or getattr(settings, "PHONENUMBER_DEFAULT_REGION", None)
        number = parse_phone_number(text, region)
        if number is None:
            label = self.fields[field_name].label or field_name.replace("_", " ").capitalize()
            national, international = examples_for(region)
            if national:
                whose = f"a {self.country} number" if self.country else "it"
                how = f"Type {whose} as you would dial it, for example {national}, or as {international}."
            else:
                how = f"Type it in international form, for example {international}."
            self.add_error(field_name, f"{label}: “{text}” is not a valid phone number. {how}")
            return text
        return number
