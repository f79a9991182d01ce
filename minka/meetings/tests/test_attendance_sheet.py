"""The attendance sheet: one form with the invitees and the convening organizations' people
to tick, walk-ins in blank rows ("one more row" without JavaScript), presence recorded
without a consent to share, and close names offered as the existing person."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils.translation import gettext as _

from minka.core.tests.base import RoleTestCase
from minka.directory.models import ConsentEvent, ConsentPurpose, Person
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.meetings.models import Attendance, Invitee, Meeting
from minka.meetings.services import attendance as services
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def walk_in_rows(*rows: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    """The POST data of the walk-ins' rows (management form included)."""
    data: dict[str, Any] = {
        "walkin-TOTAL_FORMS": str(total if total is not None else max(len(rows), 3)),
        "walkin-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        data |= {f"walkin-{index}-{name}": value for name, value in row.items()}
    return data


@override_settings(LANGUAGE_CODE="en")
class SheetTestCase(RoleTestCase):
    meeting: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(title="Reunión de septiembre")
        cls.meeting.organizations.add(cls.org_a)

    def setUp(self) -> None:
        cache.clear()

    def url(self) -> str:
        return reverse("meetings:meeting-attendance", args=[self.meeting.public_id])

    def post(self, persona: str = "coord", **data: Any) -> Response:
        response: Response = self.as_(persona).post(self.url(), data)
        return response

    def invite(self, **person: Any) -> Person:
        someone = PersonFactory.create(**person)
        Invitee.objects.create(meeting=self.meeting, person=someone, organization=self.org_b)
        return someone

    def convening(self, **person: Any) -> Person:
        return AffiliationFactory.create(
            organization=self.org_a,
            **{f"person__{k}": v for k, v in person.items()},
        ).person

    def attendees(self) -> set[int]:
        return set(
            Attendance.objects.filter(meeting=self.meeting).values_list("person_id", flat=True)
        )


class SheetListTests(SheetTestCase):
    def test_the_sheet_lists_invitees_convening_people_and_those_present_ticked(self) -> None:
        invited = self.invite(full_name="Ana Invitada")
        member = self.convening(full_name="Bruno Convocante")
        former = AffiliationFactory.create(
            organization=self.org_a, end_date=date(2020, 1, 1), person__full_name="Carla Antigua"
        ).person
        self.convening(full_name="Dora Anonimizada", status=Person.Status.ANONYMIZED)
        walk_in = PersonFactory.create(full_name="Elsa Sin Invitación")
        Attendance.objects.create(
            meeting=self.meeting, person=walk_in, source=Attendance.Source.WALK_IN
        )
        page = self.as_("coord").get(self.url()).content.decode()
        for person in (invited, member, walk_in):
            self.assertIn(f'id="id_attended_{person.pk}"', page)
        self.assertNotIn(f'id="id_attended_{former.pk}"', page)
        self.assertNotIn("Dora", page)
        self.assertRegex(page, rf'value="{walk_in.pk}" id="id_attended_{walk_in.pk}" checked')
        self.assertNotRegex(page, rf'value="{invited.pk}" id="id_attended_{invited.pk}" checked')
        self.assertLess(page.index("Ana Invitada"), page.index("Bruno Convocante"))
        self.assertLess(page.index("Bruno Convocante"), page.index("Elsa Sin"))

    def test_every_table_cell_has_a_label_for_small_screens(self) -> None:
        someone = self.invite(full_name="Fabiola Celda", members_listing=True)
        Attendance.objects.create(
            meeting=self.meeting, person=someone, source=Attendance.Source.RECORDED
        )
        for name in ("meeting-attendance", "meeting-invitees", "meeting-attendees"):
            with self.subTest(name):
                url = reverse(f"meetings:{name}", args=[self.meeting.public_id])
                page = self.as_("coord").get(url).content.decode()
                self.assertIn('<table class="cards">', page)
                cells = re.findall(r"<td[^>]*>", page)
                self.assertTrue(cells)
                self.assertEqual([c for c in cells if "data-label=" not in c], [])

    def test_the_page_costs_the_same_queries_for_10_and_30_people(self) -> None:
        client = self.as_("coord")
        client.get(self.url())
        for count in (10, 30):
            while Person.objects.filter(affiliations__organization=self.org_a).count() < count:
                self.convening()
            # Session, user, MFA (3), the meeting (1), invitees, convening people and
            # attendances (3), names kept as written by the importer (1), the organizations
            # of the walk-ins' rows (1).
            with self.subTest(count), self.assertNumQueries(9):
                client.get(self.url())

    def test_names_kept_as_written_are_listed_apart_and_not_unticked(self) -> None:
        """An imported name with no person shows under its own heading, and a save of the
        sheet (which unticks the listed people not ticked) keeps it."""
        Attendance.objects.create(
            meeting=self.meeting, name_text="Ingeniera Invitada", organization_text="Colegio"
        )
        page = self.as_("coord").get(self.url())
        self.assertContains(page, _("Recorded as written in the minutes"))
        self.assertContains(page, "Ingeniera Invitada (Colegio)")
        self.post(**walk_in_rows())
        self.assertTrue(
            Attendance.objects.filter(meeting=self.meeting, name_text="Ingeniera Invitada").exists()
        )


class SheetRecordTests(SheetTestCase):
    def test_one_submit_records_ticked_invitees_and_convening_people(self) -> None:
        invited = self.invite()
        member = self.convening()
        other = self.convening()
        response = self.post(
            attended=[invited.pk, member.pk], listed=[invited.pk, member.pk, other.pk]
        )
        self.assertRedirects(response, self.url())
        attendances = {a.person_id: a for a in Attendance.objects.filter(meeting=self.meeting)}
        self.assertEqual(set(attendances), {invited.pk, member.pk})
        self.assertEqual(attendances[invited.pk].organization, self.org_b)  # invited for B
        self.assertEqual(attendances[member.pk].organization, self.org_a)
        self.assertEqual(attendances[member.pk].source, Attendance.Source.RECORDED)
        self.assertEqual(attendances[member.pk].recorded_by, self.coord)

    def test_unticking_removes_a_listed_person_but_not_one_the_sheet_did_not_show(self) -> None:
        first, second = self.invite(), self.invite()
        self.post(attended=[first.pk, second.pk], listed=[first.pk, second.pk])
        late = PersonFactory.create()  # checked in after the sheet was loaded
        Attendance.objects.create(
            meeting=self.meeting, person=late, source=Attendance.Source.CHECK_IN
        )
        self.post(attended=[second.pk], listed=[first.pk, second.pk])
        self.assertEqual(self.attendees(), {second.pk, late.pk})

    def test_an_empty_submit_changes_nothing(self) -> None:
        someone = self.invite()
        self.post(attended=[someone.pk], listed=[someone.pk])
        self.assertEqual(self.post().status_code, 302)
        self.assertEqual(self.attendees(), {someone.pk})

    def test_someone_not_on_the_sheet_is_refused_and_nothing_changes(self) -> None:
        invited, stranger = self.invite(), PersonFactory.create()
        response = self.post(attended=[invited.pk, stranger.pk], listed=[invited.pk])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.post(attended=["not-a-number"]).status_code, 400)
        self.assertEqual(self.post(listed=["x"]).status_code, 400)
        self.assertEqual(self.attendees(), set())

    def test_a_cancelled_meeting_is_refused(self) -> None:
        invited = self.invite()
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.CANCELLED)
        response = self.post(attended=[invited.pk], listed=[invited.pk])
        self.assertContains(response, _("This meeting was cancelled."), status_code=400)
        self.assertEqual(self.attendees(), set())

    def test_thirty_people_in_one_submit_cost_the_same_queries_as_ten(self) -> None:
        """Ticking 10 or 30 people is one bulk insert: the same number of queries."""
        client = self.as_("coord")
        client.get(self.url())  # warm the session
        for count in (10, 30):
            people = [self.convening().pk for _n in range(count)]
            # The sheet for the form (7); in the service's savepoint (2): the locked
            # meeting, the sheet again (3), one insert, one audit entry.
            with self.subTest(count), self.assertNumQueries(15):
                response = client.post(self.url(), {"attended": people, "listed": people})
            self.assertEqual(response.status_code, 302)
            self.assertTrue(set(people) <= self.attendees())
        self.assertEqual(len(self.attendees()), 40)

    def test_only_coordinators_and_admins_use_the_sheet(self) -> None:
        invited = self.invite()
        data = {"attended": [invited.pk], "listed": [invited.pk]} | walk_in_rows(
            {"full_name": "Gloria Intrusa"}
        )
        for persona, status in [("anon", 302), ("reg", 403), ("mem_a", 403), ("mem_b", 403)]:
            with self.subTest(persona):
                self.assertEqual(self.as_(persona).get(self.url()).status_code, status)
                self.assertEqual(self.as_(persona).post(self.url(), data).status_code, status)
        self.assertEqual(self.attendees(), set())
        self.assertFalse(Person.objects.filter(full_name="Gloria Intrusa").exists())
        self.assertEqual(self.as_("admin").get(self.url()).status_code, 200)
        self.assertEqual(self.as_("admin").post(self.url(), data).status_code, 302)
        self.assertEqual(len(self.attendees()), 2)

    def test_a_meeting_hidden_from_coordinators_does_not_exist(self) -> None:
        self.assertEqual(
            self.as_("coord")
            .get(
                reverse(
                    "meetings:meeting-attendance", args=["00000000-0000-0000-0000-000000000000"]
                )
            )
            .status_code,
            404,
        )


