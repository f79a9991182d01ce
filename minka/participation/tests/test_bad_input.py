"""Bad input on every participation form never reaches a 500 (SECURITY.md §1.5, bounded
input). What each form answers is tested with its area; this sweeps them all at once."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.participation.applications.tests.factories import verified
from minka.participation.consultations.tests.factories import CommentFactory, ConsultationFactory
from minka.participation.polls.tests.factories import DatePollFactory
from minka.participation.proposals.tests.factories import ProposalCommentFactory, ProposalFactory

BIG = "x" * 1_000_000
JUNK: list[dict[str, Any]] = [
    {"x": "1"},
    {"title": BIG, "description": BIG, "body": BIG, "reason": BIG, "message": BIG},
    {
        "meeting": "abc",
        "organizations": ["zz", "-1"],
        "visibility": "coordinators",
        "decision": "foo",
        "section": "99999999999999999999",
        "option": "-5",
        "parent": "x",
        "document": "abc",
        "opens_at": "nope",
        "closes_at": "2026-13-45T99:99",
        "option_1": "x",
        "option_2": "2020-01-01T10:00",
        "sector": "zzz",
        "region": "zzz",
        "email": "not-an-email",
        "website": "javascript:alert(1)",
        "organization": "abc",
        "status": "x",
        "sections": BIG,
    },
]


class BadInputTests(RoleTestCase):
    def test_malformed_posts_and_queries_never_answer_5xx(self) -> None:
        """Every participation form, as every persona, with unknown fields, 1 MB texts,
        malformed ids, dates, choices and addresses, and list pages with nonsense filters:
        refused (4xx), sent to sign in, or done when the action takes no input; never 5xx."""
        p = ProposalFactory.create(proposer=self.mem_a)
        c = ProposalCommentFactory.create(proposal=p, author=self.mem_b)
        poll = DatePollFactory.create()
        con = ConsultationFactory.create()
        cc = CommentFactory.create(consultation=con, author=self.mem_b)
        app = verified()
        urls = [reverse("participation:proposal-create")]
        for name in (
            "proposal-edit",
            "proposal-withdraw",
            "proposal-support",
            "proposal-unsupport",
            "proposal-decide",
            "proposal-comment-create",
        ):
            urls.append(reverse(f"participation:{name}", args=[p.public_id]))
        for n in ("proposal-comment-hide", "proposal-comment-unhide"):
            urls.append(
                reverse(f"participation:{n}", kwargs={"public_id": p.public_id, "pk": c.pk})
            )
        urls += [reverse("participation:datepoll-create")] + [
            reverse(f"participation:datepoll-{n}", args=[poll.public_id])
            for n in ("answer", "choose", "cancel")
        ]
        urls += [reverse("participation:consultation-create")] + [
            reverse(f"participation:{n}", args=[con.public_id])
            for n in ("consultation-edit", "consultation-comment-create", "consultation-response")
        ]
        for n in (
            "consultation-comment-report",
            "consultation-comment-hide",
            "consultation-comment-unhide",
        ):
            urls.append(
                reverse(f"participation:{n}", kwargs={"public_id": con.public_id, "pk": cc.pk})
            )
        urls += [
            reverse("participation:application-create"),
            reverse("participation:application-resend"),
        ]
        for n in ("application-approve", "application-reject"):
            urls.append(reverse(f"participation:{n}", args=[app.public_id]))
        bad: list[tuple[Any, ...]] = []
        for persona in ("anon", "reg", "mem_a", "mem_b", "coord"):
            client = self.as_(persona)
            for url in urls:
                for data in JUNK:
                    r = client.post(url, data)
                    if r.status_code >= 500:
                        bad.append((persona, url, list(data)[:3], r.status_code))
            for url in urls:
                r = client.get(url + "?status=zzz&sort=%00&page=-1&section=abc")
                if r.status_code >= 500:
                    bad.append((persona, "GET " + url, r.status_code))
        for url in [
            "/participa/propuestas/?status=x&sort=y&page=zz",
            "/participa/consultas/?page=9999",
            "/participa/fechas/?page=x",
            "/unete/solicitudes/?status=x&sector=y&region=z&page=q",
            "/unete/estado/abc/",
            "/unete/verificar/abc/",
        ]:
            for persona in ("anon", "coord"):
                r = self.as_(persona).get(url)
                if r.status_code >= 500:
                    bad.append((persona, url, r.status_code))
        self.assertEqual(bad, [])
