"""Querysets turned into SQL once per process, then run with each request's values.

Most of an uncached page's ORM time is not the database: it is building the
queryset (``filter()`` and its lookups) and compiling it to SQL, again on
every request, for the same few queries with a different slug or a
different "now". A ``CompiledQuery`` does that work once per database
connection and keeps the SQL with the positions of its parameters; a
request then only binds its values, runs the SQL and turns the rows into
model instances exactly as the queryset would have (Django's own converters
and related-object populators).

Nothing is cached but the SQL text: every call runs the query, so what a
page shows is as current as with the plain queryset.

On PostgreSQL the SQL is also prepared on each database session (``PREPARE``,
then ``EXECUTE`` with the values): the server then plans it once per session,
not on every request, and planning these few-row joins took longer than
running them (0.3 ms against 0.06 ms for the article's own query). Prepared
statements belong to a session, so they need one: a pooler in transaction
mode would break them; ``DATABASE_PREPARED_STATEMENTS=false`` turns them off.

    live_by_slug = CompiledQuery(
        lambda slug, now: ArticleVersion.objects.live(now=now).filter(slug=slug)
    )
    versions = live_by_slug(slug="heroin-withdrawal", now=timezone.now())

The builder is called once, with stand-in values; each value a request
passes must reach the SQL as one parameter (an exact, ``lt``/``lte``/``gt``/
``gte`` or foreign-key lookup: not ``in``, ``contains`` or a slice). The
compile step checks that every stand-in came out as a parameter and none
was written into the SQL text, and refuses the query otherwise.
"""

import itertools
import logging
import re
import weakref
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.db.models.query import ModelIterable, get_related_populators

logger = logging.getLogger(__name__)

# The statements prepared on each connection's current session, by name:
# True once prepared, False where PostgreSQL refused (the plain SQL is run).
_prepared = weakref.WeakKeyDictionary()
_statement_numbers = itertools.count(1)
# Django's placeholders, and its escaped percent sign, in compiled SQL.
_PLACEHOLDER = re.compile(r"%s|%%")


def _new_session(sender, connection, **kwargs):
    """A new session has none of the old one's prepared statements."""
    _prepared.pop(connection, None)


connection_created.connect(_new_session, dispatch_uid="compiled_queries_new_session")


