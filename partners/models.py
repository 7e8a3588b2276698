"""The partnerships domain: organizations, people, collaborations, fairs, agreements."""
import unicodedata
import re

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.db.models import Value
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .model_mixins import Archivable, ArchivableQuerySet, Versioned, audit_history, external_id_field


def normalize_name(value):
    """Fold case, accents, punctuation and spacing so near-identical names compare equal."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", stripped.casefold()).split())


class SourceDocument(models.Model):
    """A seed document (press release or web page) that records were taken from."""

    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        WEB_PAGE = "web_page", _("Web page")

    file_name = models.CharField(_("file name"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(
        _("published on"), null=True, blank=True, help_text=_("Empty when the document gives no date.")
    )

    class Meta:
        ordering = ["file_name"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.title


class Tracked(models.Model):
    """Provenance and synthetic marking shared by the records seeds and generators create."""

    sources = models.ManyToManyField(
        SourceDocument,
        blank=True,
        related_name="+",
        verbose_name=_("sources"),
        help_text=_("Seed documents this record was taken from."),
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Generated demo or benchmark data, not a real record."),
    )

    class Meta:
        abstract = True


class Sector(models.Model):
    """An industry or activity sector (health, energy, construction…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name


class Program(models.Model):
    """A program of the institute that organizations take part in."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self):
        return self.name


class ResearchArea(models.Model):
    """A research topic a collaboration works on."""

    name = models.CharField(_("name"), max_length=150, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("research area")
        verbose_name_plural = _("research areas")

    def __str__(self):
        return self.name


ACTIVE = Q(archived_at__isnull=True)


class OrganizationQuerySet(ArchivableQuerySet):
    def partners(self):
        """Organizations with an active partnership."""
        return self.filter(status=Organization.Status.PARTNER)

    def real(self):
        """Organizations that are not generated demo data."""
        return self.filter(is_synthetic=False)

    def with_engagement(self):
        """Annotate contact, interaction and active-collaboration counts and the last interaction.

        Correlated subqueries, not joins: joining three to-many relations multiplies rows.
        """
        return self.annotate(
            contact_count=_active_contact_count(),
            interaction_count=_count_of(Interaction.objects.filter(organization=OuterRef("pk"))),
            active_collaboration_count=_count_of(
                CollaborationPartner.objects.filter(
                    organization=OuterRef("pk"), collaboration__status=Collaboration.Status.ACTIVE
                )
            ),
            last_interaction_on=Subquery(
                Interaction.objects.filter(organization=OuterRef("pk"))
                .order_by("-occurred_on")
                .values("occurred_on")[:1]
            ),
        )

    def with_owner_name(self):
        """Annotate ``owner_name``, the relationship owner as a page shows them (None without one).

        A subquery, not a join: a join stays in every query made from this one, the directory's count
        too, and there it turned PostgreSQL's index-only count into a heap scan.
        """
        users = apps.get_model(settings.AUTH_USER_MODEL)._default_manager
        owner = users.filter(pk=OuterRef("relationship_owner_id")).annotate(name=person_name()).values("name")[:1]
        return self.annotate(owner_name=Subquery(owner))

    def with_record_counts(self):
        """Annotate contact and collaboration totals, for pages that list only the first few."""
        return self.annotate(
            contact_count=_active_contact_count(),
            collaboration_count=_count_of(CollaborationPartner.objects.filter(organization=OuterRef("pk"))),
        )

    def not_contacted_since(self, day):
        """Organizations with no interaction on or after ``day`` (never contacted included)."""
        return self.exclude(Exists(Interaction.objects.filter(organization=OuterRef("pk"), occurred_on__gte=day)))

    def coldest_first(self):
        """Ordered by the last interaction (``with_engagement``), never contacted first, then by name.

        Explicitly: PostgreSQL would put the never contacted last and SQLite first.
        """
        return self.order_by(F("last_interaction_on").asc(nulls_first=True), "name", "pk")

    def contacted_after(self, day):
        """Organizations with an interaction after ``day``."""
        return self.filter(Exists(Interaction.objects.filter(organization=OuterRef("pk"), occurred_on__gt=day)))

    def with_active_collaboration(self, present=True):
        """Organizations taking part (or, with ``present=False``, not) in an active collaboration."""
        active = Exists(
            CollaborationPartner.objects.filter(
                organization=OuterRef("pk"), collaboration__status=Collaboration.Status.ACTIVE
            )
        )
        return self.filter(active if present else ~active)

    def in_sector(self, sector):
        """Organizations in ``sector``; EXISTS, not a join, so the list keeps walking the name index."""
        return self.filter(Exists(Organization.sectors.through.objects.filter(organization=OuterRef("pk"), sector=sector)))

    def in_program(self, program):
        """Organizations taking part in ``program`` (EXISTS, like ``in_sector``)."""
        return self.filter(
            Exists(Organization.programs.through.objects.filter(organization=OuterRef("pk"), program=program))
        )

    def took_part_in(self, fair):
        """Organizations with a participation (any status) in ``fair``."""
        return self.filter(Exists(FairParticipation.objects.filter(organization=OuterRef("pk"), fair=fair)))

    def search(self, text):
        """Name, acronym, or the name or email of one of its contacts."""
        text = text.strip()
        if not text:
            return self
        contacts = Contact.objects.filter(organization=OuterRef("pk")).filter(
            Q(first_name__icontains=text) | Q(last_name__icontains=text) | Q(email__icontains=text)
        )
        return self.filter(
            Q(name__icontains=text) | Q(name_fr__icontains=text) | Q(short_name__icontains=text) | Exists(contacts)
        )


def person_name(prefix=""):
    """What ``get_full_name|default:get_username`` shows for the user at ``prefix`` (e.g.
    ``"relationship_owner__"``), as an SQL expression."""
    full_name = Trim(Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name", output_field=models.CharField()))
    return Coalesce(NullIf(full_name, Value("")), f"{prefix}username")


def _active_contact_count():
    """Contacts in use at the row's organization; archived (merged-away) people are not counted."""
    return _count_of(Contact.objects.active().filter(organization=OuterRef("pk")))


def _count_of(queryset):
    """A correlated COUNT(*) subquery that yields 0, not NULL, when nothing matches."""
    return Coalesce(
        Subquery(queryset.order_by().values("pk").annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]),
        0,
    )


