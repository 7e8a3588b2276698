"""Substring search through an index: trigram GIN indexes on PostgreSQL, FTS5 trigram tables on SQLite.

Both answer "contains this text, ignoring case" like ``icontains`` does, but from an index instead of
reading every row. The SQLite tables are kept in sync by triggers on the base tables, so every write
path (forms, admin, ``bulk_create``, imports, merges, raw SQL) updates them; ``ensure_index`` re-creates
them after a migration rebuilt a table (SQLite drops a table's triggers with it) and refills them.
On PostgreSQL, organizations' names are searched in a narrow table of their own (``NAMES``), kept in
sync the same way. Texts shorter than three characters have no trigram, and texts holding a line break
could straddle two names of that table: both fall back to the plain scan.
"""
import json

from django.db import connection
from django.db.models import BooleanField, F, Func, Value
from django.db.models.expressions import RawSQL

MIN_LENGTH = 3

# FTS5 table per base table: its columns, each an SQL expression over the row ``{p}``. An organization or a
# collaboration matches on every column of its table, so their phrases have no column filter.
FTS_TABLES = {
    "partners_organization": {"name": "{p}name", "name_fr": "{p}name_fr", "short_name": "{p}short_name"},
    "partners_contact": {
        "first_name": "{p}first_name", "last_name": "{p}last_name",
        "full_name": "{p}first_name || ' ' || {p}last_name", "email": "{p}email", "title": "{p}title",
    },
    "partners_collaboration": {"title": "{p}title", "summary": "{p}summary"},
}
# Base columns whose change rewrites the FTS row (a version bump alone does not).
WATCHED = {
    "partners_organization": "name, name_fr, short_name",
    "partners_contact": "first_name, last_name, email, title",
    "partners_collaboration": "title, summary",
}

# PostgreSQL: the expressions the queries below compare, each with a trigram GIN index on exactly it.
TRGM_EXPRESSIONS = {
    "partners_organization": ["name", "name_fr", "short_name"],
    "partners_contact": ["first_name", "last_name", "email", "title", "first_name || ' ' || last_name"],
    "partners_collaboration": ["title", "summary"],
}


# PostgreSQL: an organization's names, upper-cased once when written, one per line, beside what the
# searches sort and filter by. A broad text matches 3,300 of 100,000 partners and each match is a heap
# visit to recheck the trigram match: here a visit reads a row a third the size of a partner's, and the
# recheck compares stored text instead of upper-casing three columns (4 ms -> 2 ms at that scale).
NAMES = "partners_organization_search"
_NAMES_TEXT = "UPPER({p}name || E'\\n' || COALESCE({p}name_fr, '') || E'\\n' || COALESCE({p}short_name, ''))"
# Whether the partner takes part in a collaboration: the collaborations found through their partners' names
# read only those partners' names (a partial index: 7,000 of 100,000 at scale L), not every matching partner's.
_COLLABORATING = "EXISTS (SELECT FROM partners_collaborationpartner WHERE organization_id = {p}id)"
_NAMES_SYNC = f"""CREATE OR REPLACE FUNCTION {NAMES}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {NAMES};
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {NAMES} WHERE id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO {NAMES} (id, name, archived_at, text, collaborating)
        VALUES (NEW.id, NEW.name, NEW.archived_at, {_NAMES_TEXT.format(p="NEW.")}, {_COLLABORATING.format(p="NEW.")});
    END IF;
    RETURN NULL;
END $$"""
_NAMES_PARTNERED = f"""CREATE OR REPLACE FUNCTION {NAMES}_partnered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE {NAMES} SET collaborating = false WHERE collaborating;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE {NAMES} SET collaborating = {_COLLABORATING.format(p=f"{NAMES}.")} WHERE id = OLD.organization_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE {NAMES} SET collaborating = true WHERE id = NEW.organization_id AND NOT collaborating;
    END IF;
    RETURN NULL;
END $$"""
# Trigger: (table, when, function).
_NAMES_TRIGGERS = {
    f"{NAMES}_write": ("partners_organization", "AFTER INSERT OR DELETE OR UPDATE OF name, name_fr, short_name, "
                       "archived_at ON partners_organization FOR EACH ROW", f"{NAMES}_sync"),
    # Django's flush and the backup restore empty tables with TRUNCATE, which row triggers do not see.
    f"{NAMES}_truncate": ("partners_organization", "AFTER TRUNCATE ON partners_organization FOR EACH STATEMENT",
                          f"{NAMES}_sync"),
    f"{NAMES}_partner": ("partners_collaborationpartner", "AFTER INSERT OR DELETE OR UPDATE OF organization_id "
                         "ON partners_collaborationpartner FOR EACH ROW", f"{NAMES}_partnered"),
    f"{NAMES}_partner_truncate": ("partners_collaborationpartner",
                                  "AFTER TRUNCATE ON partners_collaborationpartner FOR EACH STATEMENT",
                                  f"{NAMES}_partnered"),
}
# Indexes that a names table from an earlier version may lack (the table is then built again).
_NAMES_INDEXES = [f"{NAMES}_by_name", f"{NAMES}_collaborating"]


