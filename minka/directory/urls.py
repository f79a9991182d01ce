"""The directory's routes: public pages, "Mis datos", the coordinators' management and
invitations (namespace ``directory``).

The management routes come first: ``organizaciones/nueva/`` and ``organizaciones/fusionar/``
would otherwise be taken for the slug of an organization.
"""

from django.urls import path

from minka.directory.views import invitations, manage, mydata, public

app_name = "directory"
urlpatterns = [
    # --- Coordinators' management ---------------------------------------------------------
    path(
        "directorio/organizaciones/nueva/", manage.organization_create, name="organization-create"
    ),
    path(
        "directorio/organizaciones/fusionar/",
        manage.organization_merge,
        name="organization-merge",
    ),
    path(
        "directorio/organizaciones/<slug:slug>/editar/",
        manage.organization_edit,
        name="organization-edit",
    ),
    path("directorio/personas/nueva/", manage.person_create, name="person-create"),
    path("directorio/personas/<uuid:public_id>/editar/", manage.person_edit, name="person-edit"),
    path(
        "directorio/personas/<uuid:public_id>/consentimiento-papel/",
        manage.person_paper_consent,
        name="person-paper-consent",
    ),
    # --- The directory ---------------------------------------------------------------------
    path("directorio/", public.organization_list, name="organization-list"),
    path(
        "directorio/organizaciones/<slug:slug>/",
        public.organization_detail,
        name="organization-detail",
    ),
    path(
        "directorio/organizaciones/<slug:slug>/logo.png",
        public.organization_logo,
        name="organization-logo",
    ),
    path("directorio/personas/", public.person_list, name="person-list"),
    path("directorio/personas/elegir/", public.person_choices, name="person-choices"),
    path("directorio/personas/<uuid:public_id>/foto.png", public.person_photo, name="person-photo"),
    path("directorio/personas/<uuid:public_id>/", public.person_detail, name="person-detail"),
    path("directorio/exportar/personas.csv", public.export_csv, name="export-csv"),
    path("directorio/exportar/personas.vcf", public.export_vcard, name="export-vcard"),
    # --- "Mis datos" and the register of data-rights requests ------------------------------
    path("mis-datos/", mydata.mydata, name="mydata"),
    path("mis-datos/descargar.json", mydata.mydata_export_json, name="mydata-export-json"),
    path("mis-datos/descargar.csv", mydata.mydata_export_csv, name="mydata-export-csv"),
    path("mis-datos/solicitudes/", mydata.mydata_request, name="mydata-request"),
    path("directorio/solicitudes/", mydata.datarequest_list, name="datarequest-list"),
    path(
        "directorio/solicitudes/<uuid:public_id>/",
        mydata.datarequest_detail,
        name="datarequest-detail",
    ),
    # --- Invitations ------------------------------------------------------------------------
    path("invitaciones/", invitations.invitation_list, name="invitation-list"),
    path(
        "invitaciones/<uuid:public_id>/retirar/",
        invitations.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitacion/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
]
