"""Views of agenda proposals for every role, what each may not do, refused input (400,
nothing changed), rate limits (429, nothing saved), query counts, and stored XSS payloads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minka.core.tests.base import RoleTestCase, client_for
from minka.core.visibility import Visibility
from minka.directory.tests.factories import MembershipFactory
from minka.meetings.models import AgendaItem
from minka.meetings.tests.factories import MeetingFactory
from minka.participation.proposals import services, views
from minka.participation.proposals.models import Proposal, ProposalComment, Support
from minka.participation.proposals.tests.factories import (
    ProposalCommentFactory,
    ProposalFactory,
)

XSS_TITLE = '<script>alert("t")</script>'
XSS_MARKDOWN = '[x](javascript:alert(1)) <img src=x onerror="alert(2)">'


def _url(name: str, proposal: Proposal, **extra: Any) -> str:
    return reverse(f"participation:{name}", kwargs={"public_id": proposal.public_id, **extra})


@override_settings(LANGUAGE_CODE="en")
class ProposalViewTests(RoleTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.public = ProposalFactory.create(
            title="Mesa con la comunidad técnica", proposer=self.mem_a, organizations=[self.org_a]
        )
        self.internal = ProposalFactory.create(
            title="Propuesta interna",
            proposer=self.mem_a,
            organizations=[self.org_a],
            visibility=Visibility.MEMBERS,
        )

    # --- Seeing -------------------------------------------------------------------------

    def test_everyone_sees_the_list_and_a_public_proposal(self) -> None:
        for persona in ("anon", "reg", "mem_a", "mem_b", "coord", "admin"):
            with self.subTest(persona=persona):
                client = self.as_(persona)
                self.assertContains(client.get(reverse("participation:proposal-list")), "técnica")
                self.assertContains(client.get(self.public.get_absolute_url()), "técnica")

    def test_an_internal_proposal_is_for_members_and_above(self) -> None:
        for persona, status in (("anon", 404), ("reg", 404), ("mem_b", 200), ("coord", 200)):
            with self.subTest(persona=persona):
                response = self.as_(persona).get(self.internal.get_absolute_url())
                self.assertEqual(response.status_code, status)
        self.assertNotContains(
            self.as_("reg").get(reverse("participation:proposal-list")), "Propuesta interna"
        )

    def test_the_list_filters_by_status_and_sorts_by_supports_or_newest(self) -> None:
        popular = ProposalFactory.create(title="Muy apoyada", support_count=7)
        ProposalFactory.create(title="Declinada", status=Proposal.Status.DECLINED)
        listing = reverse("participation:proposal-list")
        page = self.as_("anon").get(listing).content.decode()
        self.assertLess(page.index("Muy apoyada"), page.index("técnica"))
        self.assertNotIn("Declinada", page)
        newest = self.as_("anon").get(listing, {"sort": "newest"}).content.decode()
        self.assertNotIn("Declinada", newest)
        self.assertLess(newest.index(popular.title), newest.index("técnica"))
        declined = self.as_("anon").get(listing, {"status": "declined"})
        self.assertContains(declined, "Declinada")
        self.assertNotContains(declined, "técnica")
        # An unknown value is ignored: the defaults apply.
        self.assertContains(self.as_("anon").get(listing, {"status": "x", "sort": "y"}), "técnica")

    def test_the_list_costs_the_same_queries_whatever_the_rows(self) -> None:
        listing = reverse("participation:proposal-list")
        client = self.as_("mem_b")
        client.get(listing)
        with CaptureQueriesContext(connection) as few:
            client.get(listing)
        for _n in range(8):
            proposal = ProposalFactory.create(organizations=[self.org_a, self.org_b])
            ProposalCommentFactory.create(proposal=proposal, author=self.mem_b)
        with self.assertNumQueries(len(few)):
            response = client.get(listing)
        self.assertContains(response, "1 comment")

    def test_the_detail_page_costs_the_same_queries_whatever_the_comments(self) -> None:
        client = self.as_("mem_b")
        ProposalCommentFactory.create(proposal=self.public, author=self.reg)
        client.get(self.public.get_absolute_url())
        with CaptureQueriesContext(connection) as few:
            client.get(self.public.get_absolute_url())
        for _n in range(4):
            parent = ProposalCommentFactory.create(proposal=self.public, author=self.mem_a)
            ProposalCommentFactory.create(proposal=self.public, author=self.reg, parent=parent)
        with self.assertNumQueries(len(few)):
            client.get(self.public.get_absolute_url())

    # --- Proposing and editing ----------------------------------------------------------

    def test_a_member_proposes_and_a_registered_user_cannot(self) -> None:
        url = reverse("participation:proposal-create")
        data = {"title": "Nueva", "description": "Texto", "visibility": "members"}
        self.assertEqual(self.as_("anon").post(url, data).status_code, 302)
        self.assertEqual(self.as_("reg").post(url, data).status_code, 403)
        response = self.as_("mem_b").post(url, data)
        proposal = Proposal.objects.get(title="Nueva")
        self.assertRedirects(response, proposal.get_absolute_url())
        self.assertEqual(list(proposal.organizations.all()), [self.org_b])

    def test_bad_input_is_refused_with_the_forms_errors_and_nothing_saved(self) -> None:
        url = reverse("participation:proposal-create")
        for data in (
            {"title": "", "description": "x", "visibility": "public"},
            {"title": "x" * 201, "description": "x", "visibility": "public"},
            {"title": "x", "description": "x" * 4001, "visibility": "public"},
            {"title": "x", "description": "x", "visibility": "coordinators"},
            {"title": "x", "description": "x", "visibility": "public", "meeting": "999999"},
        ):
            with self.subTest(data=data):
                response = self.as_("mem_b").post(url, data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "error-summary", status_code=400)
        self.assertEqual(Proposal.objects.count(), 2)

    def test_extra_fields_are_ignored(self) -> None:
        data = {
            "title": "Con extras",
            "description": "x",
            "visibility": "public",
            "status": "accepted",
            "support_count": "99",
            "proposer": str(self.admin.pk),
        }
        self.as_("mem_b").post(reverse("participation:proposal-create"), data)
        proposal = Proposal.objects.get(title="Con extras")
        self.assertEqual(
            (proposal.status, proposal.support_count, proposal.proposer),
            (Proposal.Status.OPEN, 0, self.mem_b),
        )

    def test_only_the_proposer_edits_and_only_without_supports(self) -> None:
        url = _url("proposal-edit", self.public)
        self.assertEqual(self.as_("mem_b").get(url).status_code, 403)
        self.assertEqual(self.as_("coord").get(url).status_code, 403)
        self.assertEqual(self.as_("mem_a").get(url).status_code, 200)
        data = {"title": "Cambiado", "description": "x", "visibility": "public"}
        self.assertEqual(self.as_("mem_a").post(url, data).status_code, 302)
        services.support_add(actor=self.mem_b, proposal=self.public)
        self.assertEqual(self.as_("mem_a").get(url).status_code, 403)
        self.public.refresh_from_db()
        self.assertEqual(self.public.title, "Cambiado")

    def test_the_proposer_withdraws_an_open_proposal(self) -> None:
        url = _url("proposal-withdraw", self.public)
        self.assertEqual(self.as_("mem_b").post(url).status_code, 403)
        self.assertEqual(self.as_("mem_a").post(url).status_code, 302)
        self.public.refresh_from_db()
        self.assertEqual(self.public.status, Proposal.Status.WITHDRAWN)
        self.assertEqual(self.as_("mem_a").post(url).status_code, 403)

    # --- Supporting ---------------------------------------------------------------------

    def test_supports_from_each_role(self) -> None:
        url = _url("proposal-support", self.public)
        response = self.as_("anon").post(url)
        self.assertRedirects(response, f"{reverse('account_login')}?next={url}")
        for persona in ("reg", "mem_b", "coord"):
            self.assertEqual(self.as_(persona).post(url).status_code, 302)
        self.public.refresh_from_db()
        self.assertEqual(self.public.support_count, 3)
        self.as_("reg").post(_url("proposal-unsupport", self.public))
        self.public.refresh_from_db()
        self.assertEqual(self.public.support_count, 2)

    def test_a_registered_user_cannot_support_an_internal_proposal(self) -> None:
        self.assertEqual(
            self.as_("reg").post(_url("proposal-support", self.internal)).status_code, 404
        )
        self.assertEqual(
            self.as_("anon").post(_url("proposal-support", self.internal)).status_code, 404
        )
        self.assertEqual(
            self.as_("mem_b").post(_url("proposal-support", self.internal)).status_code, 302
        )
        self.assertEqual(list(Support.objects.values_list("user", flat=True)), [self.mem_b.pk])

    @override_settings(LANGUAGE_CODE="en")
    def test_the_proposer_cannot_support_their_own_proposal_and_is_told_why(self) -> None:
        response = self.as_("mem_a").post(_url("proposal-support", self.public))
        self.assertContains(response, "You cannot support your own proposal.", status_code=400)
        self.assertFalse(Support.objects.exists())

    def test_supports_are_rate_limited_and_the_refused_one_saves_nothing(self) -> None:
        proposals = [ProposalFactory.create(proposer=self.mem_a) for _n in range(3)]
        client = self.as_("mem_b")
        with mock.patch.object(views, "SUPPORT_RATE", (2, 600)):
            for proposal in proposals[:2]:
                self.assertEqual(client.post(_url("proposal-support", proposal)).status_code, 302)
            refused = client.post(_url("proposal-support", proposals[2]))
        self.assertEqual(refused.status_code, 429)
        self.assertTrue(refused["Retry-After"])
        self.assertEqual(Support.objects.count(), 2)

    # --- Commenting ---------------------------------------------------------------------

    def test_signed_in_users_comment_and_reply_and_visitors_are_sent_to_sign_in(self) -> None:
        url = _url("proposal-comment-create", self.public)
        self.assertEqual(self.as_("anon").post(url, {"body": "Hola"}).status_code, 302)
        self.assertFalse(ProposalComment.objects.exists())
        self.assertEqual(self.as_("reg").post(url, {"body": "Me interesa"}).status_code, 302)
        comment = ProposalComment.objects.get()
        response = self.as_("mem_a").post(url, {"body": "Gracias", "parent": comment.pk})
        self.assertEqual(response.status_code, 302)
        reply = ProposalComment.objects.get(parent=comment)
        # A reply to a reply is refused.
        refused = self.as_("mem_b").post(url, {"body": "Más", "parent": reply.pk})
        self.assertEqual(refused.status_code, 400)
        # A parent of another proposal is refused.
        other = ProposalCommentFactory.create(proposal=self.internal)
        refused = self.as_("mem_b").post(url, {"body": "Más", "parent": other.pk})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(ProposalComment.objects.filter(proposal=self.public).count(), 2)

    def test_a_registered_user_cannot_comment_on_an_internal_proposal(self) -> None:
        url = _url("proposal-comment-create", self.internal)
        self.assertEqual(self.as_("reg").post(url, {"body": "Hola"}).status_code, 404)
        self.assertFalse(ProposalComment.objects.exists())

    def test_an_empty_or_too_long_comment_is_refused(self) -> None:
        url = _url("proposal-comment-create", self.public)
        self.assertEqual(self.as_("reg").post(url, {"body": ""}).status_code, 400)
        self.assertEqual(self.as_("reg").post(url, {"body": "x" * 4001}).status_code, 400)
        self.assertFalse(ProposalComment.objects.exists())

    def test_comments_are_rate_limited_and_the_refused_one_saves_nothing(self) -> None:
        url = _url("proposal-comment-create", self.public)
        client = self.as_("reg")
        with mock.patch.object(views, "COMMENT_RATE", (3, 600)):
            for n in range(3):
                self.assertEqual(client.post(url, {"body": f"c{n}"}).status_code, 302)
            refused = client.post(url, {"body": "uno más"})
        self.assertEqual(refused.status_code, 429)
        self.assertTrue(refused["Retry-After"])
        self.assertEqual(ProposalComment.objects.count(), 3)

    def test_proposals_are_rate_limited_and_the_refused_one_saves_nothing(self) -> None:
        url = reverse("participation:proposal-create")
        client = self.as_("mem_b")
        with mock.patch.object(views, "PROPOSAL_RATE", (2, 3600)):
            for n in range(2):
                data = {"title": f"p{n}", "description": "x", "visibility": "public"}
                self.assertEqual(client.post(url, data).status_code, 302)
            refused = client.post(url, {"title": "p3", "description": "x", "visibility": "public"})
        self.assertEqual(refused.status_code, 429)
        self.assertTrue(refused["Retry-After"])
        self.assertFalse(Proposal.objects.filter(title="p3").exists())

    # --- Moderating ---------------------------------------------------------------------

    @override_settings(LANGUAGE_CODE="en")
    def test_a_hidden_comment_shows_its_reason_to_its_author_only(self) -> None:
        comment = ProposalCommentFactory.create(
            proposal=self.public, author=self.mem_b, body="Texto fuera de lugar"
        )
        hide = _url("proposal-comment-hide", self.public, pk=comment.pk)
        self.assertEqual(self.as_("mem_a").post(hide, {"reason": "No"}).status_code, 403)
        self.assertEqual(self.as_("anon").post(hide, {"reason": "No"}).status_code, 302)
        self.assertEqual(self.as_("coord").post(hide, {"reason": ""}).status_code, 400)
        self.assertEqual(self.as_("coord").post(hide, {"reason": "Fuera de tema"}).status_code, 302)
        author = self.as_("mem_b").get(self.public.get_absolute_url())
        self.assertContains(author, "Texto fuera de lugar")
        self.assertContains(author, "Fuera de tema")
        for persona in ("anon", "reg", "mem_a"):
            page = self.as_(persona).get(self.public.get_absolute_url())
            self.assertContains(page, "Comment hidden by the coordination.")
            self.assertNotContains(page, "Texto fuera de lugar")
            self.assertNotContains(page, "Fuera de tema")
        unhide = _url("proposal-comment-unhide", self.public, pk=comment.pk)
        self.assertEqual(self.as_("mem_b").post(unhide).status_code, 403)
        self.assertEqual(self.as_("coord").post(unhide).status_code, 302)
        self.assertContains(self.as_("anon").get(self.public.get_absolute_url()), "Texto fuera")

    def test_an_erased_authors_hidden_comment_stays_hidden(self) -> None:
        ProposalCommentFactory.create(
            proposal=self.public, author=None, body="Sin autor", hidden_at=timezone.now()
        )
        self.assertNotContains(self.as_("anon").get(self.public.get_absolute_url()), "Sin autor")

    # --- Deciding -----------------------------------------------------------------------

    def test_a_coordinator_puts_it_on_the_next_meetings_agenda(self) -> None:
        later = timezone.now() + timedelta(days=10)
        meeting = MeetingFactory.create(starts_at=later, ends_at=later + timedelta(hours=2))
        url = _url("proposal-decide", self.public)
        self.assertEqual(self.as_("mem_a").get(url).status_code, 403)
        self.assertEqual(self.as_("coord").get(url).status_code, 200)
        response = self.as_("coord").post(url, {"decision": "accept"})
        self.assertEqual(response.status_code, 400)  # no meeting chosen
        response = self.as_("coord").post(url, {"decision": "accept", "meeting": meeting.pk})
        self.assertRedirects(response, self.public.get_absolute_url())
        item = meeting.agenda_items.get()
        self.assertEqual(item.kind, AgendaItem.Kind.PROPOSAL)
        agenda = self.as_("anon").get(meeting.get_absolute_url())
        self.assertContains(agenda, self.public.get_absolute_url())
        self.assertContains(agenda, "OA")
        page = self.as_("anon").get(self.public.get_absolute_url())
        self.assertContains(page, meeting.get_absolute_url())
        # Deciding twice is refused, with nothing changed.
        again = self.as_("coord").post(url, {"decision": "decline", "reason": "No"})
        self.assertEqual(again.status_code, 400)
        self.public.refresh_from_db()
        self.assertEqual(self.public.status, Proposal.Status.ACCEPTED)

    def test_a_coordinator_declines_with_a_reason(self) -> None:
        url = _url("proposal-decide", self.public)
        self.assertEqual(self.as_("coord").post(url, {"decision": "decline"}).status_code, 400)
        response = self.as_("coord").post(url, {"decision": "decline", "reason": "Ya se trató"})
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.as_("anon").get(self.public.get_absolute_url()), "Ya se trató")

    # --- Stored XSS ---------------------------------------------------------------------

    def test_payloads_in_title_description_and_comment_are_escaped_or_sanitized(self) -> None:
        proposal = ProposalFactory.create(
            title=XSS_TITLE, description=XSS_MARKDOWN, proposer=self.mem_a
        )
        ProposalCommentFactory.create(proposal=proposal, author=self.reg, body=XSS_MARKDOWN)
        pages = [
            self.as_("anon").get(proposal.get_absolute_url()),
            self.as_("anon").get(reverse("participation:proposal-list")),
            self.as_("coord").get(_url("proposal-decide", proposal)),
        ]
        for page in pages:
            html = page.content.decode()
            self.assertNotIn("<script>alert", html)
            self.assertNotIn('href="javascript:', html)
            self.assertNotIn("<img", html)
        self.assertIn("&lt;script&gt;", pages[0].content.decode())
        # A Markdown link with a safe scheme stays a link; a javascript: one never is.
        ProposalCommentFactory.create(
            proposal=proposal,
            author=self.reg,
            body="[ok](https://example.org) [x](javascript:alert(1))",
        )
        html = self.as_("anon").get(proposal.get_absolute_url()).content.decode()
        self.assertIn('href="https://example.org"', html)
        self.assertNotIn('href="javascript:', html)


@override_settings(LANGUAGE_CODE="en")
class DoneWhenTests(RoleTestCase):
    """Issue 19's "done when", for proposals: a member's representative proposes a topic, two
    members support it, and the coordinator puts it on the next meeting's agenda."""

    def test_a_proposal_supported_by_two_members_reaches_the_next_meetings_agenda(self) -> None:
        later = timezone.now() + timedelta(days=14)
        meeting = MeetingFactory.create(
            title="Reunión mensual", starts_at=later, ends_at=later + timedelta(hours=2)
        )
        second = MembershipFactory.create(organization=self.org_b).user
        data = {
            "title": "Gobernanza de internet: mesa con la comunidad técnica",
            "description": "Invitar a la **comunidad técnica**.",
            "visibility": "public",
            "meeting": str(meeting.pk),
        }
        response = self.as_("mem_a").post(reverse("participation:proposal-create"), data)
        proposal = Proposal.objects.get()
        self.assertRedirects(response, proposal.get_absolute_url())
        for supporter in (self.as_("mem_b"), client_for(second)):
            self.assertEqual(supporter.post(_url("proposal-support", proposal)).status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.support_count, 2)
        decide = self.as_("coord").get(_url("proposal-decide", proposal))
        self.assertContains(decide, "Reunión mensual")
        response = self.as_("coord").post(
            _url("proposal-decide", proposal), {"decision": "accept", "meeting": meeting.pk}
        )
        self.assertEqual(response.status_code, 302)
        agenda = self.as_("anon").get(meeting.get_absolute_url())
        self.assertContains(agenda, "Gobernanza de internet: mesa con la comunidad técnica")
        self.assertContains(agenda, proposal.get_absolute_url())
        page = self.as_("anon").get(proposal.get_absolute_url())
        self.assertContains(page, f"#agenda-item-{meeting.agenda_items.get().pk}")

    def test_a_withdrawn_proposal_takes_no_support_nor_comment(self) -> None:
        proposal = ProposalFactory.create(proposer=self.mem_a, status=Proposal.Status.WITHDRAWN)
        self.assertEqual(
            self.as_("mem_b").post(_url("proposal-support", proposal)).status_code, 400
        )
        comment = self.as_("mem_b").post(_url("proposal-comment-create", proposal), {"body": "x"})
        self.assertEqual(comment.status_code, 400)
        self.assertFalse(Support.objects.exists())
        self.assertFalse(ProposalComment.objects.exists())
