"""Address-book downloads: one contact or the filtered contact list as vCard 4.0."""
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from ..filters import ContactFilter
from ..models import Contact
from ..vcards import vcard, vcard_file_name, vcards
from .base import RoleRequiredMixin

VCARD_TYPE = "text/vcard; charset=utf-8"


def _attachment(response, file_name):
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


class ContactVCardView(RoleRequiredMixin, View):
    """One contact's card, for an address book."""

    permission_required = "partners.view_contact"

    def get(self, request, pk):
        contact = get_object_or_404(Contact.objects.select_related("organization"), pk=pk)
        return _attachment(HttpResponse(vcard(contact), content_type=VCARD_TYPE), vcard_file_name(contact.full_name))


class ContactListVCardView(RoleRequiredMixin, View):
    """The contacts the list shows with the same filters, streamed card by card."""

    permission_required = "partners.view_contact"

    def get(self, request):
        filterset = ContactFilter(
            request.GET or None, queryset=Contact.objects.active().select_related("organization"), request=request
        )
        if filterset.is_bound and not filterset.is_valid():
            errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
            return HttpResponse(
                _("These filters are not valid: %(errors)s") % {"errors": errors},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        contacts = filterset.qs.iterator(chunk_size=500)
        return _attachment(StreamingHttpResponse(vcards(contacts), content_type=VCARD_TYPE), vcard_file_name(_("contacts")))
