"""How long call-back requests are kept, for the pages that tell visitors.

The number comes from ``settings.INTAKE_RETENTION_DAYS``, the same setting
``purge_intake_requests`` deletes by, so what a page says cannot drift from
what is done. Only the setting is read: ``content`` never imports ``intake``.
"""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def intake_retention_days():
    """Days after closing that a request is deleted: ``{% intake_retention_days as days %}``."""
    return settings.INTAKE_RETENTION_DAYS
