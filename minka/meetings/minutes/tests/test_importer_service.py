"""The minutes importer's service: matching attendees to the directory, and saving parsed
minutes as a held meeting with draft minutes (people created only when confirmed)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.models import Affiliation, ConsentEvent, Person
from minka.directory.tests.factories import OrganizationFactory, PersonFactory
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.importers.matching import match_attendees
from minka.meetings.minutes.importers.parsed import (
    ParsedAgreement,
    ParsedAttendee,
    ParsedMinutes,
    ParsedNextMeeting,
    ParsedPresentation,
)
from minka.meetings.minutes.importers.service import (
    minutes_import,
    series_find,
    series_get_or_create,
)
from minka.meetings.minutes.models import Minutes, MinutesRevision
from minka.meetings.models import AgendaItem, Attendance, Meeting, Series
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory

MODELS = (Meeting, AgendaItem, Attendance, Minutes, MinutesRevision, Series, Person, Affiliation)


def counts() -> list[int]:
    return [model.objects.count() for model in MODELS]


def sample(**changes: object) -> ParsedMinutes:
    parsed = ParsedMinutes(
        title="Primera reunión de trabajo",
        date=dt.date(2026, 3, 16),
        place="Lima",
        attendees=[
            ParsedAttendee(name="Rosa Quispe", organization="Organización A"),
            ParsedAttendee(name="Nueva Persona", organization="OB"),
        ],
        presentations=[
            ParsedPresentation(
                presenter="Sr. Alfredo Ejemplo",
                organization="Organización B",
                points=["Primera idea", "Segunda  idea"],
            )
        ],
        interventions=["La promoción del uso de internet.", "Metas en un plazo."],
        agreements=[
            ParsedAgreement(
                text="Compartir las presentaciones.",
                responsible="Organización A",
                due=dt.date(2026, 4, 1),
            ),
            ParsedAgreement(text="Crear un grupo de Telegram."),
        ],
        next_meeting=ParsedNextMeeting(
            text="La próxima reunión se realizará dentro de un mes.", date=dt.date(2026, 4, 16)
        ),
        notes=["Se tomó asistencia."],
        warnings=["No se encontró el lugar."],
    )
    for name, value in changes.items():
        setattr(parsed, name, value)
    return parsed


class MatchAttendeesTests(RoleTestCase):
    def test_names_match_regardless_of_accents_case_spaces_and_titles(self) -> None:
        """A name written without accents, in other case, with extra spaces or a courtesy
        title finds the directory record."""
        person = PersonFactory.create(full_name="José Ñahui Pérez")
        for written in ("jose nahui perez", "  JOSÉ   Ñahui  PÉREZ ", "Ing. José Ñahui Pérez"):
            with self.subTest(written=written):
                [match] = match_attendees([ParsedAttendee(name=written)])
                self.assertEqual(match.person, person)
                self.assertIs(match.ambiguous, False)

    def test_organizations_match_by_name_or_acronym(self) -> None:
        """The organization beside a name matches by name, by acronym, or written as
        "Name (ACRONYM)", ignoring case and accents."""
        organization = OrganizationFactory.create(name="Red Peruana de Conexión", acronym="RPC")
        for written in ("red peruana de conexion", "rpc", "Red Peruana de Conexión (RPC)"):
            with self.subTest(written=written):
                [match] = match_attendees([ParsedAttendee(name="X", organization=written)])
                self.assertEqual(match.organization, organization)
        [none] = match_attendees([ParsedAttendee(name="X", organization="Red Peruana")])
        self.assertIsNone(none.organization)

    def test_a_name_shared_by_two_records_is_ambiguous(self) -> None:
        """Two directory records with the same name: no person is chosen, the match says
        it is ambiguous."""
        PersonFactory.create(full_name="Ana Torres")
        PersonFactory.create(full_name="Ána  Tórres")
        [match] = match_attendees([ParsedAttendee(name="ana torres")])
        self.assertIsNone(match.person)
        self.assertIs(match.ambiguous, True)

    def test_unknown_and_anonymized_people_do_not_match(self) -> None:
        PersonFactory.create(full_name="Borrada Persona", status=Person.Status.ANONYMIZED)
        matches = match_attendees(
            [ParsedAttendee(name="Borrada Persona"), ParsedAttendee(name="Nadie Conocido")]
        )
        self.assertEqual([(m.person, m.ambiguous) for m in matches], [(None, False)] * 2)

    def test_the_number_of_queries_does_not_grow_with_the_attendees(self) -> None:
        """Matching 3 or 30 attendees costs the same queries."""
        for n in range(30):
            organization = OrganizationFactory.create(name=f"Colectivo {n}", acronym=f"C{n}")
            person = PersonFactory.create(full_name=f"Persona Número {n}")
            Affiliation.objects.create(person=person, organization=organization)

        def attendees(count: int) -> list[ParsedAttendee]:
            return [
                ParsedAttendee(name=f"persona numero {n}", organization=f"C{n}")
                for n in range(count)
            ]

        with self.assertNumQueries(2):
            few = match_attendees(attendees(3))
        with self.assertNumQueries(2):
            many = match_attendees(attendees(30))
        self.assertEqual(len([m for m in few if m.person and m.organization]), 3)
        self.assertEqual(len([m for m in many if m.person and m.organization]), 30)


@override_settings(LANGUAGE_CODE="en")
class ImportTests(RoleTestCase):
    def setUp(self) -> None:
        self.rosa = PersonFactory.create(full_name="Rosa Quispe")
        self.series = SeriesFactory.create(title="Reuniones de la red")

    def test_a_coordinator_imports_a_held_meeting_with_draft_minutes(self) -> None:
        """The meeting is held, dated from the minutes at 10:00–12:00 Lima time, numbered
        next in its series; the minutes are a draft whose first revision is an import."""
        MeetingFactory.create(series=self.series, number=4)
        meeting = minutes_import(
            actor=self.coord, parsed=sample(), series=self.series, source_name="acta.pdf"
        )
        self.assertEqual(meeting.status, Meeting.Status.HELD)
        self.assertEqual(meeting.number, 5)
        self.assertEqual(meeting.title, "Primera reunión de trabajo")
        self.assertEqual(meeting.place, "Lima")
        self.assertEqual(meeting.visibility, Visibility.MEMBERS)
        self.assertEqual(
            timezone.localtime(meeting.starts_at).isoformat(), "2026-03-16T10:00:00-05:00"
        )
        self.assertEqual(
            timezone.localtime(meeting.ends_at).isoformat(), "2026-03-16T12:00:00-05:00"
        )
        minutes = Minutes.objects.get(meeting=meeting)
        self.assertEqual(minutes.status, Minutes.Status.DRAFT)
        [revision] = minutes.revisions.all()
        self.assertEqual((revision.number, revision.kind), (1, MinutesRevision.Kind.IMPORT))
        self.assertEqual(revision.author, self.coord)
        self.assertEqual(minutes.current_revision, revision)
        audit = AuditEntry.objects.get(target_type="meetings.meeting", action="create")
        self.assertEqual(audit.actor, self.coord)
        self.assertEqual(audit.changes, {"imported_from": [None, "acta.pdf"]})

    def test_the_content_is_mapped_section_by_section(self) -> None:
        meeting = minutes_import(actor=self.coord, parsed=sample(), series=None)
        revision = Minutes.objects.get(meeting=meeting).current_revision
        assert revision is not None
        content = MinutesContent.from_json(revision.content)
        self.assertEqual(content.summary, "")
        [presentation] = content.presentations
        self.assertEqual(presentation.presenter, "Sr. Alfredo Ejemplo")
        self.assertEqual(presentation.organization, "Organización B")
        self.assertEqual(presentation.points, "- Primera idea\n- Segunda idea")
        self.assertEqual(
            [i.text for i in content.interventions],
            ["La promoción del uso de internet.", "Metas en un plazo."],
        )
        self.assertEqual(
            [(a.text, a.responsible, a.due_date) for a in content.agreements],
            [
                ("Compartir las presentaciones.", "Organización A", "2026-04-01"),
                ("Crear un grupo de Telegram.", "", ""),
            ],
        )
        self.assertEqual(len({a.key for a in content.agreements}), 2)
        self.assertEqual(content.next_meeting.starts_at, "2026-04-16T10:00-05:00")
        self.assertEqual(
            content.next_meeting.text, "La próxima reunión se realizará dentro de un mes."
        )
        self.assertEqual(content.notes, "- Se tomó asistencia.")
        self.assertNotIn("No se encontró el lugar.", str(revision.content))

    def test_a_next_meeting_with_a_time_keeps_it_and_one_without_a_date_is_text(self) -> None:
        timed = sample(
            next_meeting=ParsedNextMeeting(
                text="El 20 de abril a las 16:00.", date=dt.date(2026, 4, 20), time=dt.time(16)
            )
        )
        meeting = minutes_import(actor=self.coord, parsed=timed, series=None)
        revision = Minutes.objects.get(meeting=meeting).current_revision
        assert revision is not None
        self.assertEqual(revision.content["next_meeting"]["starts_at"], "2026-04-20T16:00-05:00")
        words = sample(next_meeting=ParsedNextMeeting(text="Por definir."))
        meeting = minutes_import(actor=self.coord, parsed=words, series=None)
        revision = Minutes.objects.get(meeting=meeting).current_revision
        assert revision is not None
        self.assertEqual(
            revision.content["next_meeting"], {"starts_at": "", "text": "Por definir."}
        )

    def test_without_an_agenda_each_presentation_becomes_an_item(self) -> None:
        """With no written agenda, one item per presentation names the presenter and links
        the presenter's organization when the directory knows it."""
        meeting = minutes_import(actor=self.coord, parsed=sample(), series=None)
        [item] = meeting.agenda_items.all()
        self.assertEqual(item.title, "Presentation: Sr. Alfredo Ejemplo")
        self.assertEqual(item.presenter_organization, self.org_b)
        self.assertIsNone(item.presenter)
        self.assertFalse(Person.objects.filter(full_name__contains="Alfredo").exists())

    def test_a_written_agenda_is_kept_in_order(self) -> None:
        parsed = sample(agenda=["Bienvenida", "  Informe   de avances ", "Varios"])
        meeting = minutes_import(actor=self.coord, parsed=parsed, series=None)
        self.assertEqual(
            list(meeting.agenda_items.values_list("position", "title")),
            [(1, "Bienvenida"), (2, "Informe de avances"), (3, "Varios")],
        )

    def test_without_a_title_the_meeting_is_named_after_its_date(self) -> None:
        meeting = minutes_import(actor=self.coord, parsed=sample(title=None), series=None)
        self.assertEqual(meeting.title, "Meeting of March 16, 2026")

    def test_matched_attendees_are_linked_and_unmatched_ones_kept_as_written(self) -> None:
        """Without confirmation nobody is added to the directory; the known attendee is
        recorded as present, for the organization written beside the name; the unknown
        one is recorded by the name and organization as written."""
        people = Person.objects.count()
        meeting = minutes_import(actor=self.coord, parsed=sample(), series=None)
        self.assertEqual(Person.objects.count(), people)
        linked, text = meeting.attendances.order_by("pk")
        self.assertEqual(linked.person, self.rosa)
        self.assertEqual(linked.organization, self.org_a)
        self.assertEqual(linked.source, Attendance.Source.RECORDED)
        self.assertEqual(linked.recorded_by, self.coord)
        self.assertIsNone(text.person)
        self.assertEqual((text.name_text, text.organization_text), ("Nueva Persona", "OB"))
        self.assertEqual(text.organization, self.org_b)

    def test_confirmed_new_people_are_created_pending_without_consent(self) -> None:
        """An unmatched attendee confirmed by index becomes a pending directory record,
        from the minutes, affiliated to the matched organization, with no consent at all."""
        meeting = minutes_import(
            actor=self.coord, parsed=sample(), series=None, create_people={0, 1}
        )
        person = Person.objects.get(full_name="Nueva Persona")
        self.assertEqual(person.status, Person.Status.PENDING)
        self.assertEqual(person.source, Person.Source.MINUTES)
        self.assertEqual(person.source_detail, meeting.title)
        self.assertEqual(person.created_by, self.coord)
        self.assertFalse(person.public_listing or person.members_listing)
        self.assertFalse(ConsentEvent.objects.filter(person=person).exists())
        self.assertEqual(
            list(person.affiliations.values_list("organization", flat=True)), [self.org_b.pk]
        )
        self.assertEqual(
            set(meeting.attendances.values_list("person", flat=True)), {self.rosa.pk, person.pk}
        )
        self.assertFalse(Person.objects.publicly_listed().filter(pk=person.pk).exists())

    def test_a_name_written_twice_is_one_person_and_one_attendance(self) -> None:
        parsed = sample(
            attendees=[
                ParsedAttendee(name="Nueva Persona"),
                ParsedAttendee(name="nueva  persona"),
                ParsedAttendee(name="Rosa Quispe"),
                ParsedAttendee(name="ROSA QUISPE"),
            ]
        )
        meeting = minutes_import(actor=self.coord, parsed=parsed, series=None, create_people={0, 1})
        self.assertEqual(Person.objects.filter(full_name__iexact="nueva persona").count(), 1)
        self.assertEqual(meeting.attendances.count(), 2)

    def test_a_missing_date_is_refused_and_nothing_is_saved(self) -> None:
        before = counts()
        with self.assertRaisesMessage(ValidationError, "do not say on which date"):
            minutes_import(
                actor=self.coord, parsed=sample(date=None), series=self.series, create_people={1}
            )
        self.assertEqual(counts(), before)

    def test_a_date_in_the_future_is_refused(self) -> None:
        future = timezone.localdate() + dt.timedelta(days=3)
        with self.assertRaisesMessage(ValidationError, "in the future"):
            minutes_import(actor=self.coord, parsed=sample(date=future), series=None)
        self.assertFalse(Meeting.objects.exists())

    def test_a_failure_after_the_first_writes_leaves_nothing(self) -> None:
        """Content beyond the bounds is found after the meeting and the people were
        written: the whole import is undone."""
        before = counts()
        with self.assertRaises(ValidationError):
            minutes_import(
                actor=self.coord,
                parsed=sample(interventions=["x"] * 201),
                series=self.series,
                create_people={1},
            )
        self.assertEqual(counts(), before)

    def test_ambiguous_or_unknown_attendees_cannot_be_created(self) -> None:
        PersonFactory.create(full_name="Rosa Quispe")
        with self.assertRaisesMessage(ValidationError, "matches several people"):
            minutes_import(actor=self.coord, parsed=sample(), series=None, create_people={0})
        with self.assertRaisesMessage(ValidationError, "no attendee number 9"):
            minutes_import(actor=self.coord, parsed=sample(), series=None, create_people={8})
        self.assertFalse(Meeting.objects.exists())

    def test_members_registered_and_anonymous_users_are_refused(self) -> None:
        before = counts()
        for actor in (self.mem_a, self.reg, AnonymousUser()):
            with self.subTest(actor=str(actor)), self.assertRaises(PermissionDenied):
                minutes_import(actor=actor, parsed=sample(), series=None)  # type: ignore[arg-type]
        self.assertEqual(counts(), before)

    def test_coordinators_admins_and_the_system_may_import(self) -> None:
        for actor in (self.coord, self.admin, None):
            with self.subTest(actor=str(actor)):
                meeting = minutes_import(
                    actor=actor, parsed=sample(), series=self.series, create_people={1}
                )
                self.assertEqual(meeting.created_by, actor)
                revision = Minutes.objects.get(meeting=meeting).current_revision
                assert revision is not None
                self.assertEqual(revision.author, actor)
        self.assertEqual(
            list(Meeting.objects.order_by("number").values_list("number", flat=True)), [1, 2, 3]
        )
        # The first import created the person; later ones match it.
        self.assertEqual(Person.objects.filter(full_name="Nueva Persona").count(), 1)

    def test_the_system_creates_people_the_same_way(self) -> None:
        minutes_import(actor=None, parsed=sample(), series=None, create_people={1})
        person = Person.objects.get(full_name="Nueva Persona")
        self.assertEqual((person.status, person.created_by), (Person.Status.PENDING, None))
        self.assertEqual(person.affiliations.get().organization, self.org_b)
        self.assertTrue(
            AuditEntry.objects.filter(
                target_type="directory.person", target_id=str(person.pk), actor=None
            ).exists()
        )


class SeriesTests(RoleTestCase):
    def test_a_series_is_found_by_title_or_slug_ignoring_case_and_accents(self) -> None:
        series = SeriesFactory.create(title="Desarrollo de las TIC en el Perú", slug="tic-peru")
        for name in ("desarrollo de las tic en el peru", "TIC-PERU", " Tic Perú "):
            with self.subTest(name=name):
                self.assertEqual(series_find(name), series)
        self.assertEqual(series_get_or_create(actor=None, name="TIC PERU"), (series, False))

    def test_a_missing_series_is_created_once(self) -> None:
        series, created = series_get_or_create(actor=self.coord, name="Mesa de  Conectividad")
        self.assertIs(created, True)
        self.assertEqual(
            (series.title, series.slug), ("Mesa de Conectividad", "mesa-de-conectividad")
        )
        self.assertEqual(
            series_get_or_create(actor=self.coord, name="mesa de conectividad"), (series, False)
        )
        with self.assertRaises(PermissionDenied):
            series_get_or_create(actor=self.mem_a, name="Otra")
        self.assertEqual(Series.objects.count(), 1)
