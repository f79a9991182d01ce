"""Commitments, their updates and goals in the one search (both engines: the suite runs on
SQLite and on PostgreSQL): Spanish forms and accents, the type facet, visibility kept in
step with every change, and nothing members-only for visitors, in hits, snippets or counts."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse

from minka import search
from minka.agreements import services
from minka.agreements.models import Commitment, Goal, Status
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.tests.factories import OrganizationFactory

COMMITMENT = "agreements.commitment"
UPDATE = "agreements.commitmentupdate"
GOAL = "agreements.goal"


def types(query: str, user: object) -> set[str]:
    results = search.search(query, user=user)  # type: ignore[arg-type]
    return {hit.content_type for hit in results.hits}


@override_settings(LANGUAGE_CODE="en")
class AgreementSearchTests(RoleTestCase):
    def setUp(self) -> None:
        self.commitment = services.commitment_create(
            actor=self.coord,
            data={
                "title": "Publicar la guía de ciberseguridad para organizaciones",
                "description": "Con ejemplos de contraseñas y copias de respaldo.",
                "responsible_organizations": [self.org_a],
                "status": Status.PENDING,
                "progress": 0,
                "visibility": Visibility.PUBLIC,
            },
        )
        services.update_post(
            actor=self.mem_a,
            commitment=self.commitment,
            data={"text": "Se revisaron las políticas de contraseñas.", "progress": 40},
        )
        self.goal = services.goal_create(
            actor=self.coord,
            data={
                "title": "Organizaciones más seguras en 2027",
                "indicator": "Organizaciones con guía aplicada",
                "unit": "organizaciones",
                "visibility": Visibility.PUBLIC,
            },
        )

    def test_each_type_is_found_by_its_words_in_any_form(self) -> None:
        self.assertIn(COMMITMENT, types("guia", None))  # without its accent
        self.assertIn(COMMITMENT, types("CIBERSEGURIDAD", None))
        self.assertIn(COMMITMENT, types("respaldos", None))  # plural of the description's word
        self.assertIn(UPDATE, types("politica contraseña", None))
        self.assertIn(GOAL, types("organización segura", None))
        self.assertIn(GOAL, types("aplicadas", None))
        # The owner's name finds the commitment too.
        self.assertIn(COMMITMENT, types("Organización A", None))

    def test_the_type_facet_names_them_and_filters(self) -> None:
        results = search.search("contraseñas", user=None)  # type: ignore[arg-type]
        self.assertEqual(results.facets["type"], {COMMITMENT: 1, UPDATE: 1})
        only = search.search(
            "contraseñas",
            user=None,  # type: ignore[arg-type]
            filters={"type": UPDATE},
        )
        self.assertEqual([hit.content_type for hit in only.hits], [UPDATE])
        page = self.as_("anon").get(reverse("search:search"), {"q": "contraseñas"})
        self.assertContains(page, "Commitment")
        self.assertContains(page, "Progress update")
        self.assertContains(page, self.commitment.get_absolute_url())

    def test_visibility_changes_reach_the_index_with_the_updates(self) -> None:
        services.commitment_update(
            actor=self.coord, commitment=self.commitment, data={"visibility": Visibility.MEMBERS}
        )
        for persona in ("anon", "reg"):
            user = AnonymousUser() if persona == "anon" else self.reg
            results = search.search("contraseñas", user=user)
            self.assertEqual(results.hits, [], persona)
            self.assertEqual(results.facets.get("type", {}), {}, persona)
            page = self.as_(persona).get(reverse("search:search"), {"q": "contraseñas"})
            self.assertNotContains(page, "Publicar la guía")
            self.assertNotContains(page, "políticas de contraseñas")
        self.assertEqual(types("contraseñas", self.mem_b), {COMMITMENT, UPDATE})

    def test_a_public_commitment_does_not_reveal_an_applicant_owner(self) -> None:
        applicant = OrganizationFactory.create(
            name="Colectivo Postulante Reservado", acronym="CPR", membership_status="applicant"
        )
        services.commitment_update(
            actor=self.coord,
            commitment=self.commitment,
            data={"responsible_organizations": [applicant, self.org_a]},
        )
        self.assertEqual(types("Postulante Reservado", None), set())
        page = self.as_("anon").get(reverse("search:search"), {"q": "Postulante"})
        self.assertNotContains(page, "Colectivo Postulante")

    def test_goals_follow_their_visibility(self) -> None:
        services.goal_update(
            actor=self.coord, goal=self.goal, data={"visibility": Visibility.COORDINATORS}
        )
        self.assertEqual(types("organización segura", self.mem_b), set())
        self.assertEqual(types("organización segura", self.coord), {GOAL})

    def test_a_stale_entry_never_shows_a_deleted_commitment(self) -> None:
        Commitment.objects.filter(pk=self.commitment.pk).delete()
        page = self.as_("anon").get(reverse("search:search"), {"q": "ciberseguridad"})
        self.assertNotContains(page, "Publicar la guía")
        Goal.objects.all().delete()
