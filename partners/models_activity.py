"""What happens with partners: the job and internship fair and its editions, and every logged interaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .model_mixins import Versioned, audit_history, external_id_field
from .models import Contact, Organization, Tracked


class EventSeries(Tracked):
    """A recurring event of the institute: fairs, symposium, reading groups."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    frequency = models.CharField(_("frequency"), max_length=100, blank=True, help_text=_("e.g. twice a year."))
    partner_exclusive = models.BooleanField(_("exclusive to partners"), default=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self):
        return self.name


class InternshipFairQuerySet(models.QuerySet):
    def upcoming(self, day=None):
        """Editions held on ``day`` (today by default) or later, soonest first."""
        return self.filter(held_on__gte=day or timezone.localdate()).order_by("held_on")

    def with_outcomes(self):
        """Annotate participation counts by status, positions offered and placements."""
        participations = "participations__"
        return self.annotate(
            registered_count=Count(participations + "pk", filter=Q(**{participations + "status__in": ["registered", "attended"]})),
            attended_count=Count(participations + "pk", filter=Q(**{participations + "status": "attended"})),
            internships_offered=Coalesce(Sum(participations + "internships_offered"), 0),
            full_time_offered=Coalesce(Sum(participations + "full_time_offered"), 0),
            interns_hired=Coalesce(Sum(participations + "interns_hired"), 0),
            converted_full_time=Coalesce(Sum(participations + "converted_full_time"), 0),
        )


class InternshipFair(Tracked):
    """One edition of the partner-exclusive job and internship fair."""

    class Season(models.TextChoices):
        WINTER = "winter", _("Winter")
        SPRING = "spring", _("Spring")
        SUMMER = "summer", _("Summer")
        FALL = "fall", _("Fall")

    series = models.ForeignKey(
        EventSeries, on_delete=models.PROTECT, related_name="editions", verbose_name=_("series")
    )
    name = models.CharField(_("name"), max_length=200, unique=True, help_text=_("e.g. Fall 2026 fair."))
    season = models.CharField(_("season"), max_length=10, choices=Season.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    organizations = models.ManyToManyField(
        Organization, through="FairParticipation", related_name="fairs", verbose_name=_("organizations")
    )

    objects = InternshipFairQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-year", "name"]
        verbose_name = _("internship fair")
        verbose_name_plural = _("internship fairs")

    def __str__(self):
        return self.name


class FairParticipation(Tracked, Versioned):
    """A partner's registration at a fair edition, the positions it offered and what came of it."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REGISTERED = "registered", _("Registered")
        ATTENDED = "attended", _("Attended")
        CANCELLED = "cancelled", _("Cancelled")

    fair = models.ForeignKey(
        InternshipFair, on_delete=models.CASCADE, related_name="participations", verbose_name=_("fair")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="fair_participations", verbose_name=_("organization")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INVITED)
    internships_offered = models.PositiveIntegerField(_("internships offered"), default=0)
    full_time_offered = models.PositiveIntegerField(_("full-time positions offered"), default=0)
    interns_hired = models.PositiveIntegerField(_("interns hired"), default=0)
    converted_full_time = models.PositiveIntegerField(
        _("converted to full-time"), default=0, help_text=_("Interns later hired full-time.")
    )
    notes = models.TextField(_("notes"), blank=True)

    history = audit_history()

    class Meta:
        ordering = ["fair", "organization__name"]
        verbose_name = _("fair participation")
        verbose_name_plural = _("fair participations")
        constraints = [
            models.UniqueConstraint(fields=["fair", "organization"], name="unique_fair_participation")
        ]

    def __str__(self):
        return f"{self.organization} @ {self.fair}"

    def clean(self):
        if self.converted_full_time > self.interns_hired:
            raise ValidationError(
                {"converted_full_time": _("Cannot convert more interns than were hired.")}
            )


class InteractionQuerySet(models.QuerySet):
    def open_follow_ups(self):
        """Interactions with a follow-up date that is not done yet."""
        return self.filter(follow_up_on__isnull=False, follow_up_done=False)

    def overdue(self, day=None):
        """Open follow-ups due before ``day`` (today by default)."""
        return self.open_follow_ups().filter(follow_up_on__lt=day or timezone.localdate())


class Interaction(Tracked, Versioned):
    """One logged touch with a partner: a meeting, call, email, event, visit or note."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        EVENT = "event", _("Event")
        VISIT = "visit", _("Visit")
        NOTE = "note", _("Note")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="interactions", verbose_name=_("organization")
    )
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="interactions", verbose_name=_("contacts involved")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("author"),
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    external_id = external_id_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InteractionQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            # The partner timeline's keyset order; also serves "last interaction" lookups.
            models.Index(fields=["organization", "-occurred_on", "-id"], name="interaction_org_timeline"),
            models.Index(fields=["author", "follow_up_done", "follow_up_on"], name="interaction_follow_up"),
            # Reports count a period's interactions by month, kind and author, and find partners gone quiet:
            # every column they read is here, so both databases answer from the index alone.
            models.Index(
                fields=["occurred_on", "organization", "kind", "author", "is_synthetic"], name="interaction_period"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=models.F("occurred_on")),
                name="interaction_follow_up_after_occurrence",
            )
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.get_kind_display()}: {self.subject}"

    def clean(self):
        if self.follow_up_on and self.occurred_on and self.follow_up_on < self.occurred_on:
            raise ValidationError({"follow_up_on": _("The follow-up cannot be before the interaction.")})
