"""Minka's URLconf. Spanish paths first; every app adds its own ``urls.py``."""

from django.contrib import admin
from django.urls import include, path

from minka.accounts import views as accounts_views
from minka.agreements.feeds import CommitmentsFeed
from minka.documents.feeds import DocumentsFeed
from minka.meetings.feeds import MeetingsFeed, MinutesFeed
from minka.participation.consultations.feeds import ConsultationsFeed

# Atom feeds of public content (minka.notifications.feeds): the same for every visitor.
feeds = (
    [
        path("actas.atom", MinutesFeed(), name="minutes"),
        path("documentos.atom", DocumentsFeed(), name="documents"),
        path("reuniones.atom", MeetingsFeed(), name="meetings"),
        path("acuerdos.atom", CommitmentsFeed(), name="commitments"),
        path("consultas.atom", ConsultationsFeed(), name="consultations"),
    ],
    "feeds",
)

urlpatterns = [
    path("", include("minka.site.urls")),
    path("", include("minka.core.urls")),
    path("", include("minka.accounts.urls")),
    path("", include("minka.notifications.urls")),
    path("", include("minka.directory.urls")),
    path("repositorio/", include("minka.documents.urls")),
    path("buscar/", include("minka.search.urls")),
    path("reuniones/", include("minka.meetings.urls")),
    path("acuerdos/", include("minka.agreements.urls")),
    path("", include("minka.participation.urls")),
    path("feeds/", include(feeds)),
    # allauth's recovery-codes page with a "Continue" link; the rest of allauth as it is.
    path(
        "cuenta/2fa/recovery-codes/", accounts_views.recovery_codes, name="mfa_view_recovery_codes"
    ),
    path("cuenta/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "minka.core.errors.bad_request"
handler403 = "minka.core.errors.permission_denied"
handler404 = "minka.core.errors.page_not_found"
handler500 = "minka.core.errors.server_error"
