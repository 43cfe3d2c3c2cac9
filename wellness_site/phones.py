"""US telephone numbers: one normalised form (E.164) for storage, one for people."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# NANP: area code and exchange each start with 2-9.
_NANP = re.compile(r"^1?([2-9]\d{2})([2-9]\d{2})(\d{4})$")


def normalize_us_phone(value):
    """Return ``value`` as ``+1XXXXXXXXXX`` or raise ``ValidationError``.

    Accepts the ways people write a US number: ``(614) 555-0142``,
    ``614.555.0142``, ``+1 614 555 0142``.
    """
    digits = re.sub(r"\D", "", value or "")
    match = _NANP.match(digits)
    if not match:
        raise ValidationError(
            _("Enter a US phone number with area code, for example (614) 555-0142."),
            code="invalid_phone",
        )
    return "+1" + "".join(match.groups())


def format_us_phone(e164):
    """``+16145550142`` -> ``(614) 555-0142``; anything else is returned as is."""
    match = re.fullmatch(r"\+1(\d{3})(\d{3})(\d{4})", e164 or "")
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
