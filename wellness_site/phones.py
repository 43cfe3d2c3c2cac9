"""US telephone numbers: one normalised form (E.164) for storage, one for people."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# NANP: area code and exchange each start with 2-9. ASCII digits only: in a
# Python pattern \d also matches every other script's digits, which let
# "6\u0661\u0664 555 2999" (mixed scripts) through, into the database as typed.
_NANP = re.compile(r"1?([2-9][0-9]{2})([2-9][0-9]{2})([0-9]{4})")
_E164_US = re.compile(r"\+1([0-9]{3})([0-9]{3})([0-9]{4})")


def ascii_digits(value):
    """``value`` with every decimal digit, in any script, as its ASCII digit.

    Phones and keyboards type Arabic-Indic (U+0660-U+0669), Devanagari or
    full-width (U+FF10-U+FF19) digits as readily as ASCII ones; each is the
    same number. Everything else is left as it is.
    """
    return "".join(
        str(digit) if (digit := unicodedata.decimal(character, None)) is not None else character
        for character in value or ""
    )


def phone_digits(value):
    """The ASCII digits of ``value``, whatever script they were typed in."""
    return re.sub(r"[^0-9]", "", ascii_digits(value))


def normalize_us_phone(value):
    """Return ``value`` as ``+1XXXXXXXXXX`` (ASCII digits) or raise ``ValidationError``.

    Accepts the ways people write a US number: ``(614) 555-0142``,
    ``614.555.0142``, ``+1 614 555 0142``, in any script's digits. This is
    the one normal form: whatever compares phone numbers (the duplicate
    check, the per-phone rate limit, the admin's search) compares it.
    """
    digits = phone_digits(value)
    match = _NANP.fullmatch(digits)
    if not match:
        raise ValidationError(
            _("Enter a US phone number with area code, for example (614) 555-0142."),
            code="invalid_phone",
        )
    return "+1" + "".join(match.groups())


def format_us_phone(e164):
    """``+16145550142`` -> ``(614) 555-0142``; anything else is returned as is."""
    match = _E164_US.fullmatch(e164 or "")
    if not match:
        return e164 or ""
    area, exchange, line = match.groups()
    return f"({area}) {exchange}-{line}"


class USPhoneField(models.CharField):
    """A US phone number, stored as E.164 whatever way it was typed."""

    description = _("US phone number")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalize_us_phone(value)

    def formfield(self, **kwargs):
        # People type spaces, dots and brackets: let the form take them, and
        # let to_python reduce them to the stored form.
        return super().formfield(**{"max_length": 25, **kwargs})
