"""The agenda editor for every role: "Move up/down" (never "Subir"), guest presenters
written as text, and the document picker that replaces pasting an address or an id."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from minka.core.tests.base import RoleTestCase
from minka.directory.tests.factories import PersonFactory
from minka.documents.tests.factories import DocumentFactory
from minka.meetings.minutes import services as minutes_services
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.models import Meeting
from minka.meetings.tests.factories import MeetingFactory
from minka.meetings.tests.test_meetings_views import AgendaTestCase

NO_SUCH_DOCUMENT = "00000000-0000-4000-8000-000000000000"


@override_settings(LANGUAGE_CODE="en")
class AgendaEditorTests(AgendaTestCase):
    def test_coordinator_sees_move_up_and_down_apart_from_upload(self) -> None:
        """Each item offers the moves it can make, worded apart from "Upload presentations"."""
        for persona in ("coord", "admin"):
            response = self.as_(persona).get(self.meeting.get_absolute_url())
            self.assertContains(response, _("Move up"), count=1)
            self.assertContains(response, _("Move down"), count=1)
            self.assertContains(response, _("Link documents"), count=2)
            self.assertNotEqual(_("Move up"), _("Upload presentations"))
        response = self.as_("mem_a").get(self.meeting.get_absolute_url())
        self.assertNotContains(response, _("Move up"))
        self.assertNotContains(response, _("Link documents"))

    def test_a_guest_presenter_is_written_as_text_and_shown(self) -> None:
        response = self.as_("coord").post(
            self.url("agenda-item-create"),
            {"title": "Invitada", "presenter_text": "Rosa Huamán (invitada)"},
        )
        self.assertEqual(response.status_code, 302)
        item = self.meeting.agenda_items.get(title="Invitada")
        self.assertEqual(item.presenter_text, "Rosa Huamán (invitada)")
        self.assertIsNone(item.presenter)
        self.assertContains(
            self.as_("mem_b").get(self.meeting.get_absolute_url()), "Rosa Huamán (invitada)"
        )
        # The minutes started from the agenda name her as presenter.
        minutes = minutes_services.minutes_create(actor=self.coord, meeting=self.meeting)
        content = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertIn("Rosa Huamán (invitada)", [p.presenter for p in content.presentations])

    def test_edit_form_shows_the_guest_presenter_field(self) -> None:
        self.first.presenter_text = "Invitado Uno"
        self.first.save()
        response = self.as_("coord").get(self.url("agenda-item-edit", self.first))
        self.assertContains(response, 'name="presenter_text"')
        self.assertContains(response, 'value="Invitado Uno"')

    def test_a_directory_presenter_and_a_guest_together_are_refused(self) -> None:
        person = PersonFactory.create(full_name="Persona del directorio")
        response = self.as_("coord").post(
            self.url("agenda-item-edit", self.first),
            {"title": "Primero", "presenter": person.pk, "presenter_text": "Otra persona"},
        )
        self.assertEqual(response.status_code, 400)
        self.first.refresh_from_db()
        self.assertEqual((self.first.presenter, self.first.presenter_text), (None, ""))

    def test_members_cannot_name_presenters(self) -> None:
        for persona in ("reg", "mem_a", "mem_b"):
            response = self.as_(persona).post(
                self.url("agenda-item-edit", self.first),
                {"title": "Primero", "presenter_text": "Intrusa"},
            )
            self.assertEqual(response.status_code, 403)
        response = self.as_("anon").post(
            self.url("agenda-item-edit", self.first), {"title": "Primero"}
        )
        self.assertEqual(response.status_code, 302)
        self.first.refresh_from_db()
        self.assertEqual(self.first.presenter_text, "")


@override_settings(LANGUAGE_CODE="en")
class DocumentPickerTests(AgendaTestCase):
    def test_link_page_lists_documents_as_checkboxes(self) -> None:
        """Full titles in a checklist with a filter box, no <select multiple>, no pasting."""
        long_title = "Informe " + "muy largo " * 20
        DocumentFactory.create(title=long_title)
        response = self.as_("coord").get(self.url("agenda-item-link", self.first))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'type="checkbox" name="documents"')
        self.assertContains(response, long_title.strip())
        self.assertContains(response, "picker.js")
        self.assertContains(response, _("Filter the list"))
        self.assertNotContains(response, "<select")
        self.assertNotContains(response, 'name="reference"')

    def test_search_box_narrows_the_list_and_linked_ones_are_left_out(self) -> None:
        wanted = DocumentFactory.create(title="Plan de conectividad rural")
        other = DocumentFactory.create(title="Acta de otra cosa")
        linked = DocumentFactory.create(title="Plan ya vinculado")
        self.first.documents.add(linked)
        response = self.as_("coord").get(self.url("agenda-item-link", self.first), {"q": "plan"})
        self.assertContains(response, f'value="{wanted.public_id}"')
        self.assertNotContains(response, f'value="{other.public_id}"')
        self.assertNotContains(response, f'value="{linked.public_id}"')

    def test_only_the_most_recent_are_listed_with_a_hint(self) -> None:
        DocumentFactory.create_batch(51)
        response = self.as_("coord").get(self.url("agenda-item-link", self.first))
        self.assertContains(response, 'name="documents"', count=50)
        self.assertContains(response, "search by title")

    def test_ticked_documents_are_linked(self) -> None:
        one, two = DocumentFactory.create_batch(2)
        url = self.url("agenda-item-link", self.first) + "?q=Documento"
        response = self.as_("admin").post(url, {"documents": [one.public_id, two.public_id]})
        self.assertRedirects(response, f"{self.meeting.get_absolute_url()}#agenda")
        self.assertEqual(set(self.first.documents.all()), {one, two})

    def test_unknown_or_malformed_ids_are_form_errors(self) -> None:
        """Bad input answers 400 with a message in the error summary; nothing is linked."""
        client = self.as_("coord")
        url = self.url("agenda-item-link", self.first)
        for value in (NO_SUCH_DOCUMENT, "no-es-un-id", "1"):
            response = client.post(url, {"documents": [value]})
            self.assertContains(response, _("There is a problem"), status_code=400)
        response = client.post(url, {})
        self.assertContains(response, _("Choose at least one document."), status_code=400)
        self.assertFalse(self.first.documents.exists())

    def test_linking_a_document_twice_is_refused_with_a_message(self) -> None:
        document = DocumentFactory.create()
        self.first.documents.add(document)
        response = self.as_("coord").post(
            self.url("agenda-item-link", self.first), {"documents": [document.public_id]}
        )
        self.assertContains(response, "already linked", status_code=400)

    def test_other_roles_cannot_pick_documents(self) -> None:
        document = DocumentFactory.create()
        url = self.url("agenda-item-link", self.first)
        self.assertEqual(self.as_("anon").get(url).status_code, 302)
        for persona in ("reg", "mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).get(url).status_code, 403, persona)
            response = self.as_(persona).post(url, {"documents": [document.public_id]})
            self.assertEqual(response.status_code, 403, persona)
        self.assertFalse(self.first.documents.exists())


@override_settings(LANGUAGE_CODE="en")
class PickerFormsTests(RoleTestCase):
    """The forms that used multi-selects now show filterable checklists."""

    def assert_picker(self, url: str, name: str, persona: str = "coord") -> None:
        response = self.as_(persona).get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertContains(response, f'type="checkbox" name="{name}"')
        self.assertContains(response, "data-picker")
        self.assertNotContains(response, "<select multiple")
        self.assertNotContains(response, 'multiple name="' + name)

    def assert_search_picker(self, url: str, name: str) -> None:
        """A people list: nothing listed until searched, names typed without JavaScript."""
        response = self.as_("coord").get(url)
        self.assertContains(response, f'data-picker-name="{name}"')
        self.assertContains(response, reverse("directory:person-choices"))
        self.assertContains(response, f'<textarea name="{name}_names"')
        self.assertNotContains(response, "Persona con correo")
        self.assertNotContains(response, "<select multiple")

    def test_meeting_invitation_and_upload_forms_use_pickers(self) -> None:
        meeting = MeetingFactory.create()
        PersonFactory.create(full_name="Persona con correo", email="p@example.org")
        self.assert_picker(reverse("meetings:meeting-create"), "organizations")
        self.assert_picker(
            reverse("meetings:meeting-edit", args=[meeting.public_id]), "organizations"
        )
        invitees = reverse("meetings:meeting-invitees", args=[meeting.public_id])
        self.assert_picker(invitees, "organizations")
        self.assert_search_picker(invitees, "people")
        self.assert_picker(reverse("documents:upload"), "organizations")
        self.assert_search_picker(reverse("documents:upload"), "people")
        self.assert_picker(reverse("documents:upload"), "organizations", persona="mem_a")

    def test_members_and_visitors_do_not_get_the_coordinators_forms(self) -> None:
        meeting = MeetingFactory.create()
        invitees = reverse("meetings:meeting-invitees", args=[meeting.public_id])
        for url in (reverse("meetings:meeting-create"), invitees):
            self.assertEqual(self.as_("anon").get(url).status_code, 302)
            for persona in ("reg", "mem_a"):
                self.assertEqual(self.as_(persona).get(url).status_code, 403, (url, persona))

    def test_a_ticked_organization_is_saved_through_the_picker(self) -> None:
        data = {
            "title": "Reunión con organizaciones",
            "date": "2031-05-05",
            "start_time": "10:00",
            "end_time": "12:00",
            "modality": "in_person",
            "visibility": "public",
            "organizations": [self.org_a.pk, self.org_b.pk],
        }
        response = self.as_("coord").post(reverse("meetings:meeting-create"), data)
        self.assertEqual(response.status_code, 302)
        meeting = Meeting.objects.get(title="Reunión con organizaciones")
        self.assertEqual(set(meeting.organizations.all()), {self.org_a, self.org_b})
        response = self.as_("coord").get(reverse("meetings:meeting-edit", args=[meeting.public_id]))
        self.assertContains(response, f'value="{self.org_a.pk}" id="id_organizations_0" checked')


@override_settings(LANGUAGE_CODE="en")
class DocumentPickerQueryTests(AgendaTestCase):
    def test_the_link_page_costs_the_same_queries_for_few_or_many_documents(self) -> None:
        client = self.as_("coord")
        url = self.url("agenda-item-link", self.first)
        DocumentFactory.create_batch(3)
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as few:
            self.assertEqual(client.get(url).status_code, 200)
        DocumentFactory.create_batch(40)
        with self.assertNumQueries(len(few.captured_queries)):
            self.assertEqual(client.get(url).status_code, 200)
