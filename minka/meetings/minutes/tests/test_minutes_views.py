"""The minutes pages for every role: reading in each state, editing (and the edit conflict),
the cycle's actions, observations, revisions, comparisons and errata."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.tests.factories import PersonFactory
from minka.meetings.minutes import services
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.models import Minutes, Observation
from minka.meetings.minutes.tests.factories import minutes_in, sample_content
from minka.meetings.minutes.views import minutes_panel
from minka.meetings.models import Attendance
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.meetings.models import Meeting


def editor_data(content: MinutesContent, base: int | str, **extra: Any) -> dict[str, Any]:
    """The POST data of the editor for ``content`` (what a browser would send)."""
    data: dict[str, Any] = {
        "base_revision": base,
        "summary": content.summary,
        "notes": content.notes,
        "next_meeting_text": content.next_meeting.text,
        "next_meeting_date": "",
        "next_meeting_time": "",
    }
    sections: dict[str, list[dict[str, Any]]] = {
        "presentations": [
            {"title": p.title, "presenter": p.presenter, "organization": p.organization,
             "points": p.points, "documents": p.documents}
            for p in content.presentations
        ],
        "interventions": [
            {"topic": i.topic, "speaker": i.speaker, "text": i.text} for i in content.interventions
        ],
        "agreements": [
            {"text": a.text, "responsible": a.responsible, "due_date": a.due_date, "key": a.key}
            for a in content.agreements
        ],
    }  # fmt: skip
    for prefix, rows in sections.items():
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = value
    data.update(extra)
    return data


def url(name: str, minutes: Minutes) -> str:
    return reverse(f"meetings:{name}", args=[minutes.meeting.public_id])


@override_settings(LANGUAGE_CODE="en")
class ReadingTests(RoleTestCase):
    """Who reads the minutes in each state (404 for everyone else)."""

    EXPECTED = {
        # anon, reg, mem_a, mem_b, coord, admin
        "draft": (404, 404, 404, 404, 200, 200),
        "review": (404, 404, 200, 200, 200, 200),
        "approved": (404, 404, 200, 200, 200, 200),
        "published": (200, 200, 200, 200, 200, 200),
        "published-members": (404, 404, 200, 200, 200, 200),
    }

    def test_each_state_for_each_role(self) -> None:
        for state, expected in self.EXPECTED.items():
            minutes = minutes_in(state, actor=self.coord)
            for persona, status in zip(
                ("anon", "reg", "mem_a", "mem_b", "coord", "admin"), expected, strict=True
            ):
                with self.subTest(state=state, persona=persona):
                    response = self.as_(persona).get(url("minutes-detail", minutes))
                    self.assertEqual(response.status_code, status)
                    if status == 200:
                        self.assertContains(response, "Enviar el informe")

    def test_an_attendee_who_is_not_a_member_reads_minutes_in_review(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        person = PersonFactory.create(user=self.reg)
        Attendance.objects.create(meeting=minutes.meeting, person=person, source="recorded")
        self.assertEqual(self.as_("reg").get(url("minutes-detail", minutes)).status_code, 200)

    def test_minutes_of_a_members_only_meeting_stay_hidden_from_the_public(self) -> None:
        minutes = minutes_in("published", actor=self.coord, visibility=Visibility.MEMBERS)
        self.assertEqual(self.as_("anon").get(url("minutes-detail", minutes)).status_code, 404)
        self.assertEqual(self.as_("mem_a").get(url("minutes-detail", minutes)).status_code, 200)

    def test_agreements_are_a_numbered_list_with_responsible_and_due_date(self) -> None:
        minutes = minutes_in("published", actor=self.coord)
        response = self.as_("anon").get(url("minutes-detail", minutes))
        self.assertContains(response, '<ol class="minutes-agreements">')
        self.assertContains(response, "Responsible:")
        self.assertContains(response, 'id="acuerdo-a1b2c3d4e5f6"')

    def test_approver_is_named_to_members_only(self) -> None:
        minutes = minutes_in("published", actor=self.coord)
        self.assertContains(self.as_("mem_a").get(url("minutes-detail", minutes)), "Coordinación")
        self.assertNotContains(self.as_("anon").get(url("minutes-detail", minutes)), "Coordinación")

    def test_coordinator_actions_are_shown_only_to_coordinators(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        self.assertContains(
            self.as_("coord").get(url("minutes-detail", minutes)), url("minutes-approve", minutes)
        )
        self.assertNotContains(
            self.as_("mem_a").get(url("minutes-detail", minutes)), url("minutes-approve", minutes)
        )


@override_settings(LANGUAGE_CODE="en")
class PanelTests(RoleTestCase):
    def panel(self, persona: str, meeting: Meeting) -> str:
        request = RequestFactory().get("/")
        request.user = getattr(self, persona) if persona != "anon" else AnonymousUser()
        context = {"meeting": meeting, **minutes_panel(request, meeting)}
        return render_to_string("meetings/partials/meeting_minutes.html", context, request=request)

    def test_coordinators_get_a_button_to_write_the_minutes(self) -> None:
        meeting = MeetingFactory.create()
        self.assertIn(
            reverse("meetings:minutes-create", args=[meeting.public_id]),
            self.panel("coord", meeting),
        )
        self.assertNotIn("minutes-create", self.panel("mem_a", meeting))
        self.assertNotIn(str(meeting.public_id) + "/acta/crear", self.panel("mem_a", meeting))

    def test_the_link_shows_only_when_the_minutes_are_readable(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        link = url("minutes-detail", minutes)
        self.assertIn(link, self.panel("coord", minutes.meeting))
        self.assertNotIn(link, self.panel("mem_a", minutes.meeting))
        self.assertNotIn("Draft", self.panel("anon", minutes.meeting))


@override_settings(LANGUAGE_CODE="en")
class CreateAndEditTests(RoleTestCase):
    def test_coordinator_creates_and_is_sent_to_the_editor(self) -> None:
        meeting = MeetingFactory.create()
        create = reverse("meetings:minutes-create", args=[meeting.public_id])
        response = self.as_("coord").post(create)
        self.assertRedirects(response, reverse("meetings:minutes-edit", args=[meeting.public_id]))
        again = self.as_("coord").post(create)
        self.assertEqual(again.status_code, 302)
        self.assertEqual(Minutes.objects.filter(meeting=meeting).count(), 1)

    def test_others_cannot_create(self) -> None:
        meeting = MeetingFactory.create()
        create = reverse("meetings:minutes-create", args=[meeting.public_id])
        self.assertEqual(self.as_("anon").post(create).status_code, 302)
        for persona in ("reg", "mem_a"):
            self.assertEqual(self.as_(persona).post(create).status_code, 403)
        self.assertEqual(self.as_("coord").get(create).status_code, 405)
        self.assertFalse(Minutes.objects.exists())

    def test_edit_page_shows_the_content_and_saving_adds_a_revision(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        client = self.as_("coord")
        page = client.get(url("minutes-edit", minutes))
        self.assertContains(page, "Enviar el informe")
        self.assertContains(page, 'name="agreements-0-key" value="a1b2c3d4e5f6"')
        content = sample_content()
        content.summary = "Resumen nuevo"
        response = client.post(url("minutes-edit", minutes), editor_data(content, 2))
        self.assertRedirects(
            response, url("minutes-detail", minutes), fetch_redirect_response=False
        )
        minutes.refresh_from_db()
        self.assertEqual(minutes.current_revision.number, 3)  # type: ignore[union-attr]
        saved = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertEqual(saved.summary, "Resumen nuevo")
        self.assertEqual(saved.agreements[0].key, "a1b2c3d4e5f6")

    def test_saving_unchanged_content_adds_no_revision(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        self.as_("coord").post(url("minutes-edit", minutes), editor_data(sample_content(), 2))
        self.assertEqual(minutes.revisions.count(), 2)

    def test_rows_are_added_and_removed_in_the_order_shown(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        content = sample_content()
        data = editor_data(content, 2)
        data.update({
            "agreements-TOTAL_FORMS": 3,
            "agreements-1-text": "Segundo acuerdo",
            "agreements-2-text": "",
            "interventions-0-DELETE": "on",
        })  # fmt: skip
        response = self.as_("coord").post(url("minutes-edit", minutes), data)
        self.assertEqual(response.status_code, 302)
        minutes.refresh_from_db()
        saved = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertEqual(
            [a.text for a in saved.agreements], ["Enviar el informe", "Segundo acuerdo"]
        )
        self.assertEqual(saved.interventions, [])
        self.assertRegex(saved.agreements[1].key, r"^[0-9a-f]{12}$")

    def test_next_meeting_date_and_time_are_stored_in_lima(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        data = editor_data(
            sample_content(), 2, next_meeting_date="2031-03-05", next_meeting_time="10:30"
        )
        self.as_("coord").post(url("minutes-edit", minutes), data)
        minutes.refresh_from_db()
        saved = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertEqual(saved.next_meeting.starts_at, "2031-03-05T10:30-05:00")

    def test_bad_input_is_refused_with_a_message_and_nothing_changes(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        client = self.as_("coord")
        cases = [
            {},  # no management form
            editor_data(sample_content(), 2, next_meeting_date="2031-03-05"),  # no time
            editor_data(
                sample_content(), 2, **{"agreements-0-text": "", "agreements-0-responsible": "OA"}
            ),
            editor_data(sample_content(), 2, summary="x" * 20_001),
            editor_data(sample_content(), 2, **{"agreements-0-due_date": "mañana"}),
            editor_data(sample_content(), 2, **{"presentations-0-documents": ["not-a-document"]}),
            editor_data(sample_content(), "dos"),
        ]
        for data in cases:
            response = client.post(url("minutes-edit", minutes), data)
            self.assertEqual(response.status_code, 400, data)
            self.assertContains(response, "There is a problem", status_code=400)
        self.assertEqual(minutes.revisions.count(), 2)

    def test_others_cannot_edit(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        self.assertEqual(self.as_("anon").get(url("minutes-edit", minutes)).status_code, 302)
        for persona in ("reg", "mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).get(url("minutes-edit", minutes)).status_code, 403)
            response = self.as_(persona).post(
                url("minutes-edit", minutes), editor_data(MinutesContent(), 2)
            )
            self.assertEqual(response.status_code, 403)
        self.assertEqual(minutes.revisions.count(), 2)

    def test_editing_approved_minutes_leads_to_the_erratum(self) -> None:
        minutes = minutes_in("approved", actor=self.coord)
        response = self.as_("coord").get(url("minutes-edit", minutes))
        self.assertRedirects(response, url("minutes-erratum", minutes))
        post = self.as_("coord").post(
            url("minutes-edit", minutes), editor_data(MinutesContent(summary="x"), 2)
        )
        self.assertEqual(post.status_code, 400)


@override_settings(LANGUAGE_CODE="en")
class ConflictTests(RoleTestCase):
    def test_the_second_save_is_refused_and_keeps_its_text(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        first, second = self.as_("coord"), self.as_("admin")
        self.assertEqual(first.get(url("minutes-edit", minutes)).status_code, 200)
        self.assertEqual(second.get(url("minutes-edit", minutes)).status_code, 200)
        mine = sample_content()
        mine.summary = "Texto de la primera persona"
        theirs = sample_content()
        theirs.summary = "Texto <b>de la segunda</b> persona"
        self.assertEqual(
            first.post(url("minutes-edit", minutes), editor_data(mine, 2)).status_code, 302
        )
        response = second.post(url("minutes-edit", minutes), editor_data(theirs, 2))
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Someone else saved the minutes", status_code=409)
        # Their text is still in the form (escaped), and compared with the saved one.
        self.assertContains(
            response, "Texto &lt;b&gt;de la segunda&lt;/b&gt; persona", status_code=409
        )
        self.assertNotContains(response, "<b>de la segunda</b>", status_code=409)
        self.assertContains(response, "<ins>", status_code=409)
        self.assertContains(response, "?a=2&amp;b=3", status_code=409)
        self.assertContains(response, 'name="base_revision" value="3"', status_code=409)
        minutes.refresh_from_db()
        saved = MinutesContent.from_json(minutes.current_revision.content)  # type: ignore[union-attr]
        self.assertEqual(saved.summary, "Texto de la primera persona")
        # Saving again, knowingly, from the new base works.
        again = second.post(url("minutes-edit", minutes), editor_data(theirs, 3))
        self.assertEqual(again.status_code, 302)


@override_settings(LANGUAGE_CODE="en")
class CycleViewTests(RoleTestCase):
    def deadline(self, days: int = 5) -> str:
        return (timezone.localdate() + timedelta(days=days)).isoformat()

    def test_open_review_approve_publish(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        client = self.as_("coord")
        response = client.post(url("minutes-review", minutes), {"deadline": self.deadline()})
        self.assertRedirects(
            response, url("minutes-detail", minutes), fetch_redirect_response=False
        )
        response = client.post(url("minutes-approve", minutes), {"confirm": "on"})
        self.assertEqual(response.status_code, 302)
        response = client.post(url("minutes-publish", minutes), {"visibility": "members"})
        self.assertEqual(response.status_code, 302)
        minutes.refresh_from_db()
        self.assertEqual((minutes.status, minutes.visibility), ("published", "members"))
        self.assertEqual(self.as_("anon").get(url("minutes-detail", minutes)).status_code, 404)

    def test_withdraw(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        self.assertEqual(self.as_("coord").post(url("minutes-withdraw", minutes)).status_code, 302)
        self.assertEqual(Minutes.objects.get(pk=minutes.pk).status, "draft")
        self.assertEqual(self.as_("mem_a").get(url("minutes-detail", minutes)).status_code, 404)

    def test_wrong_state_and_bad_input_answer_400_with_a_message(self) -> None:
        draft = minutes_in("draft", actor=self.coord)
        client = self.as_("coord")
        for name, data in (
            ("minutes-approve", {"confirm": "on"}),
            ("minutes-withdraw", {}),
            ("minutes-publish", {"visibility": "public"}),
            ("minutes-review", {"deadline": self.deadline(-1)}),
            ("minutes-review", {"deadline": "pronto"}),
        ):
            response = client.post(url(name, draft), data)
            self.assertEqual(response.status_code, 400, name)
            self.assertContains(response, "There is a problem", status_code=400)
        approved = minutes_in("approved", actor=self.coord)
        response = client.post(url("minutes-publish", approved), {"visibility": "coordinators"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Minutes.objects.get(pk=draft.pk).status, "draft")
        self.assertEqual(Minutes.objects.get(pk=approved.pk).status, "approved")

    def test_members_cannot_run_the_cycle(self) -> None:
        review = minutes_in("review", actor=self.coord)
        for name in ("minutes-approve", "minutes-withdraw", "minutes-publish", "minutes-review"):
            self.assertEqual(self.as_("anon").post(url(name, review)).status_code, 302)
            for persona in ("reg", "mem_a", "mem_b"):
                self.assertEqual(self.as_(persona).post(url(name, review)).status_code, 403)
        self.assertEqual(Minutes.objects.get(pk=review.pk).status, "review")


@override_settings(LANGUAGE_CODE="en")
class ErratumViewTests(RoleTestCase):
    def test_an_erratum_needs_a_reason_and_shows_on_the_page(self) -> None:
        minutes = minutes_in("published", actor=self.coord)
        client = self.as_("coord")
        self.assertContains(client.get(url("minutes-erratum", minutes)), "Reason for the erratum")
        content = sample_content()
        content.summary = "Resumen corregido"
        refused = client.post(url("minutes-erratum", minutes), editor_data(content, 2, reason=""))
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(minutes.revisions.count(), 2)
        done = client.post(
            url("minutes-erratum", minutes), editor_data(content, 2, reason="La fecha era otra")
        )
        self.assertEqual(done.status_code, 302)
        page = self.as_("anon").get(url("minutes-detail", minutes))
        self.assertContains(page, "La fecha era otra")
        self.assertContains(page, "Resumen corregido")
        self.assertContains(page, "?a=2&amp;b=3")
        self.assertEqual(
            self.as_("anon").get(url("minutes-compare", minutes) + "?a=2&b=3").status_code, 200
        )

    def test_no_erratum_before_approval_nor_by_members(self) -> None:
        review = minutes_in("review", actor=self.coord)
        self.assertEqual(self.as_("coord").get(url("minutes-erratum", review)).status_code, 403)
        published = minutes_in("published", actor=self.coord)
        self.assertEqual(self.as_("mem_a").get(url("minutes-erratum", published)).status_code, 403)


@override_settings(LANGUAGE_CODE="en")
class ObservationViewTests(RoleTestCase):
    def test_members_add_observations_others_see_them(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        response = self.as_("mem_a").post(
            url("minutes-observation-add", minutes),
            {"section": "agreements", "text": "Falta plazo"},
        )
        self.assertEqual(response.status_code, 302)
        for persona in ("mem_b", "coord"):
            self.assertContains(
                self.as_(persona).get(url("minutes-detail", minutes)), "Falta plazo"
            )

    def test_observations_are_not_shown_to_the_public_after_publication(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        services.observation_add(
            actor=self.mem_a, minutes=minutes, section="summary", text="Nota interna"
        )
        services.minutes_approve(actor=self.coord, minutes=minutes)
        services.minutes_publish(actor=self.coord, minutes=minutes, visibility="public")
        self.assertNotContains(self.as_("anon").get(url("minutes-detail", minutes)), "Nota interna")
        self.assertNotContains(self.as_("reg").get(url("minutes-detail", minutes)), "Nota interna")
        self.assertContains(self.as_("mem_b").get(url("minutes-detail", minutes)), "Nota interna")

    def test_refusals(self) -> None:
        review = minutes_in("review", actor=self.coord)
        add = url("minutes-observation-add", review)
        self.assertEqual(
            self.as_("anon").post(add, {"section": "summary", "text": "x"}).status_code, 302
        )
        self.assertEqual(
            self.as_("reg").post(add, {"section": "summary", "text": "x"}).status_code, 404
        )
        self.assertEqual(
            self.as_("mem_a").post(add, {"section": "nope", "text": "x"}).status_code, 400
        )
        self.assertEqual(
            self.as_("mem_a").post(add, {"section": "summary", "text": ""}).status_code, 400
        )
        approved = minutes_in("approved", actor=self.coord)
        closed = self.as_("mem_a").post(
            url("minutes-observation-add", approved), {"section": "summary", "text": "x"}
        )
        self.assertContains(closed, "only while the minutes are in review", status_code=400)
        published = minutes_in("published", actor=self.coord)
        self.assertEqual(
            self.as_("reg")
            .post(url("minutes-observation-add", published), {"section": "summary", "text": "x"})
            .status_code,
            403,
        )
        self.assertEqual(Observation.objects.count(), 0)


@override_settings(LANGUAGE_CODE="en")
class RevisionTests(RoleTestCase):
    def test_members_see_only_revisions_shared_since_the_review(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        coord_numbers = self.as_("coord").get(url("minutes-revisions", minutes)).context["numbers"]
        member_numbers = self.as_("mem_a").get(url("minutes-revisions", minutes)).context["numbers"]
        self.assertEqual(coord_numbers, [2, 1])
        self.assertEqual(member_numbers, [2])
        compare = url("minutes-compare", minutes) + "?a=1&b=2"
        self.assertEqual(self.as_("coord").get(compare).status_code, 200)
        self.assertEqual(self.as_("mem_a").get(compare).status_code, 404)

    def test_compare_any_two_revisions(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        for summary in ("uno dos tres", "uno DOS tres"):
            content = sample_content()
            content.summary = summary
            services.minutes_save(
                actor=self.coord,
                minutes=minutes,
                content=content,
                base_revision=services.current_number(Minutes.objects.get(pk=minutes.pk)),
            )
        client = self.as_("coord")
        response = client.get(url("minutes-compare", minutes), {"a": 3, "b": 4})
        self.assertContains(response, "<del>dos</del>")
        self.assertContains(response, "<ins>DOS</ins>")
        response = client.get(url("minutes-compare", minutes), {"a": 4, "b": 1})
        self.assertEqual(response.status_code, 200)

    def test_bad_or_unknown_revisions(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        client = self.as_("coord")
        self.assertEqual(client.get(url("minutes-compare", minutes)).status_code, 400)
        self.assertEqual(
            client.get(url("minutes-compare", minutes), {"a": "x", "b": "1"}).status_code, 400
        )
        self.assertEqual(
            client.get(url("minutes-compare", minutes), {"a": 1, "b": 99}).status_code, 404
        )