class WalkInTests(SheetTestCase):
    def test_presence_is_recorded_without_consent_and_not_shown_to_members(self) -> None:
        response = self.post(
            **walk_in_rows({"full_name": "  Hilda   Condori ", "organization": self.org_b.pk})
        )
        self.assertRedirects(response, self.url())
        person = Person.objects.get(full_name="Hilda Condori")
        self.assertEqual(
            (person.status, person.source), (Person.Status.PENDING, Person.Source.ATTENDANCE)
        )
        self.assertIs(person.members_listing, False)
        self.assertFalse(ConsentEvent.objects.filter(person=person).exists())
        attendance = Attendance.objects.get(meeting=self.meeting, person=person)
        self.assertEqual(
            (attendance.source, attendance.organization), (Attendance.Source.WALK_IN, self.org_b)
        )
        attendees = reverse("meetings:meeting-attendees", args=[self.meeting.public_id])
        page = self.as_("mem_a").get(attendees)
        self.assertNotContains(page, "Hilda")
        self.assertContains(page, "1 of them did not agree to be listed.")
        self.assertContains(self.as_("coord").get(attendees), "Hilda Condori")

    def test_a_walk_in_who_agrees_is_listed_for_members_with_the_consent_evidenced(self) -> None:
        self.post(
            **walk_in_rows(
                {"full_name": "Irma Quispe", "email": "irma@example.org", "consent": "on"}
            )
        )
        person = Person.objects.get(email="irma@example.org")
        self.assertEqual(person.status, Person.Status.ACTIVE)
        self.assertIs(person.members_listing, True)
        self.assertIs(person.public_listing, False)
        event = ConsentEvent.objects.get(person=person)
        self.assertEqual(
            (event.purpose, event.granted, event.actor, event.channel),
            (ConsentPurpose.MEMBERS_LISTING, True, self.coord, ConsentEvent.Channel.PAPER),
        )
        attendees = reverse("meetings:meeting-attendees", args=[self.meeting.public_id])
        self.assertContains(self.as_("mem_a").get(attendees), "Irma Quispe")

    def test_ticks_and_walk_ins_are_recorded_in_one_submit(self) -> None:
        invited = self.invite()
        self.post(
            attended=[invited.pk],
            listed=[invited.pk],
            **walk_in_rows(
                {"full_name": "Julia Uno"}, {"full_name": ""}, {"full_name": "Karen Dos"}
            ),
        )
        names = set(
            Attendance.objects.filter(meeting=self.meeting).values_list(
                "person__full_name", flat=True
            )
        )
        self.assertEqual(names, {invited.full_name, "Julia Uno", "Karen Dos"})

    def test_a_row_without_a_name_or_with_bad_input_is_refused_and_nothing_changes(self) -> None:
        invited = self.invite()
        for row in (
            {"full_name": "", "consent": "on"},
            {"full_name": "x" * 151},
            {"full_name": "Ok", "email": "no-es-correo"},
            {"full_name": "Ok", "organization": "999999"},
        ):
            with self.subTest(row):
                response = self.post(attended=[invited.pk], **walk_in_rows(row))
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, _("There is a problem"), status_code=400)
        self.assertEqual(self.attendees(), set())
        self.assertEqual(self.post(**walk_in_rows(total=99)).status_code, 400)

    def test_a_known_email_reuses_the_person_and_their_own_choices(self) -> None:
        known = PersonFactory.create(email="juan@example.org", user=self.mem_b)
        self.post(
            **walk_in_rows({"full_name": "Juan", "email": "JUAN@example.org", "consent": "on"})
        )
        self.assertEqual(self.attendees(), {known.pk})
        known.refresh_from_db()
        self.assertIs(known.members_listing, False)  # their own record: their own choices
        self.post(**walk_in_rows({"full_name": "Juan", "email": "juan@example.org"}))
        self.assertEqual(Attendance.objects.filter(meeting=self.meeting).count(), 1)

    def test_one_more_row_keeps_what_was_typed_and_stores_nothing(self) -> None:
        invited = self.invite()
        data = {"attended": [invited.pk], "listed": [invited.pk], "more": "1"} | walk_in_rows(
            {"full_name": "Lidia Escrita", "organization": self.org_b.pk, "consent": "on"}
        )
        response = self.post(**data)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn('name="walkin-TOTAL_FORMS" value="4"', page)
        self.assertIn('value="Lidia Escrita"', page)
        self.assertIn('name="walkin-3-full_name"', page)
        self.assertRegex(
            page, r'name="walkin-0-consent"[^>]* checked|checked[^>]*name="walkin-0-consent"'
        )
        self.assertRegex(page, rf'value="{invited.pk}" id="id_attended_{invited.pk}" checked')
        self.assertEqual(self.attendees(), set())
        self.assertFalse(Person.objects.filter(full_name="Lidia Escrita").exists())


