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

A page that runs several queries runs them together: on PostgreSQL that is
one statement, one round trip, instead of one per query (``run_together``,
``_Batch``); each query's rows come back exactly as they would alone.

    found, topics = run_together(
        topic_at.bind(slug=slug),
        topic_cards.bind(topic_id=From(0, "id"), now=timezone.now()),
    )

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


class _Statement:
    """SQL with parameters, some of them values each run binds, prepared on PostgreSQL.

    ``params`` holds the fixed parameters (and stand-ins where values go);
    ``positions`` says which parameter each run's value replaces:
    ``(index in params, value key)``.
    """

    def __init__(self, sql, params, positions, connection):
        self.sql = sql
        self.params = list(params)
        self.positions = positions
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
        # Looked up after the health check and ensure_connection(): a
        # connection the server ended (a restart) is replaced first, and
        # connecting starts a new session with nothing prepared. Checked only
        # after that, the old session's statements would be run on the new one.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        prepared = _prepared.setdefault(connection, {})
        ready = prepared.get(self.statement)
        if ready is None:
            ready = prepared[self.statement] = self._prepare(connection)
        return self.execute_sql if ready else self.sql

    def fetch(self, connection, values):
        """The rows the database returns for ``values``, as the driver gives them."""
        params = list(self.params)
        for index, key in self.positions:
            params[index] = _adapt(connection, values[key])
        sql = self._sql(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return tuple(cursor.fetchall())


class _Compiled(_Statement):
    """One query's SQL on one connection, and how to build its rows."""

    def __init__(self, queryset, slots, connection):
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = []  # (index in params, value name)
        for name, stand_in in slots.items():
            adapted = _adapt(connection, stand_in)
            found = [i for i, param in enumerate(params) if param == adapted]
            if not found or (isinstance(adapted, str) and adapted in sql):
                raise ValueError(f"{name!r} does not reach the SQL as a parameter")
            positions += [(i, name) for i in found]
        super().__init__(sql, params, positions, connection)
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

    def column_index(self, attname):
        """Where the queried model's field ``attname`` is in each row."""
        return self.model_slice.start + self.init_list.index(attname)

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
        if self._objects is None and not self.key:
            self._objects = []
        if self._objects is None:
            self._objects = self._compiled.build(self._alias, self.key)
        return self._objects

    def __bool__(self):
        return bool(self.key)

    def column(self, attname):
        """Each row's value of the queried model's field ``attname``, as the driver gave it.

        For a key (``id``, ``article_id``), without building any instance.
        """
        if not self.key:
            return []
        index = self._compiled.column_index(attname)
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

    def compiled_for(self, connection, values):
        """This query compiled for ``connection`` (``values`` give the stand-ins' types)."""
        return self._compiled.get(connection) or self._compile(connection, values)

    def rows(self, **values):
        """What the query returns for ``values``: its raw rows, and instances when asked."""
        connection = connections[self.using]
        compiled = self.compiled_for(connection, values)
        return QueryRows(compiled, connection.alias, compiled.fetch(connection, values))

    def __call__(self, **values):
        return self.rows(**values).objects

    def bind(self, **values):
        """This query with ``values``, to run with others by ``run_together()``."""
        return Bound(self, values)


# ---- Several queries in one round trip ----


class From:
    """A value taken from an earlier query run together with this one.

    ``From(0, "article_id")``: the ``article_id`` of the first row the first
    query returned. When that query returns no row, the queries that use the
    value return none either.
    """

    def __init__(self, query_index, attname):
        self.query_index = query_index
        self.attname = attname

    # The value's type, for the stand-in a query is compiled with: keys are integers.
    sample = 0


class Bound:
    """A compiled query with the values of one run (``CompiledQuery.bind``)."""

    __slots__ = ("query", "values")

    def __init__(self, query, values):
        self.query = query
        self.values = values

    def sample_values(self):
        return {
            name: value.sample if isinstance(value, From) else value
            for name, value in self.values.items()
        }

    def refs(self):
        return tuple(
            (name, value.query_index, value.attname)
            for name, value in sorted(self.values.items())
            if isinstance(value, From)
        )


def run_together(*calls):
    """``[call.query.rows(**call.values) for call in calls]``, in one round trip on PostgreSQL.

    ``calls`` are ``CompiledQuery.bind()`` results; a value may be ``From`` an
    earlier call's rows. Each ``QueryRows`` returned holds exactly the rows
    its query would have returned alone, as the driver gives them: on
    PostgreSQL the queries are run as one statement (``_Batch``) whose columns
    keep their types, each query's rows in their own columns. SQLite runs in
    this process, where a round trip costs nothing: there each query runs on
    its own.
    """
    using = {call.query.using for call in calls}
    if len(using) != 1:
        raise ValueError("queries run together must use one database")
    connection = connections[using.pop()]
    if connection.vendor != "postgresql" or (len(calls) == 1 and not calls[0].refs()):
        return _one_by_one(calls)
    compiled = [call.query.compiled_for(connection, call.sample_values()) for call in calls]
    signature = tuple((id(call.query), call.refs()) for call in calls)
    batches = _batches.setdefault(connection, {})
    batch = batches.get(signature)
    if batch is None:
        batch = batches[signature] = _Batch(compiled, [call.refs() for call in calls], connection)
    values = {
        (number, name): value
        for number, call in enumerate(calls)
        for name, value in call.values.items()
        if not isinstance(value, From)
    }
    return batch.split(connection.alias, batch.fetch(connection, values))


def _one_by_one(calls):
    results = []
    for call in calls:
        values = dict(call.values)
        for name, query_index, attname in call.refs():
            found = results[query_index].column(attname)
            values[name] = found[0] if found else None
        if None in values.values():
            # As in SQL, a value from a query that found nothing matches no row.
            results.append(QueryRows(None, call.query.using, ()))
        else:
            results.append(call.query.rows(**values))
    return results


# Each connection's batches, by the queries they run and the values they share.
_batches = weakref.WeakKeyDictionary()


class _Batch(_Statement):
    """Several compiled queries as one statement, each query's rows in its own columns.

    The queries are joined with ``FULL JOIN ... ON false``: every row of the
    result is one query's row, its columns filled and every other query's
    NULL. Unlike a ``UNION``, that keeps each column's own type, so the
    driver returns the same Python values as for the query alone. Each
    query numbers its rows (``row_number() OVER ()``, in the query's own
    order); the result is sorted by those numbers, one query after another.
    A query another takes a value ``From`` runs once, as a materialized CTE;
    the value is its first row's column, a scalar subquery in place of the
    parameter.
    """

    def __init__(self, compiled, refs, connection):
        self.compiled = compiled
        self.refs = [
            {name: (index, attname) for name, index, attname in part_refs} for part_refs in refs
        ]
        self.widths = [self._width(part, connection) for part in compiled]
        expanded = [self._expand(number) for number in range(len(compiled))]
        # A query another one takes a value from runs once, as a CTE.
        sources = sorted({index for part_refs in self.refs for index, _ in part_refs.values()})
        # Only SQL Django compiled is put together here; values stay parameters.
        params, positions = [], []

        def take(number):
            sql, part_params, part_positions = expanded[number]
            positions.extend((len(params) + index, key) for index, key in part_positions)
            params.extend(part_params)
            return sql

        with_clause = ", ".join(f"b{n} AS MATERIALIZED ({take(n)})" for n in sources)
        numbered = "(SELECT row_number() OVER () AS batch_row, q.* FROM {} AS q) AS p{}"
        joined = " FULL JOIN ".join(
            numbered.format(f"b{n}" if n in sources else f"({take(n)})", n)
            + (" ON false" if n else "")
            for n in range(len(compiled))
        )
        order = ", ".join(f"p{n}.batch_row" for n in range(len(compiled)))
        sql = f"SELECT * FROM {joined} ORDER BY {order}"  # noqa: S608  # nosec
        super().__init__(
            f"WITH {with_clause} {sql}" if with_clause else sql, params, positions, connection
        )
        self.starts = list(itertools.accumulate([0] + [width + 1 for width in self.widths]))

    def _expand(self, number):
        """(SQL, params, positions) of query ``number``, its ``From`` values read from CTEs."""
        part = self.compiled[number]
        refs = self.refs[number]
        by_index = dict(part.positions)
        pieces, params, positions = [], [], []
        last, index = 0, 0
        for match in _PLACEHOLDER.finditer(part.sql):
            if match.group() == "%%":
                continue
            pieces.append(part.sql[last : match.start()])
            last = match.end()
            name = by_index.get(index)
            if name in refs:
                source, attname = refs[name]
                column = self.compiled[source].column_index(attname)
                aliases = ", ".join(f"c{n}" for n in range(column + 1))
                first_value = "(SELECT r.c{} FROM b{} AS r({}) LIMIT 1)"
                pieces.append(first_value.format(column, source, aliases))
            else:
                pieces.append("%s")
                if name is not None:
                    positions.append((len(params), (number, name)))
                params.append(part.params[index])
            index += 1
        pieces.append(part.sql[last:])
        return "".join(pieces), params, positions

    @staticmethod
    def _width(part, connection):
        """How many columns ``part``'s SQL returns (asked of the database once)."""
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({part.sql}) AS q LIMIT 0", part.params)  # noqa: S608  # nosec
            return len(cursor.description)

    def split(self, alias, rows):
        """Each query's ``QueryRows`` from the batch's rows."""
        found = [[] for _ in self.compiled]
        for row in rows:
            for number, start in enumerate(self.starts[:-1]):
                if row[start] is not None:
                    found[number].append(row[start + 1 : start + 1 + self.widths[number]])
                    break
        return [
            QueryRows(part, alias, tuple(part_rows))
            for part, part_rows in zip(self.compiled, found, strict=True)
        ]
