"""Fault test F14 over HTTP (SECURITY.md §1.9, §4.2): 50 identical requests sent at the same
moment to a live server, each on its own connection and thread, for a support, a date-poll
answer and a membership approval. Exactly one effect each, and no 5xx.

The services' own thread tests check the locks; this one checks the whole path (middleware,
sessions, rate limits, views) under the same load. PostgreSQL only: on SQLite the live
server's threads share one in-memory database and writers are serialized anyway.
"""

from __future__ import annotations

import secrets
import threading
import unittest
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import httpx
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test import Client, LiveServerTestCase
from django.test.testcases import LiveServerThread
from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import add_totp
from minka.directory.models import Invitation, Organization
from minka.participation.applications.tests.factories import verified
from minka.participation.polls.models import DateAnswer
from minka.participation.polls.tests.factories import DatePollFactory
from minka.participation.proposals.models import Support
from minka.participation.proposals.tests.factories import ProposalFactory

if TYPE_CHECKING:
    from collections.abc import Mapping

REQUESTS = 50


class BurstServer(ThreadedWSGIServer):
    # Django's listen backlog is 10: a burst of 50 connections would be reset by the kernel
    # before any request reaches Django. A production server listens with a larger one.
    request_queue_size = 128


class BurstServerThread(LiveServerThread):
    server_class = BurstServer


@unittest.skipUnless(connection.vendor == "postgresql", "threads need a shared database")
class ParallelIdenticalRequestsTests(LiveServerTestCase):
    server_thread_class = BurstServerThread

    def post_at_once(self, user: User, path: str, data: Mapping[str, str]) -> Counter[int]:
        """POST ``data`` to ``path`` as ``user`` from 50 threads released together; return
        how many responses had each status."""
        client = Client()
        client.force_login(user)
        token = secrets.token_hex(16)  # a CSRF secret of 32 characters, cookie and header
        cookies = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: token,
        }
        barrier = threading.Barrier(REQUESTS)

        def send(_: int) -> int:
            with httpx.Client(base_url=self.live_server_url, cookies=cookies, timeout=60) as http:
                barrier.wait(timeout=30)
                response = http.post(path, data=data, headers={"X-CSRFToken": token})
                return response.status_code

        with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
            return Counter(pool.map(send, range(REQUESTS)))

    def assert_no_server_error(self, statuses: Counter[int]) -> None:
        self.assertEqual(sum(statuses.values()), REQUESTS)
        self.assertEqual([s for s in statuses if s >= 500], [], statuses)

    def test_fifty_identical_supports_count_once(self) -> None:
        proposal = ProposalFactory.create(proposer=UserFactory.create(role=User.Role.MEMBER))
        supporter = UserFactory.create(role=User.Role.MEMBER)
        path = reverse("participation:proposal-support", args=[proposal.public_id])
        statuses = self.post_at_once(supporter, path, {})
        self.assert_no_server_error(statuses)
        self.assertGreaterEqual(statuses[302], 1, statuses)
        self.assertEqual(Support.objects.filter(proposal=proposal).count(), 1)
        proposal.refresh_from_db()
        self.assertEqual(proposal.support_count, 1)

    def test_fifty_identical_poll_answers_count_once(self) -> None:
        poll = DatePollFactory.create()
        member = UserFactory.create(role=User.Role.MEMBER)
        options = list(poll.options.all())
        data = {f"o{option.pk}": "yes" for option in options}
        path = reverse("participation:datepoll-answer", args=[poll.public_id])
        statuses = self.post_at_once(member, path, data)
        self.assert_no_server_error(statuses)
        self.assertGreaterEqual(statuses[302], 1, statuses)
        self.assertEqual(DateAnswer.objects.filter(user=member).count(), len(options))

    def test_fifty_identical_approvals_make_one_member(self) -> None:
        coordinator = UserFactory.create(role=User.Role.COORDINATOR)
        add_totp(coordinator)
        application = verified(organization_name="Colectivo en carrera")
        path = reverse("participation:application-approve", args=[application.public_id])
        statuses = self.post_at_once(coordinator, path, {})
        self.assert_no_server_error(statuses)
        self.assertGreaterEqual(statuses[302], 1, statuses)
        self.assertEqual(Organization.objects.filter(name="Colectivo en carrera").count(), 1)
        self.assertEqual(Invitation.objects.filter(email=application.email).count(), 1)
        application.refresh_from_db()
        self.assertEqual(application.status, "approved")
