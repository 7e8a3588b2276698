"""Pagination that stays cheap on large tables: a bounded count for lists, keyset pages for timelines."""
import datetime
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


class BoundedPage(Page):
    """A page of a capped list: whether a next page exists comes from fetching one row more."""

    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class BoundedPaginator(Paginator):
    """Counts at most ``cap`` rows; past that the list says "more than 1,000" and pages on with Next.

    An exact COUNT(*) reads every matching row on every page view; nobody needs to know whether there
    are 98,412 or 98,413 partners, but they do need the page to come back quickly.
    """

    cap = 1000

    def __init__(self, object_list, per_page, *, rows=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    @cached_property
    def count(self):
        # Only the ids, without ordering or annotations: the count must not compute per-row subqueries.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.capped:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self._rows(bottom, top), number, self)
        rows = list(self._rows(bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return BoundedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _rows(self, bottom, top):
        """Rows ``bottom`` to ``top``.

        With ``rows`` (the list's queryset before filtering, with its per-row subqueries: counts, last
        interaction), the page's ids are chosen from the filtered list inside the same statement and only
        those rows are annotated. Sorted and sliced directly, the database computes the subqueries for every
        match before it sorts: 3,300 rows for a broad search at 100,000 organizations.
        """
        if self.rows is None:
            return self.object_list[bottom:top]
        ordering = self.object_list.query.order_by or self.rows.query.order_by
        return self.rows.filter(pk__in=self.object_list.values("pk")[bottom:top]).order_by(*ordering)


@dataclass
class KeysetPage:
    """One page of a newest-first list, with the cursor of the next (older) page, if any."""

    object_list: list
    next_cursor: str | None
    is_first: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def parse_cursor(value):
    """``"2026-01-31,42"`` as (date, id); None for a missing or malformed cursor (first page)."""
    try:
        day, pk = (value or "").split(",")
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def keyset_page(queryset, *, before, size, date_field="occurred_on"):
    """Rows strictly older than cursor ``before`` in (date, id) descending order: cost independent of depth.

    OFFSET pagination reads and throws away every earlier row, so page 500 of a busy partner's timeline
    would cost 500 times page 1; a keyset seeks the index (organization, date, id) straight to the cursor.
    """
    cursor = parse_cursor(before)
    rows = queryset.order_by(f"-{date_field}", "-pk")
    if cursor:
        day, pk = cursor
        # "date ≤ day" is the index range the database seeks to; the exclusion only trims that one day.
        # (An OR of "date < day" and "same day, smaller id" makes PostgreSQL walk the partner's whole timeline.)
        rows = rows.filter(**{f"{date_field}__lte": day}).exclude(**{date_field: day, "pk__gte": pk})
    rows = list(rows[: size + 1])
    next_cursor = None
    if len(rows) > size:
        last = rows[size - 1]
        next_cursor = f"{getattr(last, date_field).isoformat()},{last.pk}"
    return KeysetPage(rows[:size], next_cursor, is_first=cursor is None)
