"""From approved minutes to commitments: once per agreement, whatever happens to the minutes
afterwards (publication, errata, approving again, a second import of the same minutes);
owners and due dates from the agreement's "Responsable" and "Plazo"; what does not match is
proposed to the coordinator; the agreement and the commitment link to each other."""

from __future__ import annotations

import datetime as dt
import threading
import unittest
from typing import Any

from django.db import close_old_connections, connection
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.accounts.tests.factories import UserFactory
from minka.agreements import conversion
from minka.agreements.models import Commitment
from minka.core.tests.base import RoleTestCase, add_totp
from minka.core.visibility import Visibility
from minka.directory.tests.factories import OrganizationFactory, PersonFactory
from minka.meetings.minutes import services as minutes_services
from minka.meetings.minutes.content import Agreement, MinutesContent
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory


def content(*agreements: Agreement) -> MinutesContent:
    return MinutesContent(summary="Resumen", agreements=list(agreements))


TWO = (
    Agreement(
        text="Enviar el informe de conectividad al ministerio.",
        responsible="OA",
        due_date="2030-01-31",
        key="aaaaaaaaaaa1",
    ),
    Agreement(
        text="Organizar el taller de ciberseguridad.",
        responsible="Comité de Eventos de la Red",
        key="aaaaaaaaaaa2",
    ),
)


class ConversionTests(RoleTestCase):
    def approved(self, *agreements: Agreement, **meeting: Any) -> Minutes:
        return minutes_in("approved", actor=self.coord, content=content(*agreements), **meeting)

    def test_approval_makes_one_commitment_per_agreement_with_owner_and_due_date(self) -> None:
        minutes = self.approved(*TWO)
        first, second = Commitment.objects.filter(minutes=minutes).order_by("pk")
        self.assertEqual(first.title, "Enviar el informe de conectividad al ministerio.")
        self.assertEqual(list(first.responsible_organizations.all()), [self.org_a])
        self.assertEqual(first.due_date, dt.date(2030, 1, 31))
        self.assertEqual((first.meeting, first.agreement_key), (minutes.meeting, "aaaaaaaaaaa1"))
        # Nobody in the directory is "Comité de Eventos de la Red": kept as written.
        self.assertEqual(list(second.responsible_organizations.all()), [])
        self.assertEqual(second.responsible_text, "Comité de Eventos de la Red")
        self.assertIsNone(second.due_date)
        # Approved minutes are read by members: so are their commitments, until published.
        self.assertEqual({first.visibility, second.visibility}, {Visibility.MEMBERS})

    def test_drafts_and_minutes_in_review_make_none(self) -> None:
        for state in ("draft", "review"):
            minutes_in(state, actor=self.coord, content=content(*TWO))
        self.assertEqual(Commitment.objects.count(), 0)

    def test_publication_erratum_and_approval_again_never_duplicate(self) -> None:
        minutes = self.approved(*TWO)
        minutes_services.minutes_publish(
            actor=self.coord, minutes=minutes, visibility=Visibility.PUBLIC
        )
        self.assertEqual(
            set(Commitment.objects.values_list("visibility", flat=True)), {Visibility.PUBLIC}
        )
        revised = content(
            Agreement(text="Enviar el informe corregido.", responsible="OA", key=TWO[0].key),
            TWO[1],
            # Retyped with a new key in the erratum: still the same agreement.
            Agreement(text="Organizar el  taller de Ciberseguridad"),
            Agreement(text="Publicar la guía.", key="aaaaaaaaaaa3"),
        )
        minutes_services.minutes_erratum(
            actor=self.coord,
            minutes=minutes,
            content=revised,
            reason="Faltaba un acuerdo",
            base_revision=minutes_services.current_number(minutes),
        )
        conversion.commitments_from_minutes(minutes)  # the hook again, as a second approval
        titles = sorted(Commitment.objects.values_list("title", flat=True))
        self.assertEqual(
            titles,
            [
                "Enviar el informe de conectividad al ministerio.",  # left as it was
                "Organizar el taller de ciberseguridad.",
                "Publicar la guía.",
            ],
        )
        self.assertEqual(Commitment.objects.get(title="Publicar la guía.").visibility, "public")

    def test_the_same_minutes_imported_again_for_the_same_day_are_not_converted_twice(
        self,
    ) -> None:
        series = SeriesFactory.create()
        start = timezone.localtime().replace(hour=10, minute=0) - dt.timedelta(days=3)
        hour = dt.timedelta(hours=1)
        self.approved(*TWO, series=series, starts_at=start, ends_at=start + hour)
        copy = (
            Agreement(text=TWO[0].text, key="bbbbbbbbbbb1"),
            Agreement(text=TWO[1].text, key="bbbbbbbbbbb2"),
        )
        again = start.replace(hour=16)
        self.approved(*copy, series=series, starts_at=again, ends_at=again + hour)
        self.assertEqual(Commitment.objects.count(), 2)
        # Another day, the same words are another agreement.
        later = start + dt.timedelta(days=30)
        self.approved(*copy, series=series, starts_at=later, ends_at=later + hour)
        self.assertEqual(Commitment.objects.count(), 4)

    def test_owners_match_acronyms_names_and_people_regardless_of_accents(self) -> None:
        ministry = OrganizationFactory.create(
            name="Ministerio de Transportes y Comunicaciones", acronym="MTC"
        )
        person = PersonFactory.create(full_name="Rosa Quispe Mamaní")
        owners = conversion.owners_match("MTC y rosa quispe mamani, con la organizacion a.")
        self.assertEqual(set(owners.organizations), {ministry, self.org_a})
        self.assertEqual(owners.people, [person])
        # An acronym only counts as a word in capitals: "mtc" in a sentence, or "OAX", is not.
        self.assertEqual(conversion.owners_match("la mtc OAX").organizations, [])
        self.assertFalse(conversion.owners_match("").matched)

    def test_anonymized_people_are_never_matched(self) -> None:
        PersonFactory.create(full_name="Persona Borrada Canaria", status="anonymized")
        self.assertEqual(conversion.owners_match("Persona Borrada Canaria").people, [])