def _pg_names_ready(cursor):
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL, (SELECT count(*) FROM pg_indexes WHERE indexname = ANY(%s)), "
                   "(SELECT count(*) FROM pg_trigger WHERE tgname = ANY(%s))",
                   [NAMES, _NAMES_INDEXES, list(_NAMES_TRIGGERS)])
    exists, indexes, triggers = cursor.fetchone()
    return exists and indexes == len(_NAMES_INDEXES) and triggers == len(_NAMES_TRIGGERS)


def _pg_drop_names_triggers(cursor):
    for trigger, (table, _when, _function) in _NAMES_TRIGGERS.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")


def _pg_create_names(cursor):
    """(Re)create the names table, its indexes and triggers, and fill it from the organizations."""
    cursor.execute(f"DROP TABLE IF EXISTS {NAMES}")
    cursor.execute(f"CREATE TABLE {NAMES} (id bigint PRIMARY KEY, name text NOT NULL, "
                   "archived_at timestamp with time zone NULL, text text NOT NULL, collaborating boolean NOT NULL)")
    cursor.execute(_NAMES_SYNC)
    cursor.execute(_NAMES_PARTNERED)
    _pg_drop_names_triggers(cursor)
    for trigger, (_table, when, function) in _NAMES_TRIGGERS.items():
        cursor.execute(f"CREATE TRIGGER {trigger} {when} EXECUTE FUNCTION {function}()")
    # Stored in name order (and kept so by CLUSTER after bulk loads, see flush_pending): the partners whose
    # names start with a text lie together, and sorting a broad text's 3,300 matches visits 41 pages of the
    # table instead of 1,115 (4 ms -> 0.7 ms at scale L).
    cursor.execute(f"INSERT INTO {NAMES} (id, name, archived_at, text, collaborating) "
                   f"SELECT id, name, archived_at, {_NAMES_TEXT.format(p='o.')}, {_COLLABORATING.format(p='o.')} "
                   "FROM partners_organization AS o ORDER BY name, id")
    cursor.execute(f"CREATE INDEX {NAMES}_trgm ON {NAMES} USING gin (text gin_trgm_ops)")
    cursor.execute(f"CREATE INDEX {NAMES}_collaborating ON {NAMES} USING gin (text gin_trgm_ops) WHERE collaborating")
    # The partners in name order with their names: a broad text's page walks it and checks each name there
    # (``_pg_by_name``), where the trigram index would hand over all 3,300 matches to sort. Not partial, so
    # that the table can be clustered on it.
    cursor.execute(f"CREATE INDEX {NAMES}_by_name ON {NAMES} (name, id) INCLUDE (text, archived_at)")
    cursor.execute(f"ALTER TABLE {NAMES} CLUSTER ON {NAMES}_by_name")
    cursor.execute(f"ANALYZE {NAMES}")


def _upper(column):
    return f"UPPER(({column})::text)" if "||" in column else f"UPPER({column}::text)"


def _sqlite_statements(table, columns):
    fts = f"{table}_fts"
    names = ", ".join(columns)
    new_values = ", ".join(expr.format(p="new.") for expr in columns.values())
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({names}, tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new_values}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {WATCHED[table]} ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new_values}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; END",
    ]


def _sqlite_triggers_missing(cursor, table):
    cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                   "AND name LIKE %s", [table, f"{table}_fts_%"])
    return cursor.fetchone()[0] < 3


