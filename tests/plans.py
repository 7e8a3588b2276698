"""What the database does with a statement: for tests that a query is answered from an index."""
from django.db import connection


def sqlite_plan(sql):
    """SQLite's EXPLAIN QUERY PLAN of ``sql``, as one line."""
    with connection.cursor() as cursor:
        return " ".join(str(row) for row in cursor.execute("EXPLAIN QUERY PLAN " + sql).fetchall())


def index_columns(table, name):
    """The columns of index ``name`` on ``table``.

    PostgreSQL's choice of plan depends on table statistics, so its tests check the index exists instead.
    """
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)[name]["columns"]
