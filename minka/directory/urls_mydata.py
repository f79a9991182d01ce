"""Routes of "Mis datos" and of the coordinators' register of data-rights requests.

Collected by ``minka/directory/urls.py`` (namespace ``directory``).
"""

from __future__ import annotations

from django.urls import path

from minka.directory import views_mydata

urlpatterns = [
    path("mis-datos/", views_mydata.mydata, name="mydata"),
    path("mis-datos/descargar.json", views_mydata.mydata_export_json, name="mydata-export-json"),
    path("mis-datos/descargar.csv", views_mydata.mydata_export_csv, name="mydata-export-csv"),
    path("mis-datos/solicitudes/", views_mydata.mydata_request, name="mydata-request"),
    path("directorio/solicitudes/", views_mydata.datarequest_list, name="datarequest-list"),
    path(
        "directorio/solicitudes/<uuid:public_id>/",
        views_mydata.datarequest_detail,
        name="datarequest-detail",
    ),
]
