"""Commitments' pages by role: who sees them, who posts progress (members of a responsible
organization and coordinators; never a member of another organization), who reviews, who
creates and edits; bad input gets a message and changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import override_settings
from django.urls import reverse

from minka.agreements.models import Commitment, CommitmentUpdate, Status
from minka.agreements.tests.factories import CommitmentFactory, CommitmentUpdateFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.tests.factories import OrganizationFactory, PersonFactory
from minka.documents.tests.factories import DocumentFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PERSONAS = ("anon", "reg", "mem_a", "mem_b", "coord", "admin")


@override_settings(LANGUAGE_CODE="en")
class VisibilityTests(RoleTestCase):
    def test_each_role_sees_the_commitments_of_its_visibility(self) -> None:
        expected = {
            Visibility.PUBLIC: {"anon", "reg", "mem_a", "mem_b", "coord", "admin"},
            Visibility.MEMBERS: {"mem_a", "mem_b", "coord", "admin"},
            Visibility.COORDINATORS: {"coord", "admin"},
        }
        for visibility, allowed in expected.items():
            commitment = CommitmentFactory.create(
                title=f"Compromiso {visibility}", visibility=visibility, owners=[self.org_a]
            )
            for persona in PERSONAS:
                with self.subTest(visibility=visibility, persona=persona):
                    page = self.as_(persona).get(commitment.get_absolute_url())
                    self.assertEqual(page.status_code, 200 if persona in allowed else 404)
                    board = self.as_(persona).get(reverse("agreements:dashboard"))
                    if persona in allowed:
                        self.assertContains(board, commitment.title)
                    else:
                        self.assertNotContains(board, commitment.title)

    def test_owners_the_viewer_may_not_see_are_not_named(self) -> None:
        applicant = OrganizationFactory.create(
            name="Postulante Reservada", acronym="PRX", membership_status="applicant"
        )
        private = PersonFactory.create(full_name="Persona Sin Listado")
        commitment = CommitmentFactory.create(owners=[applicant, self.org_a])
        commitment.responsible_people.add(private)
        for persona in ("anon", "reg"):
            page = self.as_(persona).get(commitment.get_absolute_url())
            self.assertContains(page, self.org_a.name)
            self.assertNotContains(page, "Postulante Reservada")
            self.assertNotContains(page, "Persona Sin Listado")
        self.assertContains(self.as_("mem_b").get(commitment.get_absolute_url()), "Postulante")
        self.assertContains(
            self.as_("coord").get(commitment.get_absolute_url()), "Persona Sin Listado"
        )

    def test_update_authors_are_named_to_members_only(self) -> None:
        commitment = CommitmentFactory.create(owners=[self.org_a])
        CommitmentUpdateFactory.create(commitment=commitment, author=self.mem_a, text="Hecho.")
        self.assertNotContains(self.as_("anon").get(commitment.get_absolute_url()), "Miembro A")
        self.assertContains(self.as_("mem_b").get(commitment.get_absolute_url()), "Miembro A")


@override_settings(LANGUAGE_CODE="en")
class UpdatePostTests(RoleTestCase):
    def setUp(self) -> None:
        self.commitment = CommitmentFactory.create(
            owners=[self.org_a], status=Status.PENDING, progress=0
        )
        self.url = reverse("agreements:update-post", args=[self.commitment.public_id])
        self.document = DocumentFactory.create(title="Informe de avance", visibility="public")

    def post(self, persona: str, **data: object) -> Response:
        payload = {"text": "Se envió el borrador.", "status": "in_progress", "progress": "40"}
        payload.update({k: str(v) for k, v in data.items()})
        return self.as_(persona).post(self.url, payload)

    def test_a_member_of_a_responsible_organization_posts_with_evidence(self) -> None:
        response = self.post(
            "mem_a", documents=self.document.pk, links="https://example.org/informe"
        )
        self.assertRedirects(response, self.commitment.get_absolute_url())
        self.commitment.refresh_from_db()
        self.assertEqual((self.commitment.status, self.commitment.progress), ("in_progress", 40))
        update = CommitmentUpdate.objects.get(commitment=self.commitment)
        self.assertEqual(update.author, self.mem_a)
        self.assertEqual(list(update.documents.all()), [self.document])
        self.assertEqual(update.links, ["https://example.org/informe"])
        page = self.as_("anon").get(self.commitment.get_absolute_url())
        self.assertContains(page, "Se envió el borrador.")
        self.assertContains(page, "Informe de avance")
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.UPDATE, target_id=str(self.commitment.pk)
            ).exists()
        )

    def test_the_form_is_offered_only_to_those_who_may_post(self) -> None:
        for persona, offered in {
            "anon": False,
            "reg": False,
            "mem_a": True,
            "mem_b": False,
            "coord": True,
            "admin": True,
        }.items():
            with self.subTest(persona=persona):
                page = self.as_(persona).get(self.commitment.get_absolute_url())
                if offered:
                    self.assertContains(page, self.url)
                else:
                    self.assertNotContains(page, self.url)

    def test_others_are_refused_and_nothing_changes(self) -> None:
        self.assertEqual(self.post("anon").status_code, 302)  # to sign in
        self.assertEqual(self.post("reg").status_code, 403)
        self.assertEqual(self.post("mem_b").status_code, 403)
        self.assertFalse(CommitmentUpdate.objects.exists())
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.progress, 0)

    def test_coordinators_and_admins_post_on_any_commitment(self) -> None:
        for persona in ("coord", "admin"):
            self.assertEqual(self.post(persona).status_code, 302)
        self.assertEqual(CommitmentUpdate.objects.count(), 2)

    def test_a_responsible_person_may_post_too(self) -> None:
        person = PersonFactory.create(user=self.mem_b)
        self.commitment.responsible_people.add(person)
        self.assertEqual(self.post("mem_b").status_code, 302)

    def test_bad_input_gets_a_message_and_changes_nothing(self) -> None:
        secret = DocumentFactory.create(title="Reservado", visibility="coordinators")
        cases: list[tuple[dict[str, object], str]] = [
            ({"text": ""}, "This field is required"),
            ({"progress": "140"}, "less than or equal to 100"),
            ({"status": "finished"}, "Select a valid choice"),
            ({"links": "javascript:alert(1)"}, "is not a web address"),
            ({"links": "\n".join(f"https://e.org/{n}" for n in range(6))}, "at most 5 links"),
            ({"documents": secret.pk}, "Select a valid choice"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.post("mem_a", **data)
                self.assertContains(response, message, status_code=400)
        self.assertFalse(CommitmentUpdate.objects.exists())
        self.commitment.refresh_from_db()
        self.assertEqual((self.commitment.status, self.commitment.progress), ("pending", 0))

    def test_done_means_complete_and_the_history_is_newest_first(self) -> None:
        self.post("mem_a", text="Primer avance", status="in_progress", progress=30)
        self.post("mem_a", text="Terminado", status="done", progress=100)
        page = self.as_("anon").get(self.commitment.get_absolute_url()).content.decode()
        self.assertLess(page.index("Terminado"), page.index("Primer avance"))
        self.commitment.refresh_from_db()
        self.assertEqual((self.commitment.status, self.commitment.progress), ("done", 100))


@override_settings(LANGUAGE_CODE="en")
class ReviewTests(RoleTestCase):
    def setUp(self) -> None:
        commitment = CommitmentFactory.create(owners=[self.org_a])
        self.update = CommitmentUpdateFactory.create(commitment=commitment, author=self.mem_a)
        self.url = reverse("agreements:update-review", args=[commitment.public_id, self.update.pk])
        self.commitment = commitment

    def test_a_coordinator_validates_or_questions_with_a_reason(self) -> None:
        response = self.as_("coord").post(self.url, {"verdict": "validated"})
        self.assertEqual(response.status_code, 302)
        self.update.refresh_from_db()
        self.assertEqual((self.update.review, self.update.reviewed_by), ("validated", self.coord))
        response = self.as_("coord").post(
            self.url, {"verdict": "questioned", "reason": "Falta el informe adjunto."}
        )
        self.assertEqual(response.status_code, 302)
        page = self.as_("anon").get(self.commitment.get_absolute_url())
        self.assertContains(page, "Questioned")
        self.assertContains(page, "Falta el informe adjunto.")

    def test_questioning_needs_a_reason(self) -> None:
        response = self.as_("coord").post(self.url, {"verdict": "questioned", "reason": " "})
        self.assertContains(response, "Say why the update is questioned.", status_code=400)
        self.update.refresh_from_db()
        self.assertEqual(self.update.review, "")

    def test_only_coordinators_review(self) -> None:
        expected = {"anon": 302, "reg": 403, "mem_a": 403, "mem_b": 403}
        for persona, status in expected.items():
            with self.subTest(persona=persona):
                response = self.as_(persona).post(self.url, {"verdict": "validated"})
                self.assertEqual(response.status_code, status)
        self.update.refresh_from_db()
        self.assertEqual(self.update.review, "")

    def test_an_update_of_another_commitment_is_not_found(self) -> None:
        other = CommitmentFactory.create()
        url = reverse("agreements:update-review", args=[other.public_id, self.update.pk])
        self.assertEqual(self.as_("coord").post(url, {"verdict": "validated"}).status_code, 404)


@override_settings(LANGUAGE_CODE="en")
class CreateEditTests(RoleTestCase):
    def data(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "title": "Publicar la guía de ciberseguridad",
            "responsible_organizations": [self.org_a.pk, self.org_b.pk],
            "due_date": "2030-03-31",
            "status": "pending",
            "progress": "0",
            "visibility": "public",
        }
        data.update(changes)
        return data

    def test_a_coordinator_creates_and_edits_a_commitment(self) -> None:
        response = self.as_("coord").post(reverse("agreements:commitment-create"), self.data())
        commitment = Commitment.objects.get()
        self.assertRedirects(response, commitment.get_absolute_url())
        self.assertEqual(commitment.created_by, self.coord)
        self.assertEqual(set(commitment.responsible_organizations.all()), {self.org_a, self.org_b})
        url = reverse("agreements:commitment-edit", args=[commitment.public_id])
        response = self.as_("coord").post(url, self.data(responsible_organizations=[self.org_b.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(commitment.responsible_organizations.all()), [self.org_b])

    def test_others_cannot_create_or_edit(self) -> None:
        commitment = CommitmentFactory.create(title="Sin cambios")
        edit = reverse("agreements:commitment-edit", args=[commitment.public_id])
        for persona, status in {"anon": 302, "reg": 403, "mem_a": 403, "mem_b": 403}.items():
            with self.subTest(persona=persona):
                client = self.as_(persona)
                create = client.post(reverse("agreements:commitment-create"), self.data())
                self.assertEqual(create.status_code, status)
                self.assertEqual(client.post(edit, self.data()).status_code, status)
        self.assertEqual(Commitment.objects.get().title, "Sin cambios")

    def test_bad_input_is_refused_with_a_message(self) -> None:
        for data in (
            self.data(title=""),
            self.data(progress="101"),
            self.data(due_date="31/02/2030"),
            self.data(visibility="everyone"),
            self.data(responsible_organizations=[999999]),
        ):
            with self.subTest(data=data):
                response = self.as_("coord").post(reverse("agreements:commitment-create"), data)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(Commitment.objects.exists())
