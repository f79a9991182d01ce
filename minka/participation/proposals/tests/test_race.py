"""Fault test F14 for supports: 50 identical supports from the same person at the same
moment (50 connections, each in its own transaction) count once, with no error: the row
lock on the proposal queues them, and the unique constraint would settle any that slipped
through. PostgreSQL only (SQLite serializes writers; the constraint is tested on both)."""

from __future__ import annotations

import threading
import unittest

from django.db import close_old_connections, connection
from django.test import TransactionTestCase

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.participation.proposals import services
from minka.participation.proposals.models import Proposal, Support
from minka.participation.proposals.tests.factories import ProposalFactory

THREADS = 50


@unittest.skipUnless(connection.vendor == "postgresql", "threads need a shared database")
class ConcurrentSupportTests(TransactionTestCase):
    def test_fifty_simultaneous_identical_supports_count_once(self) -> None:
        proposer = UserFactory.create(role=User.Role.MEMBER)
        supporter = UserFactory.create(role=User.Role.MEMBER)
        proposal = ProposalFactory.create(proposer=proposer)
        barrier = threading.Barrier(THREADS)
        errors: list[BaseException] = []
        added: list[bool] = []

        def support() -> None:
            try:
                barrier.wait(timeout=30)
                added.append(services.support_add(actor=supporter, proposal=proposal))
            except BaseException as error:
                errors.append(error)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=support) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(added), [False] * (THREADS - 1) + [True])
        self.assertEqual(Support.objects.filter(proposal=proposal).count(), 1)
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).support_count, 1)
