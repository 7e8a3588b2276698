from django.urls import path

from .views import collaborations, contacts, fairs, home, interactions, organizations, preferences, search
from .views import reports

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
    path("reports/", reports.ReportView.as_view(), name="report"),
    path("reports/<slug:table>.<str:extension>", reports.ReportExportView.as_view(), name="report-export"),
    path("partners/<int:pk>/report-card/", reports.ReportCardView.as_view(), name="report-card"),
]
