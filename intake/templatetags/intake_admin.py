"""Template filters for the admissions console."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

register = template.Library()

_CELL_START = re.compile(r"^<(td|th)\b")


@register.filter
def with_headers(cells, headers):
    """Each result cell with a data-label naming its column, for the stacked phone layout.

    The cells are the admin's own rendered <td>/<th> elements (already escaped);
    only the column's header text, escaped here, is added to the opening tag.
    """
    labelled = []
    for cell, header in zip(cells, headers, strict=False):
        if "action-checkbox" in str(header.get("class_attrib", "")):
            labelled.append(cell)
            continue
        attribute = format_html(' data-label="{}"', capfirst(str(header["text"])))
        tagged = _CELL_START.sub(lambda m, a=attribute: f"<{m.group(1)}{a}", str(cell), count=1)
        # The cell is the admin's own escaped markup, and the attribute is escaped above.
        labelled.append(mark_safe(tagged))  # noqa: S308  # nosec
    return labelled
