"""Routes under ``/reuniones/``, grouped by area.

Order matters: Django takes the first pattern that matches, so the fixed prefixes
(``calendario``, ``importar-acta``, ``nueva``, ``rsvp``) come before the patterns that start
with a meeting's ``<uuid:public_id>``.
"""

from __future__ import annotations

from django.urls import path

from minka.meetings.minutes import export_views as minutes_exports
from minka.meetings.minutes import views as minutes
from minka.meetings.views import attendance, attendance_sheet, calendar, importer, meetings

app_name = "meetings"

_ITEM = "<uuid:public_id>/agenda/<int:item_id>"

urlpatterns = [
    # Calendars: the public feed, the personal feed and its page, one meeting as .ics.
    path("calendario.ics", calendar.calendar_public, name="calendar-public"),
    path("calendario/", calendar.calendar_feed, name="calendar-feed"),
    path("calendario/<str:token>.ics", calendar.calendar_personal, name="calendar-personal"),
    path("<uuid:public_id>/reunion.ics", calendar.meeting_ics, name="meeting-ics"),
    # Importing minutes written elsewhere as a held meeting.
    path("importar-acta/", importer.minutes_import_upload, name="minutes-import"),
    path(
        "importar-acta/confirmar/",
        importer.minutes_import_confirm,
        name="minutes-import-confirm",
    ),
    # Meetings and their agenda.
    path("", meetings.meeting_list, name="meeting-list"),
    path("nueva/", meetings.meeting_create, name="meeting-create"),
    path("<uuid:public_id>/", meetings.meeting_detail, name="meeting-detail"),
    path("<uuid:public_id>/editar/", meetings.meeting_edit, name="meeting-edit"),
    path("<uuid:public_id>/cancelar/", meetings.meeting_cancel, name="meeting-cancel"),
    path("<uuid:public_id>/realizada/", meetings.meeting_held, name="meeting-held"),
    path("<uuid:public_id>/siguiente/", meetings.meeting_next, name="meeting-next"),
    path(
        "<uuid:public_id>/agenda/nuevo/",
        meetings.agenda_item_create,
        name="agenda-item-create",
    ),
    path(f"{_ITEM}/editar/", meetings.agenda_item_edit, name="agenda-item-edit"),
    path(f"{_ITEM}/eliminar/", meetings.agenda_item_delete, name="agenda-item-delete"),
    path(f"{_ITEM}/mover/", meetings.agenda_item_move, name="agenda-item-move"),
    path(f"{_ITEM}/subir/", meetings.agenda_item_upload, name="agenda-item-upload"),
    path(f"{_ITEM}/vincular/", meetings.agenda_item_link, name="agenda-item-link"),
    # Invitations, RSVP, attendance and self check-in.
    path("rsvp/<str:token>/", attendance.rsvp_link, name="rsvp-link"),
    path("<uuid:public_id>/respuesta/", attendance.meeting_rsvp, name="meeting-rsvp"),
    path("<uuid:public_id>/invitados/", attendance.meeting_invitees, name="meeting-invitees"),
    path(
        "<uuid:public_id>/invitados/<int:invitee_id>/quitar/",
        attendance.invitee_remove,
        name="invitee-remove",
    ),
    path(
        "<uuid:public_id>/invitados/<int:invitee_id>/reenviar/",
        attendance.invitee_resend,
        name="invitee-resend",
    ),
    path(
        "<uuid:public_id>/asistencia/",
        attendance_sheet.meeting_attendance,
        name="meeting-attendance",
    ),
    path("<uuid:public_id>/registro/", attendance.meeting_checkin, name="meeting-checkin"),
    path("<uuid:public_id>/registro/codigo/", attendance.checkin_code, name="checkin-code"),
    path(
        "<uuid:public_id>/asistentes/",
        attendance.meeting_attendees,
        name="meeting-attendees",
    ),
    path(
        "<uuid:public_id>/asistentes.csv",
        attendance.meeting_attendees_csv,
        name="meeting-attendees-csv",
    ),
    # Minutes: the page, editing, the review cycle, observations, revisions and errata.
    path("<uuid:public_id>/acta/", minutes.minutes_detail, name="minutes-detail"),
    path("<uuid:public_id>/acta/crear/", minutes.minutes_create, name="minutes-create"),
    path("<uuid:public_id>/acta/editar/", minutes.minutes_edit, name="minutes-edit"),
    path(
        "<uuid:public_id>/acta/abrir-revision/",
        minutes.minutes_review,
        name="minutes-review",
    ),
    path("<uuid:public_id>/acta/retirar/", minutes.minutes_withdraw, name="minutes-withdraw"),
    path("<uuid:public_id>/acta/aprobar/", minutes.minutes_approve, name="minutes-approve"),
    path("<uuid:public_id>/acta/publicar/", minutes.minutes_publish, name="minutes-publish"),
    path(
        "<uuid:public_id>/acta/fe-de-erratas/",
        minutes.minutes_erratum,
        name="minutes-erratum",
    ),
    path(
        "<uuid:public_id>/acta/observaciones/",
        minutes.observation_add,
        name="minutes-observation-add",
    ),
    path(
        "<uuid:public_id>/acta/versiones/",
        minutes.minutes_revisions,
        name="minutes-revisions",
    ),
    path("<uuid:public_id>/acta/comparar/", minutes.minutes_compare, name="minutes-compare"),
    # Minutes exports: PDF, DOCX, Markdown and JSON.
    path("<uuid:public_id>/acta.<str:fmt>", minutes_exports.minutes_export, name="minutes-export"),
]
