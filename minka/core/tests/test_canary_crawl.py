"""The members-only canary crawl (shared/SECURITY.md).

Unique canary strings are planted in data that only some personas may see; a crawl of every
route, and of every link reachable from them, as the visitor (``anon``) and as a registered
non-member (``reg``) must never find one, in any body or header, nor in any email sent to
them. Later features plant their own canaries here (meetings, minutes, documents, contact
fields...). A positive control checks each canary is really shown to those allowed, so the
crawl cannot pass because the data was never rendered anywhere.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.urls import reverse

from minka.accounts.tests.factories import UserFactory
from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.core.tests.extensions import canary_modules
from minka.core.tests.test_access_matrix import Objects, full_matrix, url_for
from minka.directory import services as directory_services
from minka.directory.models import Membership

if TYPE_CHECKING:
    from minka.accounts.models import User

_TAG = uuid.uuid4().hex[:10]
# Each canary: the string, and the personas allowed to see it (with where they see it).
INVITED_EMAIL = f"canary-invite-{_TAG}@example.org"  # coordinators: the invitations list
PRIVATE_NAME = f"Canary Private Person {_TAG}"  # the person, coordinators, admins
PRIVATE_EMAIL = f"canary-private-{_TAG}@example.org"
MEMBERSHIP_TITLE = f"Canary title {_TAG}"  # the member themself
AUDIT_TEXT = f"canary-audit-{_TAG}"  # admins: the audit log

CANARIES = [INVITED_EMAIL, PRIVATE_NAME, PRIVATE_EMAIL, MEMBERSHIP_TITLE, AUDIT_TEXT]
for _module in canary_modules():
    CANARIES += _module.CANARIES


@pytest.mark.slow
class CanaryCrawlTests(RoleTestCase):
    objects: Objects
    private: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.objects = Objects(cls)
        cls.private = UserFactory.create(email=PRIVATE_EMAIL, full_name=PRIVATE_NAME)
        directory_services.invitation_create(
            actor=cls.coord, email=INVITED_EMAIL, organization=cls.org_b
        )
        Membership.objects.filter(user=cls.mem_a).update(title=MEMBERSHIP_TITLE)
        audit_record(actor=cls.admin, action=AuditEntry.Action.UPDATE, target_repr=AUDIT_TEXT)
        for module in canary_modules():
            module.plant(cls)

    def _start_urls(self) -> list[str]:
        """Every route of the access matrix (so every route), with its arguments filled in."""
        urls = [url_for(key, access, self.objects) for key, access in full_matrix().items()]
        urls.append(reverse("admin:index"))
        for module in canary_modules():  # e.g. searches for the canaries themselves
            urls += getattr(module, "start_urls", lambda case: [])(self)
        return urls

    def test_no_canary_reaches_the_visitor_or_a_registered_non_member(self) -> None:
        """Crawl everything as anon and reg: zero canary hits, in pages, headers or email."""
        mail.outbox.clear()
        total = 0
        for persona in ("anon", "reg"):
            result = crawl(self.as_(persona), self._start_urls(), CANARIES)
            total += len(result.visited)
            self.assertEqual(result.hits, [], f"canaries leaked to {persona}")
            self.assertGreater(len(result.visited), 15)
        for message in mail.outbox:
            text = f"{message.subject}\n{message.body}".lower()
            leaked = [c for c in CANARIES if c.lower() in text]
            self.assertEqual(leaked, [], f"canary in an email to {message.to}")
        print(f"canary crawl: {total} responses as anon and reg, 0 hits")  # noqa: T201

    def test_a_member_of_another_organization_sees_no_canary(self) -> None:
        result = crawl(self.as_("mem_b"), self._start_urls(), CANARIES)
        self.assertEqual(result.hits, [])

    def test_canaries_are_shown_to_those_allowed(self) -> None:
        """Positive control: each canary is rendered somewhere, for the right persona."""
        coord_page = self.as_("coord").get(reverse("directory:invitation-list"))
        self.assertContains(coord_page, INVITED_EMAIL)
        admin_page = self.as_("admin").get(reverse("core:audit-list"))
        self.assertContains(admin_page, AUDIT_TEXT)
        member_page = self.as_("mem_a").get(reverse("accounts:preferences"))
        self.assertContains(member_page, MEMBERSHIP_TITLE)
        own = self.client
        own.force_login(self.private)
        self.assertContains(own.get(reverse("accounts:preferences")), PRIVATE_NAME)
        admin_users = self.as_("admin").get(reverse("admin:accounts_user_changelist"))
        self.assertContains(admin_users, PRIVATE_EMAIL)
        for module in canary_modules():
            module.check_shown(self)

    def test_the_crawler_reports_a_canary_it_meets(self) -> None:
        """The crawl itself can fail: signed in as the private person, their name is found."""
        own = self.client
        own.force_login(self.private)
        result = crawl(own, [reverse("site:home")], CANARIES, limit=10)
        self.assertTrue(any(PRIVATE_NAME.lower() in hit for hit in result.hits), result.hits)