def ensure_index(using=None, **kwargs):
    """Create the search index where missing and refill it if its triggers had been lost; idempotent."""
    from django.db import connections

    conn = connections[using or "default"]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            tables = set(conn.introspection.table_names(cursor))
            for table, columns in FTS_TABLES.items():
                if table not in tables:
                    continue
                stale = _sqlite_triggers_missing(cursor, table)
                for statement in _sqlite_statements(table, columns):
                    cursor.execute(statement)
                if stale:
                    names = ", ".join(columns)
                    cursor.execute(f"DELETE FROM {table}_fts")
                    cursor.execute(f"INSERT INTO {table}_fts(rowid, {names}) "
                                   f"SELECT id, {', '.join(e.format(p='') for e in columns.values())} FROM {table}")
        elif conn.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%\\_trgm\\_%"])
            present = {row[0] for row in cursor.fetchall()}
            wanted = {f"{table}_trgm_{number}": (table, expression) for table, expressions in TRGM_EXPRESSIONS.items()
                      for number, expression in enumerate(expressions)}
            names_ready = _pg_names_ready(cursor)
            if set(wanted) <= present and names_ready:
                # Nothing to do; CREATE INDEX would fail anyway inside a transaction with pending trigger events.
                return
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for index, (table, expression) in wanted.items():
                if index not in present:
                    cursor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
                                   f"USING gin ({_upper(expression)} gin_trgm_ops)")
            if not names_ready:
                _pg_create_names(cursor)


