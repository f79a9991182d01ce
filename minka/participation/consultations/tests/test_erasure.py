"""Erasing a person deletes their consultation comments and reports, and nobody else's."""

from __future__ import annotations

from minka.core.tests.base import RoleTestCase
from minka.directory.tests.factories import PersonFactory
from minka.participation.consultations import erasure
from minka.participation.consultations.models import CommentReport, ConsultationComment
from minka.participation.consultations.tests.factories import CommentFactory, ReportFactory


class ErasureTests(RoleTestCase):
    def test_a_persons_comments_and_reports_go_and_others_stay(self) -> None:
        own = CommentFactory.create(author=self.reg, body="Texto de la persona")
        ReportFactory.create(comment=own, reporter=self.mem_a)
        other = CommentFactory.create(author=self.mem_a)
        ReportFactory.create(comment=other, reporter=self.reg)
        person = PersonFactory.create(user=self.reg)
        self.assertEqual(erasure.erase_comments(person, self.reg), 3)
        self.assertEqual(list(ConsultationComment.objects.all()), [other])
        self.assertFalse(CommentReport.objects.exists())
        self.assertEqual(erasure.erase_comments(person, self.reg), 0)
        self.assertEqual(erasure.erase_comments(person, None), 0)