class Organization(Tracked, Versioned, Archivable):
    """A partner, prospect or former partner — or the institute itself."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("Industry company")
        STARTUP = "startup", _("Startup")
        GOVERNMENT = "government", _("Government agency")
        NON_PROFIT = "non_profit", _("Non-profit")
        ACADEMIC = "academic", _("Academic institution")
        HOME = "home", _("Home institute")

    class Status(models.TextChoices):
        PARTNER = "partner", _("Partner")
        PROSPECT = "prospect", _("Prospect")
        FORMER = "former", _("Former partner")
        AFFILIATED = "affiliated", _("Affiliated institution")
        NONE = "none", _("No partnership")

    name = models.CharField(_("name"), max_length=200, help_text=_("Official name, as the organization writes it."))
    name_fr = models.CharField(
        _("French name"),
        max_length=200,
        blank=True,
        help_text=_("Official French name, when the organization has one (Statistique Canada)."),
    )
    name_key = models.CharField(
        _("name key"),
        max_length=200,
        unique=True,
        editable=False,
        help_text=_("The name without case, accents or punctuation; keeps names unique."),
    )
    short_name = models.CharField(
        _("short name"), max_length=50, blank=True, help_text=_("Acronym or usual short name, e.g. IREQ.")
    )
    external_id = external_id_field()
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="organizations", verbose_name=_("sectors"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    employee_count = models.PositiveIntegerField(
        _("employees"), null=True, blank=True, help_text=_("Number of employees, when known.")
    )
    status = models.CharField(
        _("partnership status"), max_length=20, choices=Status.choices, default=Status.PROSPECT
    )
    partner_since = models.PositiveSmallIntegerField(
        _("partner since (year)"),
        null=True,
        blank=True,
        help_text=_("Year the partnership began; empty when unknown."),
    )
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_organizations",
        verbose_name=_("relationship owner"),
        help_text=_("Staff member responsible for the relationship."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organization"),
        help_text=_("The organization this one belongs to, e.g. a department's agency."),
    )
    programs = models.ManyToManyField(
        Program, blank=True, related_name="organizations", verbose_name=_("programs")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        # The directory lists active organizations by name, alone or within a kind or status filter;
        # partial indexes hold only those rows, so counting and paging never visit the table.
        indexes = [
            models.Index(fields=["name"], name="organization_name", condition=ACTIVE),
            models.Index(fields=["status", "name"], name="organization_status_name", condition=ACTIVE),
            models.Index(fields=["kind", "name"], name="organization_kind_name", condition=ACTIVE),
            # "Partners in Canada": the bounded count reads the country from the index, not from each row.
            models.Index(fields=["status", "country"], name="organization_status_country", condition=ACTIVE),
            # SQLite's search looks each match up by id for its name and whether it is archived: here, not in
            # the partner's row (a broad text's 3,300 matches at scale L). PostgreSQL reads its names table.
            models.Index(fields=["id", "archived_at", "name"], name="organization_id_archived_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner_since__isnull=True) | Q(partner_since__gte=1900),
                name="organization_partner_since_plausible",
            )
        ]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self):
        """The official name in the active language, when the organization has one."""
        if self.name_fr and (get_language() or "").startswith("fr"):
            return self.name_fr
        return self.name

    def get_absolute_url(self):
        return reverse("partners:organization-detail", args=[self.pk])

    def clean(self):
        self.name_key = normalize_name(self.name)
        if not self.name_key:
            raise ValidationError({"name": _("Enter a name.")})
        clash = Organization.objects.filter(name_key=self.name_key).exclude(pk=self.pk).first()
        if clash is not None:
            raise ValidationError(
                {"name": _("“%(name)s” already exists; names may not differ only in case or accents.") % {"name": clash.name}}
            )
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organization cannot be its own parent.")})

    def save(self, *args, **kwargs):
        # The key is derived data, kept beside the name so the database enforces uniqueness.
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)


class ContactQuerySet(ArchivableQuerySet):
    def search(self, text):
        """First or last name, full name, email or title."""
        text = text.strip()
        if not text:
            return self
        full_name = Concat("first_name", Value(" "), "last_name", output_field=models.CharField())
        return self.alias(full_name=full_name).filter(
            Q(full_name__icontains=text) | Q(email__icontains=text) | Q(title__icontains=text)
        )


class Contact(Tracked, Versioned, Archivable):
    """A person at an organization (the institute's own people are contacts of the home institute)."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Job title or role."))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("organization")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_primary = models.BooleanField(
        _("primary contact"), default=False, help_text=_("The first person to reach at this organization.")
    )
    notes = models.TextField(_("notes"), blank=True)
    external_id = external_id_field()
    anonymized_at = models.DateTimeField(
        _("anonymized at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the person's details were erased on request (Law 25)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        # The contact list pages active people by name: from the index, not by sorting 300,000 rows.
        indexes = [models.Index(fields=["last_name", "first_name"], name="contact_name", condition=ACTIVE)]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class CollaborationQuerySet(models.QuerySet):
    def search(self, text):
        """Title, summary or the name, French name or acronym of a partner organization."""
        text = text.strip()
        if not text:
            return self
        partners = CollaborationPartner.objects.filter(collaboration=OuterRef("pk")).filter(
            Q(organization__name__icontains=text) | Q(organization__name_fr__icontains=text)
            | Q(organization__short_name__icontains=text)
        )
        return self.filter(Q(title__icontains=text) | Q(summary__icontains=text) | Exists(partners))


class Collaboration(Tracked, Versioned):
    """A research collaboration, internship program or other joint work with partners."""

    class Kind(models.TextChoices):
        APPLIED_RESEARCH = "applied_research", _("Applied research")
        ACADEMIC_RESEARCH = "academic_research", _("Academic research")
        SHORT_TERM = "short_term", _("Short-term targeted intervention")
        INTERNSHIP = "internship", _("Internship")
        CO_AUTHORED = "co_authored", _("Co-authored research")
        WORKSHOP = "workshop", _("Workshop")
        AI_FOR_HUMANITY = "ai_for_humanity", _("AI for Humanity project")
        STARTUP_SUPPORT = "startup_support", _("Startup support")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ON_HOLD = "on_hold", _("On hold")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    organizations = models.ManyToManyField(
        Organization,
        through="CollaborationPartner",
        related_name="collaborations",
        verbose_name=_("partner organizations"),
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, help_text=_("When only the year is known.")
    )
    start_on = models.DateField(_("start"), null=True, blank=True, help_text=_("Empty when unknown."))
    end_on = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty when unknown or ongoing."))
    summary = models.TextField(_("summary"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    research_areas = models.ManyToManyField(
        ResearchArea, blank=True, related_name="collaborations", verbose_name=_("research areas")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CollaborationQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["title"]
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="collaboration_end_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end cannot be before the start.")})
        if self.start_on and self.start_year and self.start_on.year != self.start_year:
            raise ValidationError({"start_year": _("The start year does not match the start date.")})


class CollaborationPartner(models.Model):
    """An organization taking part in a collaboration; protects the organization from deletion."""

    # Each key leads one of the two-column indexes below instead of an index of its own: a lookup from
    # either side reads the index alone (the collaborations of 3,300 partners a broad search matched).
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="partner_links", verbose_name=_("collaboration"),
        db_index=False,
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="collaboration_links", verbose_name=_("organization"),
        db_index=False,
    )

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("partner organization")
        verbose_name_plural = _("partner organizations")
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "organization"], name="unique_collaboration_partner")
        ]
        indexes = [models.Index(fields=["organization", "collaboration"], name="collaboration_partner_by_org")]

    def __str__(self):
        return f"{self.organization} – {self.collaboration}"


class Participant(models.Model):
    """A person taking part in a collaboration, with their role."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="participants", verbose_name=_("collaboration")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="participations", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        ordering = ["contact__last_name", "contact__first_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "contact"], name="unique_collaboration_participant")
        ]

    def __str__(self):
        return f"{self.contact} ({self.role})" if self.role else str(self.contact)


class UserPreference(models.Model):
    """What a staff member chose for themselves, kept across sessions and devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return str(self.user)


# Kept in their own module (this one is long); imported here so Django registers them with the app.
from .models_merges import CalendarToken, Merge  # noqa: E402,F401
# Import bookkeeping lives in its own module; imported here so Django registers its models.
from .models_imports import ImportBatch, ImportedRecord  # noqa: E402,F401

# Kept in modules of their own (this one is long); imported here so Django registers them with the app
# and the QuerySets above find them by name.
from .models_activity import (  # noqa: E402,F401
    EventSeries,
    FairParticipation,
    Interaction,
    InteractionQuerySet,
    InternshipFair,
    InternshipFairQuerySet,
)
from .models_records import Agreement, AgreementQuerySet, Figure, Publication  # noqa: E402,F401