def flush_pending(using=None):
    """Merge what a bulk load left in pieces into the search index.

    PostgreSQL: rows written in bulk wait in each GIN index's pending list, which every search reads in
    full until VACUUM merges it; a search right after loading 300,000 contacts would pay for that on every
    query. And the names table is put back in name order (see ``_pg_create_names``). SQLite: FTS5 writes each batch as a segment of its own and a match reads every segment; merging
    them into one made a broad match at scale L a fifth faster (1.4 s for the three tables).
    """
    from django.db import connections

    conn = connections[using or "default"]
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            for table in FTS_TABLES:
                cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('optimize')")
        return
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for table, expressions in TRGM_EXPRESSIONS.items():
            for number in range(len(expressions)):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [f"{table}_trgm_{number}"])
        for index in (f"{NAMES}_trgm", f"{NAMES}_collaborating"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        # Partners written in bulk were appended in the order they came: back in name order.
        cursor.execute(f"CLUSTER {NAMES}")
        cursor.execute(f"ANALYZE {NAMES}")


def drop_index(using=None):
    """Remove the search index (the migration's reverse)."""
    from django.db import connections

    conn = connections[using or "default"]
    with conn.cursor() as cursor:
        for table, expressions in TRGM_EXPRESSIONS.items():
            if conn.vendor == "sqlite":
                for suffix in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
                cursor.execute(f"DROP TABLE IF EXISTS {table}_fts")
            elif conn.vendor == "postgresql":
                for number in range(len(expressions)):
                    cursor.execute(f"DROP INDEX IF EXISTS {table}_trgm_{number}")
        if conn.vendor == "postgresql":
            _pg_drop_names_triggers(cursor)
            cursor.execute(f"DROP TABLE IF EXISTS {NAMES}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {NAMES}_sync()")
            cursor.execute(f"DROP FUNCTION IF EXISTS {NAMES}_partnered()")


def _indexed(text):
    return len(text) >= MIN_LENGTH and "\n" not in text and connection.vendor in ("sqlite", "postgresql")


def _phrase(text, columns=None):
    """An FTS5 query: ``text`` as one phrase (a substring, with the trigram tokenizer) in ``columns`` (all
    of the table's when None: a column filter costs the match a fifth more)."""
    phrase = '"%s"' % text.replace('"', '""')
    return "{%s} : %s" % (" ".join(columns), phrase) if columns else phrase


def _like(text):
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _pg_matching(expressions, text):
    conditions = " OR ".join(f"{_upper(e)} LIKE UPPER(%s)" for e in expressions)
    return conditions, [_like(text)] * len(expressions)


def _pg_named(text, where=None):
    """PostgreSQL: the ids of the organizations whose name, French name or acronym contains ``text`` (and
    ``where`` holds)."""
    condition = f"{where} AND text LIKE UPPER(%s)" if where else "text LIKE UPPER(%s)"
    return f"SELECT id FROM {NAMES} WHERE {condition}", [_like(text)]


def _sqlite_match(table, text, columns=None):
    """SQLite: the rowids of ``table``'s rows matching ``text`` in ``columns`` of its FTS5 table (all if None)."""
    return f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [_phrase(text, columns)]


def _sqlite_by_contact(text):
    """SQLite: the organizations of the contacts whose name or email contains ``text``."""
    contacts, params = _sqlite_match("partners_contact", text, ["first_name", "last_name", "email"])
    return f"SELECT organization_id FROM partners_contact WHERE id IN ({contacts})", params


def organization_ids(text):
    """SQL for the ids of organizations whose name, French name or acronym, or a contact's name or email,
    contains ``text``.

    An id may come twice (UNION ALL): the SQL is only ever an ``IN`` or ``ANY`` list, which does not mind,
    and removing duplicates first sorted a broad text's 3,300 ids for nothing.
    """
    if connection.vendor == "sqlite":
        names, name_params = _sqlite_match("partners_organization", text)
        by_contact, contact_params = _sqlite_by_contact(text)
        return RawSQL(f"{names} UNION ALL {by_contact}", name_params + contact_params)
    by_name, name_params = _pg_named(text)
    by_contact, contact_params = _pg_matching(["first_name", "last_name", "email"], text)
    sql = f"{by_name} UNION ALL SELECT organization_id FROM partners_contact WHERE {by_contact}"
    return RawSQL(sql, name_params + contact_params)


def contact_ids(text):
    """SQL for the ids of contacts whose full name, email or title contains ``text``."""
    if connection.vendor == "sqlite":
        return RawSQL(*_sqlite_match("partners_contact", text, ["full_name", "email", "title"]))
    where, params = _pg_matching(["first_name || ' ' || last_name", "email", "title"], text)
    return RawSQL(f"SELECT id FROM partners_contact WHERE {where}", params)


def collaboration_ids(text):
    """SQL for the ids of collaborations whose title or summary, or a partner's name, French name or acronym,
    contains ``text`` (an id may come twice, as in ``organization_ids``)."""
    if connection.vendor == "sqlite":
        own, own_params = _sqlite_match("partners_collaboration", text)
        names, name_params = _sqlite_match("partners_organization", text)
        sql = (f"{own} UNION ALL SELECT collaboration_id FROM partners_collaborationpartner "
               f"WHERE organization_id IN ({names})")
        return RawSQL(sql, own_params + name_params)
    own, own_params = _pg_matching(["title", "summary"], text)
    partners, partner_params = _pg_partnered(text)
    return RawSQL(f"SELECT id FROM partners_collaboration WHERE {own} UNION ALL {partners}", own_params + partner_params)


def _pg_partnered(text):
    """PostgreSQL: the ids of collaborations with a partner whose names contain ``text``, from the names of
    partners in a collaboration only; ANY(ARRAY(…)) reads their links from an index (see ``_AnyOf``)."""
    names, params = _pg_named(text, where="collaborating")
    return (f"SELECT collaboration_id FROM partners_collaborationpartner WHERE organization_id = ANY(ARRAY({names}))",
            params)


def indexed(text):
    """Whether the index answers for ``text`` (``first_ids``, ``organization_page``); the plain scan does
    otherwise."""
    return _indexed(text.strip())


# Names walked in order, at most, before a search's page is sorted from all its matches instead.
WALK = 5000


def first_ids(text, limit):
    """The ids of the first ``limit`` active organizations by name and collaborations by title matching
    ``text`` (as ``organizations`` and ``collaborations`` match), from one statement.

    The organizations come as a directory page does (``_pg_by_name``, ``_sqlite_by_name``). The
    collaborations found through their partners' names: on PostgreSQL from the names of the partners in a
    collaboration only (a partial index: 280 of a broad text's 3,300 matches at scale L), on SQLite from
    the same FTS5 match as the organizations. The caller then fetches ``limit`` rows of each (``with_ids``).
    """
    text = text.strip()
    if connection.vendor == "postgresql":
        ctes, organizations, params = _pg_by_name(text, 0, limit)
        own, own_params = _pg_matching(["title", "summary"], text)
        partners, partner_params = _pg_partnered(text)
        sql = (f"WITH {ctes} (SELECT 1, id FROM ({organizations}) AS organizations) "
               "UNION ALL (SELECT 2, id FROM partners_collaboration WHERE id = ANY(ARRAY("
               f"SELECT id FROM partners_collaboration WHERE {own} UNION {partners})) ORDER BY title, id LIMIT %s)")
        params += [*own_params, *partner_params, limit]
    else:
        names, name_params = _sqlite_match("partners_organization", text)
        by_contact, contact_params = _sqlite_by_contact(text)
        ctes, organizations, by_name_params = _sqlite_by_name(0, limit)
        own, own_params = _sqlite_match("partners_collaboration", text)
        sql = (
            f"WITH by_name(id) AS MATERIALIZED ({names}), "
            f"named(id) AS MATERIALIZED (SELECT id FROM by_name UNION ALL {by_contact}), "
            f"{ctes} SELECT 1, id FROM ({organizations}) "
            f"UNION ALL SELECT 2, id FROM (SELECT id FROM partners_collaboration WHERE id IN ({own} UNION ALL "
            "SELECT collaboration_id FROM partners_collaborationpartner WHERE organization_id IN (SELECT id FROM by_name)"
            ") ORDER BY title, id LIMIT %s)"
        )
        params = [*name_params, *contact_params, *by_name_params, *own_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [pk for kind, pk in rows if kind == 1], [pk for kind, pk in rows if kind == 2]


def organization_page(text, offset, limit, bound):
    """``(id, number of matches up to bound)`` of ``limit`` active organizations matching ``text`` (as
    ``organizations`` matches), from ``offset`` in name order: the directory's page of a search alone.

    The count stops at ``bound``: past its cap the list says "more than 1,000" anyway, and counting all
    3,300 matches of a broad text at scale L read every one of them.
    """
    text = text.strip()
    if connection.vendor == "postgresql":
        ctes, page, params = _pg_by_name(text, offset, limit, bound=bound)
        sql = f"WITH {ctes} SELECT id, (SELECT matches FROM counted) FROM ({page}) AS page"
    else:
        ids = organization_ids(text)
        ctes, page, page_params = _sqlite_by_name(offset, limit)
        sql = (f"WITH named AS MATERIALIZED ({ids.sql}), counted AS MATERIALIZED (SELECT COUNT(*) AS matches FROM "
               f"(SELECT 1 FROM partners_organization WHERE archived_at IS NULL AND id IN named LIMIT %s)), {ctes} "
               f"SELECT id, (SELECT matches FROM counted) FROM ({page})")
        params = [*ids.params, bound, *page_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# A page of the active organizations matching a text, by name: ``(CTEs, SELECT id, name, params)``.
#
# A broad text matches 3,300 of 100,000 partners at scale L. Sorting them all for a page of 25 reads every
# match; walking the names in order and checking each stops at the page's last row, but reads the whole
# index when the matches lie late in the alphabet ("zephyr": 13 ms on PostgreSQL, 24 on SQLite). Which is
# cheaper depends on where the matches lie, which neither planner can tell. So the first WALK names are
# walked and give the page when they hold it; otherwise the matches are sorted and the walk was wasted
# (0.65 ms on PostgreSQL). A text found all through the alphabet ("labs", 10,849 matches): 2 ms, against
# 7 ms sorted.

def _pg_by_name(text, offset, limit, bound=None):
    """PostgreSQL: with ``bound``, also the CTE ``counted`` (``matches``: their number, up to ``bound``),
    which comes first: a text matching fewer than ``bound`` partners is not worth walking for."""
    by_contact, contact_params = _pg_matching(["first_name", "last_name", "email"], text)
    like = _like(text)
    matching = "archived_at IS NULL AND (text LIKE UPPER(%s) OR id = ANY((SELECT ids FROM contacts)::bigint[]))"
    ctes = [f"contacts AS MATERIALIZED (SELECT ARRAY(SELECT organization_id FROM partners_contact "
            f"WHERE {by_contact}) AS ids)"]
    params = [*contact_params]
    walk_if, walk_if_params = "true", []
    if bound is not None:
        ctes.append(f"counted AS MATERIALIZED (SELECT COUNT(*) AS matches FROM (SELECT FROM {NAMES} "
                    f"WHERE {matching} LIMIT %s) AS bounded)")
        params += [like, bound]
        walk_if, walk_if_params = "(SELECT matches FROM counted) >= %s", [bound]
    end = offset + limit
    ctes.append(f"walked AS MATERIALIZED (SELECT id, name FROM (SELECT id, name, text FROM {NAMES} "
                f"WHERE archived_at IS NULL AND {walk_if} ORDER BY name, id LIMIT {WALK}) AS walk "
                "WHERE text LIKE UPPER(%s) OR id = ANY((SELECT ids FROM contacts)::bigint[]) ORDER BY name, id LIMIT %s)")
    # All the matches, only when the walk did not hold the page, and collected without an order: asked for
    # them in name order, the planner would walk the whole index of names.
    ctes.append(f"matches AS MATERIALIZED (SELECT id, name FROM {NAMES} "
                f"WHERE (SELECT COUNT(*) FROM walked) < %s AND {matching})")
    params += [*walk_if_params, like, end, end, like]
    page = ("SELECT id, name FROM ((SELECT id, name FROM walked WHERE (SELECT COUNT(*) FROM walked) >= %s) UNION ALL "
            "(SELECT id, name FROM matches ORDER BY name, id LIMIT %s)) AS found ORDER BY name, id LIMIT %s OFFSET %s")
    return ", ".join(ctes), page, [*params, end, end, limit, offset]


def _sqlite_by_name(offset, limit):
    """SQLite: over the CTE ``named`` (ids of matching partners, maybe repeated or archived).

    Only a text matching more than one partner in 20 walks, where the page's 25 rows lie within the first
    500 names if the matches are spread out. SQLite's walk costs 2 ms for 5,000 names (a probe of the
    matches per name, against 0.65 ms on PostgreSQL); for a text matching one partner in 30 whose partners'
    names start with it ("zephyr"), sorting its 3,300 matches took 3.5 ms and walking first 5.7 ms.
    """
    broad = "(SELECT COUNT(*) * 20 > (SELECT max(id) FROM partners_organization) FROM named)"
    # No ORDER BY over the walk: it comes in name order, and sorting it would read all of it.
    ctes = ("walked AS MATERIALIZED (SELECT id, name FROM (SELECT id, name FROM partners_organization "
            f"INDEXED BY organization_name WHERE archived_at IS NULL ORDER BY name, id "
            f"LIMIT (CASE WHEN {broad} THEN {WALK} ELSE 0 END)) WHERE id IN named LIMIT %s)")
    # LIMIT 0, not a WHERE: SQLite would run the sort's loop to test a WHERE that is false on every row.
    page = ("SELECT id, name FROM (SELECT id, name FROM walked WHERE (SELECT COUNT(*) FROM walked) >= %s UNION ALL "
            "SELECT * FROM (SELECT id, name FROM partners_organization WHERE archived_at IS NULL AND id IN named "
            "ORDER BY name, id LIMIT (CASE WHEN (SELECT COUNT(*) FROM walked) < %s THEN %s ELSE 0 END))) "
            "ORDER BY name, id LIMIT %s OFFSET %s")
    end = offset + limit
    return ctes, page, [end, end, end, end, limit, offset]


class _AnyOf(Func):
    """``expression = ANY(ARRAY(subquery))``, PostgreSQL's form of ``expression IN (subquery)``.

    Given ``pk IN (subquery)``, PostgreSQL hashes the matches and reads the whole table to probe them:
    36 ms for a broad text at 100,000 organizations. ``ANY(ARRAY(…))`` runs the subquery once, first,
    and fetches each match by primary key (12 ms).
    """

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()


class _AnyOfList(Func):
    """``expression = ANY(%s)`` for a list of ids (PostgreSQL)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def with_ids(queryset, ids):
    """``queryset`` narrowed to the ids in ``ids``, with one statement even for none.

    ``pk__in=[]`` runs no query at all, so the number of statements a page runs would depend on
    what it finds; this one does not.
    """
    if connection.vendor == "sqlite":
        return queryset.filter(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))]))
    return queryset.filter(_AnyOfList(F("pk"), Value(list(ids))))


def _narrowed(queryset, ids):
    if connection.vendor == "postgresql":
        return queryset.filter(_AnyOf(F("pk"), ids))
    return queryset.filter(pk__in=ids)


def organizations(queryset, text):
    """``queryset`` narrowed to organizations matching ``text`` (see ``organization_ids``)."""
    text = text.strip()
    if not _indexed(text):
        return queryset.search(text)
    return _narrowed(queryset, organization_ids(text))


def contacts(queryset, text):
    """``queryset`` narrowed to contacts matching ``text`` (see ``contact_ids``)."""
    text = text.strip()
    if not _indexed(text):
        return queryset.search(text)
    return _narrowed(queryset, contact_ids(text))


def collaborations(queryset, text):
    """``queryset`` narrowed to collaborations matching ``text`` (see ``collaboration_ids``)."""
    text = text.strip()
    if not _indexed(text):
        return queryset.search(text)
    return _narrowed(queryset, collaboration_ids(text))
