from django.urls import path

from .views import collaborations, contacts, fairs, home, interactions, organizations, preferences, search
from .views import calendars, duplicates, imports, reports, vcards

app_name = "partners"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("language/", preferences.LanguageView.as_view(), name="language"),
    path("partners/", organizations.OrganizationListView.as_view(), name="organization-list"),
    path("partners/new/", organizations.OrganizationCreateView.as_view(), name="organization-create"),
    path("partners/<int:pk>/", organizations.OrganizationDetailView.as_view(), name="organization-detail"),
    path("partners/<int:pk>/edit/", organizations.OrganizationUpdateView.as_view(), name="organization-update"),
    path("partners/<int:pk>/interactions/new/", interactions.InteractionCreateView.as_view(), name="interaction-create"),
    path("interactions/<int:pk>/edit/", interactions.InteractionUpdateView.as_view(), name="interaction-update"),
    path("interactions/<int:pk>/follow-up/", interactions.FollowUpDoneView.as_view(), name="follow-up-done"),
    path("contacts/", contacts.ContactListView.as_view(), name="contact-list"),
    path("contacts/new/", contacts.ContactCreateView.as_view(), name="contact-create"),
    path("contacts/<int:pk>/", contacts.ContactDetailView.as_view(), name="contact-detail"),
    path("contacts/<int:pk>/edit/", contacts.ContactUpdateView.as_view(), name="contact-update"),
    path("collaborations/", collaborations.CollaborationListView.as_view(), name="collaboration-list"),
    path("collaborations/new/", collaborations.CollaborationCreateView.as_view(), name="collaboration-create"),
    path("collaborations/<int:pk>/", collaborations.CollaborationDetailView.as_view(), name="collaboration-detail"),
    path("collaborations/<int:pk>/edit/", collaborations.CollaborationUpdateView.as_view(), name="collaboration-update"),
    path("fairs/", fairs.FairListView.as_view(), name="fair-list"),
    path("fairs/<int:pk>/", fairs.FairDetailView.as_view(), name="fair-detail"),
    path("fairs/<int:fair_pk>/participations/new/", fairs.ParticipationCreateView.as_view(), name="participation-create"),
    path("participations/<int:pk>/edit/", fairs.ParticipationUpdateView.as_view(), name="participation-update"),
    path("contacts/vcard/", vcards.ContactListVCardView.as_view(), name="contact-list-vcard"),
    path("contacts/<int:pk>/vcard/", vcards.ContactVCardView.as_view(), name="contact-vcard"),
    path("duplicates/", duplicates.DuplicateListView.as_view(), name="duplicate-list"),
    path("duplicates/<str:kind>/<int:first>/<int:second>/merge/", duplicates.MergeView.as_view(), name="merge"),
    path("merges/<int:pk>/undo/", duplicates.MergeUndoView.as_view(), name="merge-undo"),
    path("calendar/", calendars.CalendarView.as_view(), name="calendar"),
    path("calendar/<str:token>/<str:feed>.ics", calendars.calendar_feed, name="calendar-feed"),
    path("imports/", imports.ImportListView.as_view(), name="import-list"),
    path("imports/new/", imports.ImportUploadView.as_view(), name="import-upload"),
    path("imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/mapping/", imports.ImportMappingView.as_view(), name="import-mapping"),
    path("imports/<int:pk>/preview/", imports.ImportPreviewView.as_view(), name="import-preview"),
    path("imports/<int:pk>/errors.csv", imports.ImportErrorReportView.as_view(), name="import-errors"),
    path("imports/<int:pk>/confirm/", imports.ImportConfirmView.as_view(), name="import-confirm"),
    path("imports/<int:pk>/undo/", imports.ImportUndoView.as_view(), name="import-undo"),
    path("reports/", reports.ReportView.as_view(), name="report"),
    path("reports/<slug:table>.<str:extension>", reports.ReportExportView.as_view(), name="report-export"),
    path("partners/<int:pk>/report-card/", reports.ReportCardView.as_view(), name="report-card"),
]