@override_settings(LANGUAGE_CODE="en")
class ApprovalPageTests(RoleTestCase):
    """The coordinator sees on the minutes' page, before approving, what approval will make
    of each agreement; after, each agreement links to its commitment and back."""

    def test_the_review_page_proposes_owners_and_flags_what_does_not_match(self) -> None:
        minutes = minutes_in("review", actor=self.coord, content=content(*TWO))
        url = reverse("meetings:minutes-detail", args=[minutes.meeting.public_id])
        page = self.as_("coord").get(url)
        self.assertContains(page, "What approval will create")
        self.assertContains(page, "OA")
        self.assertContains(page, "No match")
        self.assertContains(page, "Comité de Eventos de la Red")
        # Members reading the minutes in review do not get the coordinator's proposal.
        self.assertNotContains(self.as_("mem_a").get(url), "What approval will create")

    def test_after_approval_agreements_and_commitments_link_to_each_other(self) -> None:
        minutes = minutes_in("approved", actor=self.coord, content=content(*TWO))
        url = reverse("meetings:minutes-detail", args=[minutes.meeting.public_id])
        page = self.as_("mem_a").get(url)
        for commitment in Commitment.objects.filter(minutes=minutes):
            self.assertContains(page, commitment.get_absolute_url())
            detail = self.as_("mem_a").get(commitment.get_absolute_url())
            self.assertContains(detail, f"{url}#acuerdo-{commitment.agreement_key}")
        # The unmatched owner is proposed for assignment to coordinators only.
        self.assertContains(self.as_("coord").get(url), "No owner in the directory yet")
        self.assertNotContains(page, ">Assign<")
        self.assertContains(self.as_("coord").get(url), ">Assign<")

    def test_visitors_see_neither_until_the_minutes_are_published(self) -> None:
        minutes = minutes_in("approved", actor=self.coord, content=content(*TWO))
        commitment = Commitment.objects.filter(minutes=minutes).first()
        assert commitment is not None
        self.assertEqual(self.as_("anon").get(commitment.get_absolute_url()).status_code, 404)
        self.assertEqual(self.as_("reg").get(commitment.get_absolute_url()).status_code, 404)
        minutes_services.minutes_publish(
            actor=self.coord, minutes=minutes, visibility=Visibility.PUBLIC
        )
        self.assertEqual(self.as_("anon").get(commitment.get_absolute_url()).status_code, 200)


@unittest.skipUnless(connection.vendor == "postgresql", "row locks: the PostgreSQL stage")
class ConcurrentConversionTests(TransactionTestCase):
    """Two approvals at the same moment (two connections, each in its transaction) make one
    commitment per agreement: the unique constraint settles it."""

    def test_two_simultaneous_conversions_create_each_commitment_once(self) -> None:
        coordinator = UserFactory.create(role="coordinator")
        add_totp(coordinator)
        meeting = MeetingFactory.create()
        minutes = minutes_in("approved", actor=coordinator, meeting=meeting, content=content())
        # The agreements arrive with an erratum, converted by two callers at once.
        Commitment.objects.all().delete()
        minutes_services.minutes_erratum(
            actor=coordinator,
            minutes=minutes,
            content=content(*TWO),
            reason="Faltaban los acuerdos",
            base_revision=minutes_services.current_number(minutes),
        )
        Commitment.objects.all().delete()
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def convert() -> None:
            try:
                from django.db import transaction

                with transaction.atomic():
                    barrier.wait(timeout=10)
                    conversion.commitments_from_minutes(Minutes.objects.get(pk=minutes.pk))
            except BaseException as error:
                errors.append(error)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=convert) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual(
            sorted(Commitment.objects.values_list("agreement_key", flat=True)),
            ["aaaaaaaaaaa1", "aaaaaaaaaaa2"],
        )
