"""vCards that an independent reader (vobject) reads back as written."""
import pytest
import vobject
from django.urls import reverse

from partners.vcards import fold, vcard
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_card_is_read_back_field_for_field_by_vobject():
    organization = OrganizationFactory(name="Giatec Scientific; Inc., Ottawa")
    contact = ContactFactory(
        first_name="Pouria",
        last_name="Ghods, Ph.D.",
        title="CEO; co-founder",
        email="pouria@giatec.ca",
        phone="+1 613 555 0100",
        notes="Met at the fair.\nLikes concrete\\sensors, a lot",
        organization=organization,
    )
    card = vobject.readOne(vcard(contact))

    assert card.version.value == "4.0"
    assert card.fn.value == "Pouria Ghods, Ph.D."
    assert (card.n.value.family, card.n.value.given) == ("Ghods, Ph.D.", "Pouria")
    assert card.org.value == ["Giatec Scientific; Inc., Ottawa"]
    assert card.title.value == "CEO; co-founder"
    assert card.email.value == "pouria@giatec.ca"
    assert card.tel.value == "+1 613 555 0100"
    assert card.note.value == "Met at the fair.\nLikes concrete\\sensors, a lot"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    contact = ContactFactory(notes="Réunion à Montréal " * 20, first_name="Élodie")
    text = vcard(contact)
    lines = text.split("\r\n")
    assert max(len(line.encode("utf-8")) for line in lines) <= 75
    assert vobject.readOne(text).note.value == "Réunion à Montréal " * 20
    assert fold("x" * 75) == "x" * 75 + "\r\n"


def test_one_contact_downloads_as_a_vcf(client, readonly_user):
    contact = ContactFactory(first_name="Anil", last_name="Arora")
    client.force_login(readonly_user)
    response = client.get(reverse("partners:contact-vcard", args=[contact.pk]))
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert "Anil-Arora.vcf" in response["Content-Disposition"]
    assert vobject.readOne(response.content.decode()).fn.value == "Anil Arora"


def test_filtered_list_streams_the_contacts_it_shows(client, readonly_user, django_assert_max_num_queries):
    statcan = OrganizationFactory(name="Statistics Canada")
    for n in range(30):
        ContactFactory(organization=statcan, first_name=f"Person{n}")
    ContactFactory(first_name="Elsewhere")
    archived = ContactFactory(organization=statcan, first_name="Archived")
    archived.archived_at = archived.created_at
    archived.save()
    client.force_login(readonly_user)

    # Prevents one query per card: the organization comes in the same query, whatever the count.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("partners:contact-list-vcard"), {"organization": statcan.pk})
        body = b"".join(response.streaming_content).decode()

    cards = list(vobject.readComponents(body))
    assert len(cards) == 30
    assert {card.org.value[0] for card in cards} == {"Statistics Canada"}


def test_bad_filter_answers_400_with_the_error_not_an_empty_file(client, readonly_user):
    client.force_login(readonly_user)
    response = client.get(reverse("partners:contact-list-vcard"), {"organization": "nope"})
    assert response.status_code == 400


def test_contact_page_and_filtered_list_link_to_their_vcards(client, readonly_user):
    contact = ContactFactory()
    client.force_login(readonly_user)
    detail = client.get(reverse("partners:contact-detail", args=[contact.pk])).content.decode()
    assert reverse("partners:contact-vcard", args=[contact.pk]) in detail
    listing = client.get(reverse("partners:contact-list"), {"q": "Arora", "page": "1"}).content.decode()
    assert f'{reverse("partners:contact-list-vcard")}?q=Arora"' in listing