class SuggestionTests(SheetTestCase):
    known: Person

    def setUp(self) -> None:
        super().setUp()
        self.known = AffiliationFactory.create(
            organization=self.org_b, person__full_name="José Pérez", person__email=""
        ).person

    def test_a_close_name_comes_back_as_a_question_and_nothing_is_stored(self) -> None:
        invited = self.invite()
        for typed in ("jose perez", "JOSÉ  PÉREZ", "Jose Peres", "Pérez, José"):
            with self.subTest(typed):
                response = self.post(
                    attended=[invited.pk], listed=[invited.pk], **walk_in_rows({"full_name": typed})
                )
                label = _("%(name)s (%(organization)s)") % {
                    "name": "José Pérez",
                    "organization": self.org_b.name,
                }
                self.assertContains(
                    response, _("Did you mean %(name)s?") % {"name": label}, status_code=400
                )
                self.assertContains(response, f'value="{self.known.pk}"', status_code=400)
                self.assertContains(response, _("No, add a new person"), status_code=400)
        self.assertEqual(self.attendees(), set())
        self.assertEqual(Person.objects.filter(search_key__contains="perez").count(), 1)

    def test_choosing_the_existing_person_records_them(self) -> None:
        self.post(**walk_in_rows({"full_name": "jose perez", "match": str(self.known.pk)}))
        self.assertEqual(self.attendees(), {self.known.pk})
        attendance = Attendance.objects.get(meeting=self.meeting)
        self.assertEqual(attendance.organization, self.org_b)  # their current role
        self.assertEqual(Person.objects.filter(search_key__contains="perez").count(), 1)

    def test_confirming_a_new_person_creates_one(self) -> None:
        self.post(**walk_in_rows({"full_name": "José Pérez", "match": "new"}))
        self.assertEqual(Person.objects.filter(full_name="José Pérez").count(), 2)
        self.assertNotIn(self.known.pk, self.attendees())
        self.assertEqual(len(self.attendees()), 1)

    def test_a_choice_that_was_not_suggested_is_refused(self) -> None:
        stranger = PersonFactory.create(full_name="Otra Persona")
        response = self.post(**walk_in_rows({"full_name": "jose perez", "match": str(stranger.pk)}))
        self.assertContains(
            response, _("Choose one of the people suggested or a new person."), status_code=400
        )
        self.assertEqual(self.attendees(), set())

    def test_a_different_name_is_added_without_a_question(self) -> None:
        response = self.post(**walk_in_rows({"full_name": "Josefina Paredes"}))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Person.objects.filter(full_name="Josefina Paredes").exists())


