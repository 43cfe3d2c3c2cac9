"""How many statements a page's queries take, for the tests that count them."""

from django.db import connection


def together(count):
    """The statements ``count`` queries run by ``run_together()`` take.

    One on PostgreSQL, where they are sent as a single statement; ``count``
    on SQLite, where each runs on its own (wellness_site.compiled_queries).
    """
    return 1 if connection.vendor == "postgresql" else count
