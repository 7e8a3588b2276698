"""Request guards that sit in front of views the project does not write itself."""
import datetime

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class AdminNullCharacterMiddleware:
    """Answer 400 to an admin page whose query string holds a NUL character.

    The admin's list filters and autocomplete put query-string values straight into lookups, and
    PostgreSQL refuses NUL in text (a 500). Staff pages validate the same values in their forms.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "admin" in request.resolver_match.namespaces and any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            return HttpResponseBadRequest(_("The address contains a character that is not allowed."))
        return None


DATE_PARTS = ("__year", "__month", "__day")


def _date_or_none(year, month, day):
    """The date the parts name, or None; years stop at 9998 because the admin computes the year after."""
    try:
        parts = [int(value) if value.isascii() and value.isdigit() else -1 for value in (year, month, day)]
        day_named = datetime.date(*parts)
    except (ValueError, OverflowError):
        return None
    return day_named if day_named.year < 9999 else None


class AdminDateHierarchyMiddleware:
    """Answer 400 to an admin list whose date drill-down (``?<field>__year=&__month=&__day=``) names no date.

    The admin's date hierarchy builds a datetime from these and the day, month or year after it, catching
    only some errors: a huge year (OverflowError) or 9999 (no year after it) was a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "admin" not in request.resolver_match.namespaces:
            return None
        fields = {key.removesuffix(part) for key in request.GET for part in DATE_PARTS if key.endswith(part)}
        for field in fields:
            year, month, day = (request.GET.get(field + part) for part in DATE_PARTS)
            if _date_or_none(year or "2000", month or "1", day or "1") is None:
                return HttpResponseBadRequest(_("The address names a date that does not exist."))
        return None
