"""The minutes editor without JavaScript: "Add another …" and "Move up/down" buttons show the
page again with what was typed (nothing saved), "Remove" boxes, and no raw formset controls."""

from __future__ import annotations

from django.test import override_settings
from django.utils.translation import gettext as _

from minka.core.tests.base import RoleTestCase
from minka.documents.tests.factories import DocumentFactory
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.forms import EDITOR_ACTION
from minka.meetings.minutes.tests.factories import minutes_in, sample_content
from minka.meetings.minutes.tests.test_minutes_views import editor_data, url
from minka.meetings.tests.factories import AgendaItemFactory


def _texts(minutes_content: MinutesContent) -> list[str]:
    return [a.text for a in minutes_content.agreements]


@override_settings(LANGUAGE_CODE="en")
class EditorRowsTests(RoleTestCase):
    def test_editor_has_no_raw_order_or_delete_controls(self) -> None:
        """The page offers "Move up/down" and "Remove" instead of "Order" and "Delete"."""
        minutes = minutes_in("draft", actor=self.coord)
        response = self.as_("coord").get(url("minutes-edit", minutes))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "-ORDER")
        self.assertNotContains(response, ">Delete<")
        self.assertNotContains(response, "<select multiple")
        self.assertContains(response, _("Remove this agreement"))
        self.assertContains(response, _("Add another agreement"))
        self.assertContains(response, _("Add another presentation"))
        self.assertContains(response, _("Add another intervention"))

    def test_one_blank_row_when_a_section_is_empty_and_none_otherwise(self) -> None:
        """One agreement saved: one row and no blank ones; no agreements: exactly one blank row."""
        minutes = minutes_in("draft", actor=self.coord)
        response = self.as_("coord").get(url("minutes-edit", minutes))
        self.assertContains(response, 'name="agreements-TOTAL_FORMS" value="1"')
        self.as_("coord").post(
            url("minutes-edit", minutes), editor_data(MinutesContent(summary="Solo resumen"), 2)
        )
        response = self.as_("coord").get(url("minutes-edit", minutes))
        self.assertContains(response, 'name="agreements-TOTAL_FORMS" value="1"')
        self.assertContains(response, 'name="agreements-0-text"')
        self.assertNotContains(response, 'name="agreements-0-DELETE"')  # a blank new row

    def test_add_another_keeps_what_was_typed_and_saves_nothing(self) -> None:
        """The add button comes back with every typed value and one more blank row."""
        minutes = minutes_in("draft", actor=self.coord)
        data = editor_data(
            sample_content(),
            2,
            summary="Resumen escrito pero no guardado",
            **{"agreements-0-responsible": "Organización Z", EDITOR_ACTION: "add:agreements"},
        )
        response = self.as_("coord").post(url("minutes-edit", minutes), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Resumen escrito pero no guardado")
        self.assertContains(response, 'value="Organización Z"')
        self.assertContains(response, 'name="agreements-TOTAL_FORMS" value="2"')
        self.assertContains(response, 'name="agreements-1-text"')
        self.assertContains(response, 'name="base_revision" value="2"')
        self.assertEqual(minutes.revisions.count(), 2)
        # Saving the page as shown keeps the typed text and skips the blank row.
        data = editor_data(sample_content(), 2, summary="Resumen escrito pero no guardado")
        data.update({"agreements-TOTAL_FORMS": 2, "agreements-1-text": ""})
        self.assertEqual(
            self.as_("coord").post(url("minutes-edit", minutes), data).status_code, 302
        )
        minutes.refresh_from_db()
        saved = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertEqual(saved.summary, "Resumen escrito pero no guardado")
        self.assertEqual(_texts(saved), ["Enviar el informe"])

    def test_add_another_keeps_errors_out_of_the_way(self) -> None:
        """Half-typed rows are not judged yet: no error summary after "Add another"."""
        minutes = minutes_in("draft", actor=self.coord)
        data = editor_data(
            sample_content(),
            2,
            **{"agreements-0-text": "", EDITOR_ACTION: "add:interventions"},
        )
        response = self.as_("coord").post(url("minutes-edit", minutes), data)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, _("There is a problem"))
        self.assertContains(response, 'name="interventions-TOTAL_FORMS" value="2"')

    def test_move_down_then_save_keeps_the_new_order(self) -> None:
        """Moving a row swaps it with its neighbour on the page; saving keeps that order."""
        minutes = minutes_in("draft", actor=self.coord)
        data = editor_data(sample_content(), 2)
        data.update({
            "agreements-TOTAL_FORMS": 2,
            "agreements-1-text": "Segundo acuerdo",
            EDITOR_ACTION: "down:agreements:0",
        })  # fmt: skip
        response = self.as_("coord").post(url("minutes-edit", minutes), data)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertLess(page.index("Segundo acuerdo"), page.index("Enviar el informe"))
        self.assertEqual(minutes.revisions.count(), 2)
        self.assertContains(response, _("Move up"))
        self.assertContains(response, _("Move down"))
        # What a browser sends back from that page, then saved.
        data = editor_data(sample_content(), 2)
        data.update({
            "agreements-TOTAL_FORMS": 2,
            "agreements-0-text": "Segundo acuerdo", "agreements-0-key": "",
            "agreements-1-text": "Enviar el informe", "agreements-1-key": "a1b2c3d4e5f6",
        })  # fmt: skip
        self.as_("coord").post(url("minutes-edit", minutes), data)
        minutes.refresh_from_db()
        saved = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertEqual(_texts(saved), ["Segundo acuerdo", "Enviar el informe"])
        self.assertEqual(saved.agreements[1].key, "a1b2c3d4e5f6")

    def test_move_up_swaps_with_the_row_above(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        data = editor_data(sample_content(), 2)
        data.update({
            "interventions-TOTAL_FORMS": 2,
            "interventions-1-text": "Segunda intervención",
            EDITOR_ACTION: "up:interventions:1",
        })  # fmt: skip
        response = self.as_("coord").post(url("minutes-edit", minutes), data)
        page = response.content.decode()
        self.assertLess(page.index("Segunda intervención"), page.index("Opinó."))

    def test_remove_box_takes_the_row_out_on_save(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        data = editor_data(sample_content(), 2, **{"agreements-0-DELETE": "on"})
        self.assertEqual(
            self.as_("coord").post(url("minutes-edit", minutes), data).status_code, 302
        )
        minutes.refresh_from_db()
        saved = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertEqual(saved.agreements, [])

    def test_nonsense_actions_redisplay_the_page_unchanged(self) -> None:
        """Unknown verbs, sections or rows, and a missing management form: no 500, no save."""
        minutes = minutes_in("draft", actor=self.coord)
        client = self.as_("coord")
        for action in ("up:agreements:0", "down:agreements:9", "jump:agreements:0",
                       "add:nothing", "up:agreements:-1", "", "add"):  # fmt: skip
            data = editor_data(sample_content(), 2, **{EDITOR_ACTION: action})
            response = client.post(url("minutes-edit", minutes), data)
            self.assertEqual(response.status_code, 200, action)
            self.assertContains(response, "Enviar el informe")
        response = client.post(url("minutes-edit", minutes), {EDITOR_ACTION: "add:agreements"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(minutes.revisions.count(), 2)

    def test_erratum_page_adds_rows_too(self) -> None:
        """The erratum editor keeps the typed reason when a row is added."""
        minutes = minutes_in("approved", actor=self.coord)
        data = editor_data(
            sample_content(), 2, reason="Faltaba un acuerdo", **{EDITOR_ACTION: "add:agreements"}
        )
        response = self.as_("coord").post(url("minutes-erratum", minutes), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Faltaba un acuerdo"')
        self.assertEqual(minutes.revisions.count(), 2)

    def test_other_roles_cannot_use_the_editor_buttons(self) -> None:
        """Visitors are sent to sign in; registered users and members get 403; admins may."""
        minutes = minutes_in("draft", actor=self.coord)
        data = editor_data(sample_content(), 2, **{EDITOR_ACTION: "add:agreements"})
        response = self.as_("anon").post(url("minutes-edit", minutes), data)
        self.assertEqual(response.status_code, 302)
        for persona in ("reg", "mem_a", "mem_b"):
            response = self.as_(persona).post(url("minutes-edit", minutes), data)
            self.assertEqual(response.status_code, 403, persona)
        response = self.as_("admin").post(url("minutes-edit", minutes), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="agreements-TOTAL_FORMS" value="2"')
        self.assertEqual(minutes.revisions.count(), 2)


@override_settings(LANGUAGE_CODE="en")
class EditorDocumentsTests(RoleTestCase):
    def test_agenda_documents_are_a_checklist_and_absent_without_documents(self) -> None:
        """A presentation links the agenda's documents by ticking them (no <select multiple>);
        with no documents on the agenda, no empty list is shown."""
        minutes = minutes_in("draft", actor=self.coord)
        response = self.as_("coord").get(url("minutes-edit", minutes))
        self.assertNotContains(response, 'type="checkbox" name="presentations-0-documents"')
        document = DocumentFactory.create(title="Presentación sobre la red dorsal")
        AgendaItemFactory.create(meeting=minutes.meeting).documents.add(document)
        response = self.as_("coord").get(url("minutes-edit", minutes))
        self.assertContains(
            response,
            f'type="checkbox" name="presentations-0-documents" value="{document.public_id}"',
        )
        self.assertContains(response, "Presentación sobre la red dorsal")
        self.assertNotContains(response, "<select multiple")
        data = editor_data(
            sample_content(), 2, **{"presentations-0-documents": [str(document.public_id)]}
        )
        self.assertEqual(
            self.as_("coord").post(url("minutes-edit", minutes), data).status_code, 302
        )
        minutes.refresh_from_db()
        saved = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertEqual(saved.presentations[0].documents, [str(document.public_id)])