class RecordManyServiceTests(SheetTestCase):
    """The service on its own: the API and other callers get the same rules."""

    def test_only_coordinators_and_admins_may_record(self) -> None:
        invited = self.invite()
        for user in (self.reg, self.mem_a):
            with self.subTest(user.email), self.assertRaises(PermissionDenied):
                services.attendance_record_many(
                    actor=user, meeting=self.meeting, present=[invited.pk]
                )
        services.attendance_record_many(
            actor=self.admin, meeting=self.meeting, present=[invited.pk]
        )
        self.assertEqual(self.attendees(), {invited.pk})

    def test_without_listed_the_whole_sheet_is_set(self) -> None:
        first, second = self.invite(), self.convening()
        services.attendance_record_many(
            actor=self.coord, meeting=self.meeting, present=[first.pk, second.pk]
        )
        change = services.attendance_record_many(
            actor=self.coord, meeting=self.meeting, present=[second.pk]
        )
        self.assertEqual((change.added, change.removed), (0, 1))
        self.assertEqual(self.attendees(), {second.pk})

    def test_a_walk_in_already_present_is_not_added_twice(self) -> None:
        invited = self.invite()
        change = services.attendance_record_many(
            actor=self.coord,
            meeting=self.meeting,
            present=[invited.pk],
            walk_ins=[services.WalkIn(full_name=invited.full_name, person=invited)],
        )
        self.assertEqual((change.added, change.created), (1, 0))
        self.assertEqual(
            Attendance.objects.get(meeting=self.meeting).source, Attendance.Source.RECORDED
        )

    def test_an_anonymized_person_is_refused_and_nothing_changes(self) -> None:
        invited = self.invite()
        gone = PersonFactory.create(status=Person.Status.ANONYMIZED)
        with self.assertRaises(ValidationError):
            services.attendance_record_many(
                actor=self.coord,
                meeting=self.meeting,
                present=[invited.pk],
                walk_ins=[services.WalkIn(full_name="x", person=gone)],
            )
        self.assertEqual(self.attendees(), set())
