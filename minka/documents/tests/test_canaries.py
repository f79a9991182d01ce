"""Members-only canaries of the repository, planted through the real pipeline: a PDF whose
text layer holds a unique word is uploaded as members-only and processed by the task. Its
title, file name and text must never reach a visitor or a registered non-member, by any page,
download, preview, search result, snippet or facet count; members find it."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minka import search
from minka.core.tests.base import RoleTestCase
from minka.core.tests.crawl import crawl
from minka.core.tests.test_access_matrix import full_matrix
from minka.documents import services
from minka.documents.models import Version
from minka.files.tests import samples

_TAG = uuid.uuid4().hex[:10]
PDF_WORD = f"pdfcanario{_TAG}"
TITLE = f"Acta reservada {_TAG}"
FILE_NAME = f"acta-reservada-{_TAG}.pdf"
CANARIES = [PDF_WORD, TITLE, FILE_NAME]


class MembersOnlyPdfCanaryTests(RoleTestCase):
    version: Version

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        pdf = samples.pdf_bytes(
            [["Conectividad en la selva"], [f"Acuerdo interno: {PDF_WORD} confidencial"]]
        )
        checked = services.check_file(SimpleUploadedFile(FILE_NAME, pdf))
        outcome = services.document_upload(
            actor=cls.coord,
            files=[checked],
            data={
                "title": TITLE,
                "kind": "minutes",
                "language": "es",
                "license": "cc-by-4.0",
                "visibility": "members",
            },
        )
        # The task runs on commit; here it is run directly, as the worker would.
        cls.version = Version.objects.get(document=outcome.created[0])
        services.version_process(version_id=cls.version.pk)
        cls.version.refresh_from_db()

    def test_the_canary_is_in_the_pdf_text_and_members_find_it(self) -> None:
        self.assertEqual(self.version.status, Version.Status.DONE, self.version.detail)
        self.assertIn(PDF_WORD, self.version.text)
        for persona in ("mem_a", "mem_b", "coord"):
            page = self.as_(persona).get(reverse("search:search"), {"q": PDF_WORD})
            self.assertContains(page, f"<mark>{PDF_WORD}</mark>")
            self.assertContains(page, TITLE)

    def test_no_search_reveals_it_to_visitors_or_registered_users(self) -> None:
        for user in (AnonymousUser(), self.reg):
            results = search.search(PDF_WORD, user=user)
            self.assertEqual((results.total, results.hits, results.facets), (0, [], {}))
            for query in ("confidencial", "acuerdo interno", "selva", f'"{PDF_WORD}"'):
                found = search.search(query, user=user)
                self.assertEqual(found.total, 0)
                self.assertEqual(found.facets, {})

    def test_crawl_as_visitor_and_registered_user(self) -> None:
        base = reverse("search:search")
        start = [
            f"{base}?{urlencode({'q': q})}"
            for q in ("confidencial", "acuerdo interno", "selva", "acta reservada")
        ]
        start += [
            reverse("documents:document-list"),
            reverse("documents:document-list") + "?kind=minutes",
            self.version.document.get_absolute_url(),
            self.version.get_download_url(),
            reverse("documents:version-preview", args=[self.version.document.public_id, 1]),
        ]
        start += [
            reverse(name.split("[")[0])
            for name in full_matrix()
            if name in {"site:home", "search:search"}
        ]
        visited = 0
        for persona in ("anon", "reg"):
            result = crawl(self.as_(persona), start, CANARIES)
            self.assertEqual(result.hits, [], f"canaries leaked to {persona}")
            visited += len(result.visited)
        self.assertGreater(visited, 20)
        # Positive control: the same crawl as a member meets the canaries.
        member = crawl(self.as_("mem_b"), start, CANARIES)
        self.assertTrue(member.hits)
