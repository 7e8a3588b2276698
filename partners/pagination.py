"""Pagination that stays cheap on large tables: a bounded count for lists, keyset pages for timelines."""
import datetime
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window


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

    def __init__(self, object_list, per_page, *, rows=None, ids=None, **kwargs):
        # With ``rows``, a page's rows are taken by id from that queryset (see ``_page_by_id``); ``ids``,
        # if given, picks them instead of ``object_list``: ``ids(offset, limit, bound)`` -> [(id, matches), ...],
        # the matches counted exactly up to ``bound``.
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows
        self.ids = ids

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
        return self._whole_number(number)

    def _whole_number(self, number):
        """``number`` as a page number past which rows could exist; EmptyPage or PageNotAnInteger otherwise.

        A page whose first row lies beyond a 64-bit offset is empty: the databases refuse such an OFFSET.
        """
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page >= 2**62:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        if self.rows is not None:
            return self._page_by_id(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.capped:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self.object_list[bottom:top], number, self)
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return BoundedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _page_by_id(self, number):
        """The page's ids and the number of matches from one statement, then those rows from ``rows``.

        ``rows`` is the list's queryset before filtering, with its per-row subqueries (counts, last
        interaction). A search must collect and sort all its matches whatever the page, so counting them
        in the same statement (a window over the sorted list) costs nothing more, where a separate count
        would collect them again; and only the page's rows are annotated, not the 3,300 matches of a broad
        search at 100,000 organizations.
        """
        number = self._whole_number(number)
        first = (number - 1) * self.per_page
        size = self.per_page + self.orphans
        # Past the cap and past this page: enough to say "more than 1,000" and whether a next page exists.
        bound = max(self.cap, first + size) + 1
        found = list(
            self.ids(first, size, bound) if self.ids else
            self.object_list.annotate(_matches=Window(Count("pk"))).values_list("pk", "_matches")[first : first + size]
        )
        if found:
            self.count = found[0][1]  # exact up to bound at least; otherwise the bounded count runs
        number = self.validate_number(number)
        if not found and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if first + self.per_page + self.orphans < self.count:
            found = found[: self.per_page]
        ordering = self.object_list.query.order_by or self.rows.query.order_by
        rows = self.rows.filter(pk__in=[pk for pk, _ in found]).order_by(*ordering)
        if self.capped:
            return BoundedPage(list(rows), number, self, more=first + self.per_page < self.count)
        return self._get_page(rows, number, self)


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
