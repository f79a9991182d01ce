"""Meetings in a browser: the whole monthly cycle of issue 5, page by page.

A coordinator schedules a meeting of a monthly series, adds an agenda item, invites an
organization, records attendance, writes the minutes and opens them for review; a member
(in a second browser) answers the invitation and adds an observation; the coordinator
approves and publishes the minutes, downloads the PDF and schedules the next meeting, which
the form proposes one month later. A second test answers an invitation and sends an
observation with JavaScript disabled.

Elements are found by form action, field name and link address, not by their text: the
interface is in Spanish and its wording may change.
"""

# pytest asserts; the per-file ignore of "**/tests/**" does not reach this folder.

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.browser_tests.conftest import sign_in_context
from minka.core.tests.base import add_totp
from minka.core.visibility import Visibility
from minka.directory.tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.models import (
    AgendaItem,
    Attendance,
    Invitee,
    Meeting,
    Minutes,
    MinutesRevision,
    Observation,
    Rsvp,
    Section,
)
from minka.meetings.services.meetings import add_months
from minka.meetings.tests.factories import MeetingFactory, SeriesFactory
from minka.notifications.delivery import outbox_deliver

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Locator, Page
    from pytest_django.live_server_helper import LiveServer

    from minka.directory.models import Person


def _url(name: str, meeting: Meeting, **kwargs: object) -> str:
    return reverse(f"meetings:{name}", kwargs={"public_id": meeting.public_id, **kwargs})


def _form(page: Page, action: str) -> Locator:
    """The form of the page that posts to ``action`` (an anchor after it is allowed)."""
    return page.locator(f"main form[action='{action}'], main form[action^='{action}#']")


def _send(page: Page, action: str) -> None:
    """Click the submit button of the form posting to ``action`` and wait for the answer."""
    with page.expect_navigation():
        _form(page, action).locator("button[type=submit]").first.click()


def _member_with_person(organization_name: str) -> tuple[User, Person]:
    """A member whose directory record belongs to a new organization (with an email)."""
    user = MembershipFactory.create(user__full_name="Miembro Revisora").user
    person = PersonFactory.create(full_name=user.full_name, email=user.email, user=user)
    AffiliationFactory.create(
        person=person, organization=OrganizationFactory.create(name=organization_name)
    )
    return user, person


def _coordinator() -> User:
    user = UserFactory.create(full_name="Coordinadora de Prueba", role=User.Role.COORDINATOR)
    add_totp(user)
    return user


