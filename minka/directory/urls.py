"""The directory's routes: public pages, "Mis datos", and the coordinators' management.

The management routes come first: ``organizaciones/nueva/`` and ``organizaciones/fusionar/``
would otherwise be taken for the slug of an organization.
"""

from minka.directory import urls_invitations, urls_manage, urls_mydata, urls_public

app_name = "directory"
urlpatterns = [
    *urls_manage.urlpatterns,
    *urls_public.urlpatterns,
    *urls_mydata.urlpatterns,
    *urls_invitations.urlpatterns,
]