def _numbered(sql):
    """Django's ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``… (and ``%%`` as ``%``)."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)


class _Compiled:
    """One query's SQL on one connection, and how to build its rows."""

    def __init__(self, queryset, slots, connection):
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions = []  # (index in params, value name)
        for name, stand_in in slots.items():
            adapted = _adapt(connection, stand_in)
            found = [i for i, param in enumerate(self.params) if param == adapted]
            if not found or (isinstance(adapted, str) and adapted in self.sql):
                raise ValueError(f"{name!r} does not reach the SQL as a parameter")
            self.positions += [(i, name) for i in found]
        # What ModelIterable works out per query, worked out once.
        self.compiler = compiler
        self.model = compiler.klass_info["model"]
        select_fields = compiler.klass_info["select_fields"]
        self.model_slice = slice(select_fields[0], select_fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in compiler.select[self.model_slice]]
        self.related_populators = get_related_populators(
            compiler.klass_info, compiler.select, connection.alias
        )
        self.annotations = list((compiler.annotation_col_map or {}).items())
        # The converters from database values to Python ones (results_iter's).
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("composite primary keys are not supported")
        self.converters = compiler.get_converters(columns)
        self.statement = None
        if connection.vendor == "postgresql" and settings.DATABASE_PREPARED_STATEMENTS:
            self.statement = f"compiled_query_{next(_statement_numbers)}"
            arguments = ", ".join(["%s"] * len(self.params))
            self.execute_sql = f"EXECUTE {self.statement}"
            if arguments:
                self.execute_sql += f" ({arguments})"

    def _prepare(self, connection):
        """PREPARE the statement on this session: True, or False if PostgreSQL refused it."""
        connection.ensure_connection()
        # The driver's own errors (a connection lost mid-request) become
        # Django's, as on any query: the outage page, not an error page.
        with connection.wrap_database_errors:
            return self._prepare_on_driver(connection)

    def _prepare_on_driver(self, connection):
        # Straight on the driver's connection: preparing is not one of the
        # page's queries, and it is not transactional (it outlives a rollback).
        in_transaction = not connection.get_autocommit()
        with connection.connection.cursor() as cursor:
            if in_transaction:
                cursor.execute("SAVEPOINT compiled_query_prepare")
            try:
                cursor.execute(f"PREPARE {self.statement} AS {_numbered(self.sql)}")
            except connection.Database.Error as error:  # the driver's own, unwrapped
                # A parameter whose type PostgreSQL cannot infer, say: the
                # plain SQL still works, planned on every call.
                logger.warning("query not prepared: %s", type(error).__name__)
                if in_transaction:
                    cursor.execute("ROLLBACK TO SAVEPOINT compiled_query_prepare")
                return False
            finally:
                if in_transaction:
                    cursor.execute("RELEASE SAVEPOINT compiled_query_prepare")
        return True

    def _sql(self, connection):
        """What to run on this connection: EXECUTE of the prepared statement, or the SQL."""
        if self.statement is None or not settings.DATABASE_PREPARED_STATEMENTS:
            return self.sql
        # Looked up after ensure_connection(): connecting starts a new session.
        connection.ensure_connection()
        prepared = _prepared.setdefault(connection, {})
        ready = prepared.get(self.statement)
        if ready is None:
            ready = prepared[self.statement] = self._prepare(connection)
        return self.execute_sql if ready else self.sql

    def fetch(self, connection, values):
        """The rows the database returns for ``values``, as the driver gives them."""
        params = list(self.params)
        for index, name in self.positions:
            params[index] = _adapt(connection, values[name])
        sql = self._sql(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return tuple(cursor.fetchall())

    def build(self, alias, rows):
        """Model instances from ``fetch()``'s rows, as the queryset would have made them."""
        found = []
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        for row in rows:
            obj = self.model.from_db(alias, self.init_list, row[self.model_slice])
            for populator in self.related_populators:
                populator.populate(row, obj)
            for attribute, position in self.annotations:
                setattr(obj, attribute, row[position])
            found.append(obj)
        return found


class QueryRows:
    """One run of a compiled query: the rows as the database sent them, and instances.

    ``key`` is the rows themselves, a tuple of tuples of plain values: two runs
    with equal keys returned the same data, so whatever is made from one is
    right for the other (wellness_site.kept_pages). The model instances are
    only built when ``objects`` is first read.
    """

    __slots__ = ("_alias", "_compiled", "_objects", "key")

    def __init__(self, compiled, alias, rows):
        self._compiled = compiled
        self._alias = alias
        self.key = rows
        self._objects = None

    @property
    def objects(self):
        if self._objects is None:
            self._objects = self._compiled.build(self._alias, self.key)
        return self._objects

    def __bool__(self):
        return bool(self.key)

    def column(self, attname):
        """Each row's value of the queried model's field ``attname``, as the driver gave it.

        For a key (``id``, ``article_id``), without building any instance.
        """
        index = self._compiled.model_slice.start + self._compiled.init_list.index(attname)
        return [row[index] for row in self.key]


def _adapt(connection, value):
    """``value`` as the database driver is handed it for a field of its type."""
    # bool before int: True is an int too.
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    raise TypeError(f"no stand-in for a {type(value).__name__}")


def _stand_in(name, value, number):
    """A value of ``value``'s type that no real request will ever pass."""
    if isinstance(value, bool):
        raise TypeError(f"{name!r}: a boolean has no stand-in distinct from real values")
    if isinstance(value, str):
        return f"\ue000compiled-query-{number}-{name}\ue000"
    if isinstance(value, int):
        # Negative, so never a primary key, yet within every integer column's
        # range: Django turns an out-of-range lookup into no SQL at all.
        return -1_987_654_321 - number
    if isinstance(value, datetime):
        return datetime(1901, 2, 3, 4, 5, 6, 700_000 + number, tzinfo=UTC)
    if isinstance(value, date):
        return date(1901, 2, 3 + number)
    raise TypeError(f"{name!r}: no stand-in for a {type(value).__name__}")


class CompiledQuery:
    """A queryset, built by ``build(**values)``, compiled once per connection.

    Calling it with the same keyword arguments as ``build`` returns the list
    the queryset would have returned for them. Only querysets of model
    instances (no ``values()``, no ``prefetch_related()``) can be compiled.
    """

    def __init__(self, build, *, using=DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        # Keyed by the connection object: each thread has its own, and a
        # compiler belongs to the connection it was made for.
        self._compiled = weakref.WeakKeyDictionary()

    def _compile(self, connection, values):
        slots = {
            name: _stand_in(name, value, number)
            for number, (name, value) in enumerate(sorted(values.items()))
        }
        queryset = self.build(**slots)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ValueError("only querysets of model instances, without prefetching")
        compiled = _Compiled(queryset, slots, connection)
        self._compiled[connection] = compiled
        return compiled

    def rows(self, **values):
        """What the query returns for ``values``: its raw rows, and instances when asked."""
        connection = connections[self.using]
        compiled = self._compiled.get(connection) or self._compile(connection, values)
        return QueryRows(compiled, connection.alias, compiled.fetch(connection, values))

    def __call__(self, **values):
        return self.rows(**values).objects