@pytest.mark.browser
def test_a_coordinator_runs_the_monthly_cycle_from_the_browser(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    series = SeriesFactory.create(title="Desarrollo de las TIC en el Perú")
    member, member_person = _member_with_person("Asociación Red Rural")
    organization = member_person.affiliations.get().organization
    colleague = AffiliationFactory.create(
        organization=organization, person__full_name="Colega Ausente"
    ).person

    coordinator = new_context()
    sign_in_context(coordinator, live_server, _coordinator())
    page = coordinator.new_page()

    # 1. Schedule: from the list to the form; today in Lima, so that it can be held today.
    page.goto(reverse("meetings:meeting-list"))
    create_url = reverse("meetings:meeting-create")
    page.locator(f"main a[href='{create_url}']").click()
    expect(page).to_have_url(re.compile(re.escape(create_url) + "$"))
    today = timezone.localdate()
    form = _form(page, create_url)
    form.locator("select[name=series]").select_option(str(series.pk))
    form.locator("input[name=title]").fill("Reunión mensual de la red")
    form.locator("input[name=date]").fill(today.isoformat())
    form.locator("input[name=start_time]").fill("00:00")
    form.locator("input[name=end_time]").fill("23:59")
    form.locator("input[name=place]").fill("Lima, sala de la red")
    form.locator(f"input[name=organizations][value='{organization.pk}']").check()
    _send(page, create_url)
    meeting = Meeting.objects.get()
    expect(page).to_have_url(live_server.url + meeting.get_absolute_url())
    assert meeting.series == series
    assert meeting.number == 1
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.visibility == Visibility.PUBLIC
    assert timezone.localtime(meeting.starts_at).date() == today
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=23, minutes=59)
    assert list(meeting.organizations.all()) == [organization]

    # 2. An agenda item, from the meeting page.
    item_url = _url("agenda-item-create", meeting)
    page.locator(f"main a[href='{item_url}']").click()
    _form(page, item_url).locator("input[name=title]").fill("Conectividad rural")
    _send(page, item_url)
    assert list(meeting.agenda_items.values_list("title", "kind")) == [
        ("Conectividad rural", AgendaItem.Kind.REGULAR)
    ]

    # 3. Invite the organization: each of its people with an email is invited and emailed.
    invitees_url = _url("meeting-invitees", meeting)
    page.goto(meeting.get_absolute_url())
    page.locator(f"main a[href='{invitees_url}']").click()
    _form(page, invitees_url).locator(
        f"input[name=organizations][value='{organization.pk}']"
    ).check()
    _send(page, invitees_url)
    invitees = Invitee.objects.filter(meeting=meeting)
    assert sorted(invitees.values_list("person__full_name", flat=True)) == [
        "Colega Ausente",
        "Miembro Revisora",
    ]
    assert set(invitees.values_list("organization", flat=True)) == {organization.pk}
    assert set(invitees.values_list("rsvp", flat=True)) == {Rsvp.PENDING}
    # The invitations wait in the outbox; the worker (`minka outbox`) sends them.
    with override_settings(OUTBOX_THREADS=1):
        outbox_deliver()
    assert {address for message in mail.outbox for address in message.to} == {
        member.email,
        colleague.email,
    }
    expect(page.locator("main table tbody tr")).to_have_count(2)

    # 4. The member answers from the meeting page (htmx swaps the panel in place).
    reviewer = new_context()
    sign_in_context(reviewer, live_server, member)
    member_page = reviewer.new_page()
    member_page.goto(meeting.get_absolute_url())
    rsvp_form = _form(member_page, _url("meeting-rsvp", meeting))
    rsvp_form.locator("input[name=answer][value=yes]").check()
    rsvp_form.locator("button[type=submit]").click()
    expect(member_page.locator("#meeting-rsvp [role=status]")).to_be_visible()
    assert Invitee.objects.get(person=member_person).rsvp == Rsvp.YES
    assert Invitee.objects.get(person=colleague).rsvp == Rsvp.PENDING

    # 5. Attendance: the checklist of invitees; only the member came.
    attendance_url = _url("meeting-attendance", meeting)
    page.goto(meeting.get_absolute_url())
    page.locator(f"main a[href='{attendance_url}']").click()
    checklist = _form(page, attendance_url)
    checklist.locator(f"input[name=attended][value='{member_person.pk}']").check()
    _send(page, attendance_url)
    attendance = Attendance.objects.get(meeting=meeting)
    assert attendance.person == member_person
    assert attendance.source == Attendance.Source.RECORDED
    assert attendance.organization == organization
    expect(checklist.locator(f"input[name=attended][value='{member_person.pk}']")).to_be_checked()

    # 6. Mark the meeting as held.
    page.goto(meeting.get_absolute_url())
    _send(page, _url("meeting-held", meeting))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    # 7. Write the minutes: they start from the agenda (revision 1), then are saved (2).
    _send(page, _url("minutes-create", meeting))
    edit_url = _url("minutes-edit", meeting)
    expect(page).to_have_url(live_server.url + edit_url)
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == Minutes.Status.DRAFT
    assert minutes.revisions.count() == 1
    editor = _form(page, edit_url)
    expect(editor.locator("input[name='presentations-0-title']")).to_have_value(
        "Conectividad rural"
    )
    editor.locator("textarea[name=summary]").fill("La red revisó la **conectividad rural**.")
    editor.locator("input[name='presentations-0-presenter']").fill("Ana Quispe")
    editor.locator("textarea[name='agreements-0-text']").fill("Enviar el informe al MTC")
    editor.locator("input[name='agreements-0-responsible']").fill("Asociación Red Rural")
    editor.locator("textarea[name=next_meeting_text]").fill("Dentro de un mes")
    _send(page, edit_url)
    expect(page).to_have_url(live_server.url + minutes.get_absolute_url())
    minutes.refresh_from_db()
    assert minutes.current_revision is not None
    assert minutes.current_revision.number == 2
    saved = MinutesContent.from_json(minutes.current_revision.content)
    assert saved.summary == "La red revisó la **conectividad rural**."
    assert [(p.title, p.presenter) for p in saved.presentations] == [
        ("Conectividad rural", "Ana Quispe")
    ]
    assert [(a.text, a.responsible) for a in saved.agreements] == [
        ("Enviar el informe al MTC", "Asociación Red Rural")
    ]
    assert saved.next_meeting.text == "Dentro de un mes"
    assert saved.next_meeting.when is None
    expect(page.locator("main strong", has_text="conectividad rural")).to_be_visible()

    # A member cannot read the draft.
    response = member_page.goto(minutes.get_absolute_url())
    assert response is not None
    assert response.status == 404

    # 8. Open them for review until the proposed deadline (a week from today).
    review_url = _url("minutes-review", meeting)
    deadline = _form(page, review_url).locator("input[name=deadline]")
    expect(deadline).to_have_value((today + timedelta(days=7)).isoformat())
    _send(page, review_url)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.REVIEW
    assert minutes.review_deadline is not None
    assert timezone.localtime(minutes.review_deadline).date() == today + timedelta(days=7)
    assert minutes.shared_from == 2

    # 9. The member reads them and adds an observation to the agreements.
    observation_url = _url("minutes-observation-add", meeting)
    member_page.goto(minutes.get_absolute_url())
    observation_form = _form(member_page, observation_url)
    observation_form.locator("select[name=section]").select_option(Section.AGREEMENTS.value)
    observation_form.locator("textarea[name=text]").fill("Falta la fecha de entrega.")
    _send(member_page, observation_url)
    expect(member_page).to_have_url(live_server.url + minutes.get_absolute_url() + "#observations")
    observation = Observation.objects.get(minutes=minutes)
    assert (observation.section, observation.text) == (
        Section.AGREEMENTS,
        "Falta la fecha de entrega.",
    )
    assert observation.author == member
    assert observation.revision_number == 2
    expect(member_page.locator("#observations")).to_contain_text("Falta la fecha de entrega.")
    # Members do not run the cycle.
    expect(_form(member_page, _url("minutes-approve", meeting))).to_have_count(0)

    # 10. The coordinator sees it and answers with a due date (revision 3).
    page.goto(minutes.get_absolute_url())
    expect(page.locator("#observations")).to_contain_text("Falta la fecha de entrega.")
    page.locator(f"main a[href='{edit_url}']").click()
    due = today + timedelta(days=20)
    _form(page, edit_url).locator("input[name='agreements-0-due_date']").fill(due.isoformat())
    _send(page, edit_url)
    minutes.refresh_from_db()
    assert minutes.current_revision is not None
    assert minutes.current_revision.number == 3
    assert MinutesContent.from_json(minutes.current_revision.content).agreements[0].due == due
    assert list(
        MinutesRevision.objects.filter(minutes=minutes)
        .order_by("number")
        .values_list("number", "kind", "author")
    ) == [(n, MinutesRevision.Kind.EDIT, minutes.current_revision.author_id) for n in (1, 2, 3)]

    # 11. Approve after confirming on the approval page, then publish for everyone.
    approve_url = _url("minutes-approve", meeting)
    page.locator(f"main a[href='{approve_url}']").click()
    # The observation was answered by revision 3: counted as earlier, linked, not pending.
    expect(page.locator("#pending-observations a[href$='#observations']")).to_have_count(1)
    confirm = _form(page, approve_url).locator("input[name=confirm]")
    expect(confirm).to_have_attribute("required", "")  # the server refuses it too (400)
    confirm.check()
    _send(page, approve_url)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.APPROVED
    assert minutes.approved_by is not None
    assert minutes.approved_by.role == User.Role.COORDINATOR
    assert minutes.approved_at is not None
    expect(page.locator(f"main a[href='{edit_url}']")).to_have_count(0)
    publish_url = _url("minutes-publish", meeting)
    _form(page, publish_url).locator(
        f"input[name=visibility][value='{Visibility.PUBLIC.value}']"
    ).check()
    _send(page, publish_url)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED
    assert minutes.visibility == Visibility.PUBLIC
    assert minutes.published_at is not None
    assert minutes.revisions.count() == 3  # approving and publishing change no content

    # A visitor now reads them.
    visitor = new_context().new_page()
    response = visitor.goto(minutes.get_absolute_url())
    assert response is not None
    assert response.status == 200
    expect(visitor.locator("main")).to_contain_text("Enviar el informe al MTC")

    # 12. Download the PDF from the link on the minutes page.
    pdf_url = reverse("meetings:minutes-export", args=[meeting.public_id, "pdf"])
    with page.expect_download() as download_info:
        page.locator(f"main a[href='{pdf_url}']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path.read_bytes().startswith(b"%PDF")

    # 13. Schedule the next meeting: the form proposes one calendar month later.
    next_url = _url("meeting-next", meeting)
    page.goto(meeting.get_absolute_url())
    page.locator(f"main a[href='{next_url}']").click()
    expected_start = add_months(meeting.starts_at, 1)
    next_form = _form(page, next_url)
    expect(next_form.locator("input[name=date]")).to_have_value(
        timezone.localtime(expected_start).date().isoformat()
    )
    expect(next_form.locator("input[name=start_time]")).to_have_value("00:00")
    _send(page, next_url)
    following = Meeting.objects.get(previous=meeting)
    expect(page).to_have_url(live_server.url + following.get_absolute_url())
    assert following.starts_at == expected_start
    assert following.ends_at - following.starts_at == meeting.ends_at - meeting.starts_at
    assert following.series == series
    assert following.number == 2
    assert following.status == Meeting.Status.PLANNED
    assert following.place == meeting.place
    assert list(following.organizations.all()) == [organization]
    # The first meeting now links to the next one instead of offering to schedule it.
    page.goto(meeting.get_absolute_url())
    expect(page.locator(f"main a[href='{following.get_absolute_url()}']").first).to_be_visible()
    expect(page.locator(f"main a[href='{next_url}']")).to_have_count(0)


@pytest.mark.browser
def test_rsvp_and_observation_work_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    member, person = _member_with_person("Colectivo Sin Script")
    # An upcoming meeting the member is invited to, and a past one whose minutes are in review.
    upcoming = MeetingFactory.create()
    Invitee.objects.create(meeting=upcoming, person=person)
    minutes = minutes_in(
        "review",
        actor=_coordinator(),
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )
    meeting = minutes.meeting

    context = new_context(java_script_enabled=False)
    sign_in_context(context, live_server, member)
    page = context.new_page()

    # The RSVP form posts normally and comes back to the meeting page.
    page.goto(upcoming.get_absolute_url())
    rsvp_url = _url("meeting-rsvp", upcoming)
    _form(page, rsvp_url).locator("input[name=answer][value=maybe]").check()
    _send(page, rsvp_url)
    expect(page).to_have_url(live_server.url + upcoming.get_absolute_url())
    assert Invitee.objects.get(meeting=upcoming, person=person).rsvp == Rsvp.MAYBE
    expect(_form(page, rsvp_url).locator("input[name=answer][value=maybe]")).to_be_checked()

    # An empty observation is refused with the error summary; nothing is stored.
    observation_url = _url("minutes-observation-add", meeting)
    page.goto(minutes.get_absolute_url())
    form = _form(page, observation_url)
    form.locator("select[name=section]").select_option(Section.SUMMARY.value)
    form.locator("textarea[name=text]").fill("   ")  # passes the browser's check, not Django's
    _send(page, observation_url)
    expect(page.locator("#observations .error-summary")).to_be_visible()
    assert not Observation.objects.exists()

    # A real one is added, and shown on the page it comes back to.
    form = _form(page, observation_url)
    form.locator("select[name=section]").select_option(Section.SUMMARY.value)
    form.locator("textarea[name=text]").fill("El resumen omite la intervención de OSIPTEL.")
    _send(page, observation_url)
    expect(page).to_have_url(live_server.url + minutes.get_absolute_url() + "#observations")
    observation = Observation.objects.get()
    assert (observation.minutes, observation.section, observation.author) == (
        minutes,
        Section.SUMMARY,
        member,
    )
    expect(page.locator("#observations")).to_contain_text("omite la intervención de OSIPTEL")


@pytest.mark.browser
def test_a_coordinator_imports_a_docx_corrects_a_field_and_gets_a_draft(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, tmp_path: Path
) -> None:
    """Issue 6's "Done when": the first meeting's minutes, as a Word file, imported from
    the browser; the place (which the minutes do not give) is filled in on the preview."""
    from minka.meetings.minutes.tests import importer_documents

    seed = Path(__file__).parent.parent / "meetings" / "minutes" / "tests" / "fixtures" / "minutes"
    docx = importer_documents.docx_from_text(
        (seed / "seed_2026_03.txt").read_text(encoding="utf-8"), tmp_path / "acta.docx"
    )
    context = new_context()
    sign_in_context(context, live_server, _coordinator())
    page = context.new_page()
    page.goto(live_server.url + reverse("meetings:meeting-list"))
    with page.expect_navigation():
        page.locator(f"main a[href='{reverse('meetings:minutes-import')}']").click()
    upload = _form(page, reverse("meetings:minutes-import"))
    upload.locator("input[name=file]").set_input_files(str(docx))
    upload.locator("input[name=year]").fill("2026")
    _send(page, reverse("meetings:minutes-import"))

    expect(page.locator(".import-source pre")).to_contain_text("Entre los temas propuestos")
    preview = _form(page, reverse("meetings:minutes-import-confirm"))
    expect(preview.locator("input[name=title]")).to_have_value(
        "Desarrollo de las TIC en el Perú: aportes desde la sociedad civil"
    )
    expect(preview.locator("input[name=p0_presenter]")).to_have_value("Alfredo Astudillo")
    preview.locator("input[name=place]").fill("Lima, sede de la red")
    preview.locator("input[name=new_series]").fill("Reuniones de trabajo")  # none exists yet
    _send(page, reverse("meetings:minutes-import-confirm"))

    meeting = Meeting.objects.get()
    assert page.url.endswith(_url("minutes-detail", meeting))
    assert meeting.status == Meeting.Status.HELD
    assert meeting.place == "Lima, sede de la red"
    assert meeting.series is not None
    assert meeting.series.title == "Reuniones de trabajo"
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == Minutes.Status.DRAFT
    assert minutes.current_revision is not None
    assert minutes.current_revision.kind == MinutesRevision.Kind.IMPORT
    assert len(minutes.current_revision.content["agreements"]) == 2
