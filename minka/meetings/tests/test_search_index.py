"""Meetings and minutes in the search index, kept in step by their services, on whichever
engine DATABASE_URL selects: Spanish forms and accents, the section of the minutes a hit
matched, and who may find what at each step of the minutes' cycle."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minka import search
from minka.core.inputs import typed_input
from minka.core.tests.base import PERSONAS, RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings import permissions
from minka.meetings.minutes import services as minutes_services
from minka.meetings.minutes.content import (
    Agreement,
    Intervention,
    MinutesContent,
    NextMeeting,
    Presentation,
)
from minka.meetings.minutes.importers.parsed import ParsedMinutes
from minka.meetings.minutes.importers.service import minutes_import
from minka.meetings.minutes.tests.factories import STATES, minutes_in
from minka.meetings.search_index import section_label
from minka.meetings.services import meetings as services
from minka.meetings.tests.factories import MeetingFactory
from minka.search.models import SearchEntry

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.meetings.minutes.models import Minutes
    from minka.meetings.models import Meeting

MEETING = "meetings.meeting"
MINUTES = "meetings.minutes"


def section_content() -> MinutesContent:
    """Minutes with one distinctive word per section."""
    return MinutesContent(
        summary="Se habló de la participación ciudadana en la red.",
        presentations=[
            Presentation(
                title="Redes comunitarias",
                presenter="Ana Núñez",
                organization="Asociación Señal",
                points="- Antenas en Áncash",
            )
        ],
        interventions=[
            Intervention(topic="Riesgos", speaker="Luis", text="Habló de CIBERSEGURIDAD.")
        ],
        agreements=[Agreement(text="Preparar una guía de alfabetización", responsible="OA")],
        next_meeting=NextMeeting(text="En el auditorio de Cajamarca."),
        notes="Se tomó asistencia con lapiceros.",
    )


class SearchCase(RoleTestCase):
    def user(self, persona: str) -> Actor:
        return AnonymousUser() if persona == "anon" else getattr(self, persona)

    def found(self, query: str, persona: str, content_type: str) -> list[str]:
        """The object ids of ``content_type`` that ``persona`` finds with ``query``."""
        results = search.search(query, user=self.user(persona), filters={"type": content_type})
        return [hit.object_id for hit in results.hits]

    def finds(self, query: str, persona: str, obj: Meeting | Minutes) -> bool:
        content_type = MINUTES if obj._meta.model_name == "minutes" else MEETING
        return str(obj.pk) in self.found(query, persona, content_type)


@override_settings(LANGUAGE_CODE="en")
class MeetingIndexTests(SearchCase):
    """A meeting is found by its title, place, description and agenda, in any word form."""

    def create(self, **extra: Any) -> Meeting:
        start = timezone.now() + timedelta(days=10)
        data = typed_input(
            services.MeetingData,
            {
                "title": "Reunión sobre participación ciudadana",
                "description": "Debate de las políticas digitales.",
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "modality": "in_person",
                "place": "Auditorio de la Universidad",
                "visibility": Visibility.PUBLIC,
                **extra,
            },
        )
        return services.meeting_create(actor=self.coord, data=data)

    def test_title_place_and_description_in_any_form(self) -> None:
        """ "participacion" finds "participación", "politica" finds "políticas"."""
        meeting = self.create()
        for query in ("participacion", "PARTICIPACIONES", "politica", "auditorios", "digital"):
            with self.subTest(query=query):
                self.assertIs(self.finds(query, "anon", meeting), True)

    def test_agenda_changes_are_found_at_once(self) -> None:
        """Adding, changing, deleting and moving agenda items updates the entry at once."""
        meeting = self.create()
        item = services.agenda_item_create(
            actor=self.coord,
            meeting=meeting,
            data={
                "title": "Ciberseguridad en escuelas",
                "description": "Propuesta de alfabetización",
            },
        )
        self.assertIs(self.finds("ciberseguridad", "anon", meeting), True)
        self.assertIs(self.finds("alfabetizacion", "anon", meeting), True)
        services.agenda_item_update(
            actor=self.coord, item=item, data={"title": "Radiodifusión comunitaria"}
        )
        self.assertIs(self.finds("ciberseguridad", "anon", meeting), False)
        self.assertIs(self.finds("radiodifusion", "anon", meeting), True)
        other = services.agenda_item_create(
            actor=self.coord, meeting=meeting, data={"title": "Espectro radioeléctrico"}
        )
        services.agenda_item_move(actor=self.coord, item=other, direction="up")
        self.assertIs(self.finds("espectro", "anon", meeting), True)
        services.agenda_item_delete(actor=self.coord, item=item)
        self.assertIs(self.finds("radiodifusion", "anon", meeting), False)
        self.assertIs(self.finds("espectro", "anon", meeting), True)

    def test_update_replaces_the_text_and_follows_the_visibility(self) -> None:
        meeting = self.create()
        services.meeting_update(
            actor=self.coord,
            meeting=meeting,
            data={"title": "Taller de radiodifusión", "visibility": Visibility.MEMBERS},
        )
        self.assertIs(self.finds("participacion", "mem_a", meeting), False)
        for persona in ("anon", "reg"):
            self.assertIs(self.finds("radiodifusion", persona, meeting), False)
        self.assertIs(self.finds("radiodifusion", "mem_b", meeting), True)

    def test_each_visibility_reaches_its_roles_only(self) -> None:
        allowed = {
            Visibility.PUBLIC: set(PERSONAS),
            Visibility.MEMBERS: {"mem_a", "mem_b", "coord", "admin"},
            Visibility.COORDINATORS: {"coord", "admin"},
        }
        for visibility, personas in allowed.items():
            meeting = self.create(title=f"Reunión {visibility}", visibility=visibility)
            for persona in PERSONAS:
                with self.subTest(visibility=visibility, persona=persona):
                    self.assertIs(self.finds("politica", persona, meeting), persona in personas)

    def test_a_cancelled_meeting_stays_findable_and_says_so(self) -> None:
        meeting = self.create()
        services.meeting_cancel(actor=self.coord, meeting=meeting)
        self.assertIs(self.finds("participacion", "anon", meeting), True)
        page = self.as_("anon").get(reverse("search:search"), {"q": "participacion"})
        self.assertContains(page, meeting.get_absolute_url())
        self.assertContains(page, '<span class="tag">Cancelled</span>', html=True)

    def test_the_online_link_is_never_indexed(self) -> None:
        """The link is for members only, whatever the meeting's visibility: not even a
        coordinator finds the meeting by it."""
        meeting = self.create(modality="virtual", online_url="https://meet.example.org/zqxenlace")
        self.assertIs(self.finds("zqxenlace", "coord", meeting), False)
        self.assertNotIn("zqxenlace", SearchEntry.objects.get(object_id=meeting.pk).body)

    def test_the_next_meeting_is_indexed_when_scheduled(self) -> None:
        past = MeetingFactory.create(
            place="Auditorio Chavín",
            starts_at=timezone.now() - timedelta(days=3),
            ends_at=timezone.now() - timedelta(days=3, hours=-2),
        )
        following = services.meeting_schedule_next(actor=self.coord, meeting=past)
        self.assertIs(self.finds("chavin", "anon", following), True)


@override_settings(LANGUAGE_CODE="en")
class MinutesIndexTests(SearchCase):
    """Minutes are found by the text of their current revision; each hit names its
    section; who finds them follows the cycle exactly as who may read them."""

    def test_each_hit_names_the_section_it_matched(self) -> None:
        minutes = minutes_in("published", actor=self.coord, content=section_content())
        expected = {
            "participacion": "Summary",
            "antenas": "Presentations",
            "ciberseguridad": "Interventions",
            "alfabetizacion": "Agreements",
            "cajamarca": "Next meeting",
            "lapiceros": "Notes",
        }
        for query, section in expected.items():
            with self.subTest(query=query):
                [hit] = search.search(query, user=AnonymousUser(), filters={"type": MINUTES}).hits
                self.assertEqual(hit.object_id, str(minutes.pk))
                self.assertEqual(section_label(hit.page), section)
        page = self.as_("anon").get(reverse("search:search"), {"q": "ciberseguridad"})
        self.assertContains(page, "Section: Interventions")
        self.assertContains(page, "<mark>CIBERSEGURIDAD</mark>")
        self.assertContains(page, minutes.get_absolute_url())

    def test_a_match_in_the_title_only_names_no_section(self) -> None:
        minutes = minutes_in(
            "published", actor=self.coord, content=section_content(), title="Reunión de Iquitos"
        )
        [hit] = search.search("iquitos", user=AnonymousUser(), filters={"type": MINUTES}).hits
        self.assertEqual((hit.object_id, section_label(hit.page)), (str(minutes.pk), ""))

    def test_linked_documents_identifiers_are_not_indexed(self) -> None:
        content = section_content()
        content.presentations[0].documents = ["0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"]
        minutes = minutes_in("published", actor=self.coord, content=content)
        self.assertNotIn(
            "0f1e2d3c",
            SearchEntry.objects.get(content_type="meetings.minutes", object_id=minutes.pk).body,
        )

    def test_a_draft_is_found_by_coordinators_only(self) -> None:
        minutes = minutes_in("draft", actor=self.coord, content=section_content())
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                self.assertIs(
                    self.finds("ciberseguridad", persona, minutes), persona in {"coord", "admin"}
                )

    def test_each_state_is_found_by_who_may_read_it(self) -> None:
        """Draft: coordinators; review and approved: members; published: their own
        visibility; never more than can_view_minutes allows."""
        members = {"mem_a", "mem_b", "coord", "admin"}
        allowed = {
            "draft": {"coord", "admin"},
            "review": members,
            "approved": members,
            "published": set(PERSONAS),
            "published-members": members,
        }
        for state in STATES:
            minutes = minutes_in(state, actor=self.coord, content=section_content())
            for persona in PERSONAS:
                with self.subTest(state=state, persona=persona):
                    found = self.finds("ciberseguridad", persona, minutes)
                    self.assertIs(found, persona in allowed[state])
                    if found:
                        self.assertIs(
                            permissions.can_view_minutes(self.user(persona), minutes), True
                        )

    def test_a_draft_leaves_the_members_when_the_review_is_withdrawn(self) -> None:
        minutes = minutes_in("review", actor=self.coord, content=section_content())
        self.assertIs(self.finds("ciberseguridad", "mem_a", minutes), True)
        minutes_services.minutes_withdraw(actor=self.coord, minutes=minutes)
        self.assertIs(self.finds("ciberseguridad", "mem_a", minutes), False)
        self.assertIs(self.finds("ciberseguridad", "coord", minutes), True)

    def test_published_minutes_of_a_members_only_meeting_stay_with_members(self) -> None:
        minutes = minutes_in(
            "published", actor=self.coord, content=section_content(), visibility="members"
        )
        self.assertIs(self.finds("ciberseguridad", "anon", minutes), False)
        self.assertIs(self.finds("ciberseguridad", "mem_b", minutes), True)

    def test_the_meetings_visibility_and_title_follow_into_its_minutes(self) -> None:
        minutes = minutes_in("published", actor=self.coord, content=section_content())
        services.meeting_update(
            actor=self.coord,
            meeting=minutes.meeting,
            data={"title": "Sesión de Huancavelica", "visibility": Visibility.COORDINATORS},
        )
        self.assertIs(self.finds("ciberseguridad", "mem_a", minutes), False)
        self.assertIs(self.finds("huancavelica", "coord", minutes), True)

    def test_every_save_and_erratum_replaces_the_text(self) -> None:
        minutes = minutes_in("draft", actor=self.coord, content=section_content())
        content = section_content()
        content.interventions[0].text = "Habló de radiodifusión."
        minutes_services.minutes_save(
            actor=self.coord,
            minutes=minutes,
            content=content,
            base_revision=minutes_services.current_number(minutes),
        )
        self.assertIs(self.finds("ciberseguridad", "coord", minutes), False)
        self.assertIs(self.finds("radiodifusion", "coord", minutes), True)
        minutes_services.minutes_open_review(
            actor=self.coord, minutes=minutes, deadline=timezone.now() + timedelta(days=2)
        )
        minutes_services.minutes_approve(actor=self.coord, minutes=minutes)
        minutes_services.minutes_publish(actor=self.coord, minutes=minutes, visibility="public")
        content.agreements[0].text = "Publicar la guía de telecomunicaciones"
        minutes.refresh_from_db()
        minutes_services.minutes_erratum(
            actor=self.coord,
            minutes=minutes,
            content=content,
            reason="Acuerdo mal escrito.",
            base_revision=minutes_services.current_number(minutes),
        )
        self.assertIs(self.finds("alfabetizacion", "anon", minutes), False)
        self.assertIs(self.finds("telecomunicacion", "anon", minutes), True)

    def test_the_queryset_mirrors_can_view_minutes(self) -> None:
        """minutes_visible_to (the search page's second check) agrees with can_view_minutes
        for every persona, state and meeting visibility, attendees included."""
        from minka.directory.tests.factories import PersonFactory
        from minka.meetings.models import Attendance

        every = []
        for visibility in Visibility.values:
            for state in STATES:
                every.append(minutes_in(state, actor=self.coord, visibility=visibility))
        attendee = PersonFactory.create(user=self.reg)
        for minutes in every:
            Attendance.objects.create(
                meeting=minutes.meeting, person=attendee, source=Attendance.Source.RECORDED
            )
        for persona in PERSONAS:
            user = self.user(persona)
            visible = set(permissions.minutes_visible_to(user).values_list("pk", flat=True))
            for minutes in every:
                with self.subTest(persona=persona, minutes=minutes.pk):
                    expected = permissions.can_view_minutes(user, minutes)
                    self.assertIs(minutes.pk in visible, expected)

    def test_an_import_indexes_the_meeting_its_agenda_and_the_draft(self) -> None:
        parsed = ParsedMinutes(
            title="Primera reunión de trabajo",
            date=dt.date(2026, 3, 16),
            place="Lima",
            agenda=["Ciberseguridad y cultura digital"],
            interventions=["La formación de una cultura digital y la ciberseguridad."],
        )
        meeting = minutes_import(
            actor=self.coord, parsed=parsed, series=None, visibility=Visibility.PUBLIC
        )
        self.assertIs(self.finds("ciberseguridad", "anon", meeting), True)
        self.assertIs(self.finds("ciberseguridad", "coord", meeting.minutes), True)
        self.assertIs(self.finds("ciberseguridad", "mem_a", meeting.minutes), False)
