"""Records of merges (so they can be undone) and the secret tokens of calendar subscriptions."""
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Merge(models.Model):
    """One record folded into another: who, when, and exactly which rows moved, so it can be undone."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("Organizations")
        CONTACT = "contact", _("Contacts")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    keep_id = models.PositiveIntegerField(_("kept record"))
    removed_id = models.PositiveIntegerField(_("merged record"))
    keep_label = models.CharField(_("kept record name"), max_length=300)
    removed_label = models.CharField(_("merged record name"), max_length=300)
    snapshot = models.JSONField(
        _("snapshot"), default=dict, help_text=_("Rows moved and links combined, with their versions after the merge.")
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged by")
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        permissions = [("merge_records", _("Can merge duplicate organizations and contacts"))]

    def __str__(self):
        return f"{self.removed_label} → {self.keep_label}"

    @property
    def is_undone(self):
        return self.undone_at is not None


def new_calendar_token():
    """A secret long enough that a feed address cannot be guessed."""
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a person's calendar subscription addresses; resetting it cuts off old subscriptions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token", verbose_name=_("user")
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self):
        return str(self.user)
