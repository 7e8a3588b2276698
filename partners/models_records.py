"""Agreements, co-authored publications and the headline figures the documents state."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .model_mixins import Versioned, audit_history
from .models import Collaboration, Contact, Organization, SourceDocument, Tracked


class AgreementQuerySet(models.QuerySet):
    def ending_between(self, start, end):
        """Agreements still in force whose end date falls between ``start`` and ``end``, soonest first."""
        return self.filter(
            end_on__gte=start, end_on__lte=end, status__in=[Agreement.Status.ACTIVE, Agreement.Status.DRAFT]
        ).order_by("end_on", "pk")


class Agreement(Tracked, Versioned):
    """A partnership agreement or its renewal."""

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", _("Partnership agreement")
        RENEWAL = "renewal", _("Renewal")
        RESEARCH = "research", _("Research agreement")
        FOUNDING = "founding", _("Founding partnership")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RENEWED = "renewed", _("Renewed")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("organization")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, help_text=_("When only the year is known.")
    )
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = AgreementQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["organization__name", "-start_year", "-start_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        # "Agreements ending soon" (the home page, the renewals report) reads a range of end dates in
        # order and stops at its tenth: without the index, every agreement (35,000 at scale L, 8 ms).
        indexes = [models.Index(fields=["end_on"], name="agreement_end_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True) | Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="agreement_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.organization} – {self.get_kind_display()}"

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end cannot be before the start.")})
        if self.start_on and self.start_year and self.start_on.year != self.start_year:
            raise ValidationError({"start_year": _("The start year does not match the start date.")})


class Publication(Tracked):
    """A paper or workshop co-authored with partners."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper")
        WORKSHOP = "workshop", _("Workshop")

    title = models.CharField(_("title"), max_length=400)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PAPER)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    collaboration = models.ForeignKey(
        Collaboration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("collaboration"),
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="publications", verbose_name=_("organizations")
    )
    authors = models.ManyToManyField(Contact, blank=True, related_name="publications", verbose_name=_("authors"))
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return self.title


class Figure(models.Model):
    """A headline figure as a document stated it, on its date (not derived from our rows)."""

    class Metric(models.TextChoices):
        RESEARCHERS = "researchers", _("Researchers")
        FACULTY = "faculty", _("Faculty members")
        CIFAR_CHAIRS = "cifar_chairs", _("Canada CIFAR AI Chairs")
        STUDENTS = "students", _("Students, interns and research assistants")
        EVENT_PARTICIPANTS = "event_participants", _("Participants in training sessions and events")
        PAPERS = "papers", _("Scientific articles published")
        RESEARCH_PROJECTS = "research_projects", _("Research projects")
        INDUSTRY_PARTNERS = "industry_partners", _("Industry partners")
        STARTUPS_SUPPORTED = "startups_supported", _("AI startups supported")
        CO_AUTHORED_PAPERS = "co_authored_papers", _("Papers co-authored with industry")
        APPLIED_COLLABORATIONS = "applied_collaborations", _("Applied research collaborations with industry")
        SHORT_TERM_INTERVENTIONS = "short_term_interventions", _("Short-term targeted interventions with SMEs")
        MILA_STARTUPS = "mila_startups", _("Startups emerged from the ecosystem")
        ENTREPRENEURIAL_PROJECTS = "entrepreneurial_projects", _("Entrepreneurial projects under development")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        AT_LEAST = "at_least", _("more than")
        ABOUT = "about", _("nearly")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="figures", verbose_name=_("organization")
    )
    metric = models.CharField(_("metric"), max_length=40, choices=Metric.choices)
    value = models.PositiveIntegerField(_("value"))
    qualifier = models.CharField(_("qualifier"), max_length=20, choices=Qualifier.choices, default=Qualifier.EXACT)
    period = models.CharField(
        _("period"), max_length=100, blank=True, help_text=_("As the document says: “in 2019”, “in the past year”.")
    )
    source = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="figures", verbose_name=_("source")
    )
    stated_on = models.DateField(
        _("stated on"), null=True, blank=True, help_text=_("Date of the statement; empty when the source is undated.")
    )

    class Meta:
        ordering = ["metric", "-stated_on"]
        verbose_name = _("headline figure")
        verbose_name_plural = _("headline figures")

    def __str__(self):
        return f"{self.get_metric_display()}: {self.value}"
