"""Request guards that sit in front of views the project does not write itself."""
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
