"""Data entry and correction through the Django admin."""
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import models
from .admin_mixins import (
    ArchiveAdminMixin,
    ConflictAdminMixin,
    ContactPrivacyAdminMixin,
    VersionedAdminMixin,
    VersionedInlineMixin,
)
from .services import contact_archive, contact_restore, organization_archive, organization_restore


class ContactInline(VersionedInlineMixin, admin.TabularInline):
    model = models.Contact
    fields = ["first_name", "last_name", "title", "email", "phone", "is_primary"]
    extra = 0
    show_change_link = True
    # People are archived, not deleted; deletion happens on the contact's own page, with its checks.
    can_delete = False


class AgreementInline(VersionedInlineMixin, admin.TabularInline):
    model = models.Agreement
    fields = ["kind", "status", "start_year", "start_on", "end_on", "announced_on"]
    extra = 0


class CollaborationPartnerInline(admin.TabularInline):
    model = models.CollaborationPartner
    autocomplete_fields = ["organization"]
    extra = 0


class ParticipantInline(admin.TabularInline):
    model = models.Participant
    autocomplete_fields = ["contact"]
    extra = 0


class FairParticipationInline(VersionedInlineMixin, admin.TabularInline):
    model = models.FairParticipation
    autocomplete_fields = ["organization"]
    fields = [
        "organization",
        "status",
        "internships_offered",
        "full_time_offered",
        "interns_hired",
        "converted_full_time",
    ]
    extra = 0


@admin.register(models.Organization)
class OrganizationAdmin(VersionedAdminMixin, ArchiveAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "status", "city", "country", "partner_since", "relationship_owner", "parent"]
    list_filter = ["kind", "status", "sectors", "programs", "country", "is_synthetic"]
    search_fields = ["name", "name_fr", "short_name", "city", "website"]
    autocomplete_fields = ["parent", "relationship_owner"]
    filter_horizontal = ["sectors", "programs", "sources"]
    list_select_related = ["relationship_owner", "parent"]
    list_per_page = 50
    inlines = [ContactInline, AgreementInline]
    readonly_fields = ["created_at", "updated_at"]

    def archive_record(self, record, user):
        organization_archive(organization=record, by=user)

    def restore_record(self, record, user):
        organization_restore(organization=record, by=user)


@admin.register(models.Contact)
class ContactAdmin(ContactPrivacyAdminMixin, VersionedAdminMixin, ArchiveAdminMixin, SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "title", "organization", "email", "phone", "is_primary"]
    list_filter = ["is_primary", "organization__kind", "is_synthetic"]
    search_fields = ["first_name", "last_name", "email", "title", "organization__name", "organization__short_name"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["sources"]
    list_select_related = ["organization"]
    readonly_fields = ["anonymized_at"]

    def archive_record(self, record, user):
        contact_archive(contact=record, by=user)

    def restore_record(self, record, user):
        contact_restore(contact=record, by=user)


@admin.register(models.Collaboration)
class CollaborationAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "status", "start_on", "end_on", "partner_count"]
    list_filter = ["kind", "status", "research_areas"]
    search_fields = ["title", "summary", "organizations__name"]
    filter_horizontal = ["research_areas", "sources"]
    inlines = [CollaborationPartnerInline, ParticipantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(partner_count=Count("partner_links", distinct=True))

    @admin.display(description=_("partners"), ordering="partner_count")
    def partner_count(self, obj):
        return obj.partner_count


@admin.register(models.InternshipFair)
class InternshipFairAdmin(ConflictAdminMixin, admin.ModelAdmin):
    list_display = ["name", "series", "season", "year", "held_on", "location"]
    list_filter = ["series", "season", "year"]
    search_fields = ["name", "location"]
    list_select_related = ["series"]
    autocomplete_fields = ["series"]
    filter_horizontal = ["sources"]
    inlines = [FairParticipationInline]


@admin.register(models.FairParticipation)
class FairParticipationAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["organization", "fair", "status", "internships_offered", "full_time_offered", "interns_hired", "converted_full_time"]
    list_filter = ["status", "fair"]
    search_fields = ["organization__name", "fair__name"]
    autocomplete_fields = ["organization", "fair"]
    list_select_related = ["organization", "fair"]


@admin.register(models.Interaction)
class InteractionAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["occurred_on", "kind", "subject", "organization", "author", "follow_up_on", "follow_up_done"]
    list_filter = ["kind", "follow_up_done", "author"]
    search_fields = ["subject", "notes", "organization__name"]
    date_hierarchy = "occurred_on"
    autocomplete_fields = ["organization", "contacts", "author"]
    list_select_related = ["organization", "author"]
    list_per_page = 50
    readonly_fields = ["created_at", "updated_at"]


@admin.register(models.Agreement)
class AgreementAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["organization", "kind", "status", "start_year", "start_on", "end_on", "announced_on"]
    list_filter = ["kind", "status"]
    search_fields = ["organization__name", "notes"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    filter_horizontal = ["sources"]


@admin.register(models.Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "venue", "year", "collaboration"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "venue"]
    autocomplete_fields = ["collaboration", "organizations", "authors"]
    list_select_related = ["collaboration"]


@admin.register(models.Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ["metric", "value", "qualifier", "period", "stated_on", "source"]
    list_filter = ["metric", "source"]
    list_select_related = ["source"]


@admin.register(models.EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "frequency", "partner_exclusive"]
    search_fields = ["name"]


@admin.register(models.SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "publisher", "published_on", "file_name"]
    search_fields = ["title", "file_name"]


@admin.register(models.Sector, models.Program, models.ResearchArea)
class NamedAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(models.UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(models.Merge)
class MergeAdmin(admin.ModelAdmin):
    """Merges are read here; they are made and undone on the duplicates page, which checks what changed since."""

    list_display = ["__str__", "kind", "merged_by", "merged_at", "undone_at"]
    list_filter = ["kind"]
    list_select_related = ["merged_by"]
    readonly_fields = [field.name for field in models.Merge._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The snapshot is what undo restores from, and the record is the only trace of who merged what.
        return False


@admin.register(models.CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Deleting a token cuts off that person's calendar subscriptions; the secret itself is not shown."""

    list_display = ["user", "created_at"]
    list_select_related = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False


from . import admin_imports  # noqa: E402,F401  (registers the import records)
