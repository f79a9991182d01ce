"""Limits on the meeting pages that cost work: the comparison of two revisions of the minutes
(bounded in itself, and counted per client), the DOCX export (sharing the PDF's render count)
and an agenda item's upload (sharing the account's upload count with the repository).

Each limit is checked the same way: N requests pass, the next one gets the 429 page with
``Retry-After`` and nothing done, other clients are not affected, and requests refused
before (302, 403, 404) keep their status without using the count.
"""

from __future__ import annotations

import bisect
import difflib
import random
import re
import time
from typing import TYPE_CHECKING, Any
from unittest import mock

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.documents.models import Document
from minka.meetings.minutes import diff, export_views, exports, pdf_store, services
from minka.meetings.minutes.content import Intervention, MinutesContent
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_in, minutes_with, sample_content
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from minka.meetings.models import AgendaItem

# Hostile text for difflib: few distinct words, each in many places (a 20,000-character
# paragraph). Before the bound, 3,300 such words took 41 s of CPU to compare.
HOSTILE_OLD = " ".join(f"w{i % 100}" for i in range(5_000))
HOSTILE_NEW = " ".join(f"w{i * 7 % 100}" for i in range(5_000))
SYLLABLES = ("ca", "de", "la", "mi", "no", "pe", "ru", "sa", "to", "vi", "re", "da", "lo")


def long_paragraph(seed: int = 2026, size: int = 20_000) -> list[str]:
    """The words of a paragraph of about ``size`` characters, their frequencies falling as
    in natural language (Zipf): a few words everywhere, most of them rare."""
    rng = random.Random(seed)
    vocabulary = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(4000)}
    )
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    words: list[str] = []
    length = 0
    while length < size - 20:
        words.append(rng.choices(vocabulary, weights)[0])
        length += len(words[-1]) + 1
    return words


def counting_steps(run: Callable[[], Any]) -> tuple[Any, int]:
    """``run()`` and the steps difflib's search for a longest match took, counted apart from
    the code under test: for each element of ``a[alo:ahi]``, one plus the positions of that
    element in ``b`` before ``bhi`` (the inner loop of ``find_longest_match``)."""
    original = difflib.SequenceMatcher.find_longest_match
    steps = 0

    def counted(
        self: Any, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        nonlocal steps
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        b2j = self.b2j
        steps += sum(1 + bisect.bisect_left(b2j.get(x, []), bhi) for x in self.a[alo:ahi])
        return original(self, alo, ahi, blo, bhi)

    with mock.patch.object(difflib.SequenceMatcher, "find_longest_match", counted):
        result = run()
    return result, steps


def marks(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html)


# --- The cost of a comparison -------------------------------------------------------------


class CompareCostTests(SimpleTestCase):
    """A comparison takes at most ``diff.MAX_WORK`` steps of difflib, whatever the text."""

    def test_a_hostile_paragraph_is_compared_within_the_budget(self) -> None:
        """The paragraph is shown replaced as a whole, after at most MAX_WORK steps."""
        started = time.process_time()
        rows, steps = counting_steps(lambda: diff._lines(HOSTILE_OLD, HOSTILE_NEW, diff._Budget()))
        spent = time.process_time() - started
        self.assertLessEqual(steps, diff.MAX_WORK)
        self.assertLess(spent, 10)  # about 0.5 s of CPU; it took minutes before the bound
        self.assertEqual([row.tag for row in rows], ["replace"])
        self.assertEqual(rows[0].left, f"w0 <del>{HOSTILE_OLD[3:]}</del>")  # both begin "w0 "
        self.assertEqual(rows[0].right, f"w0 <ins>{HOSTILE_NEW[3:]}</ins>")

    def test_many_repeated_lines_are_compared_within_the_budget(self) -> None:
        old = "\n".join(["Inicio", *(["a", ""] * 5_000), "Fin"])
        new = "\n".join(["Inicio", *(["", "a", "b"] * 3_000), "Fin"])
        rows, steps = counting_steps(lambda: diff._lines(old, new, diff._Budget()))
        self.assertLessEqual(steps, diff.MAX_WORK)
        self.assertEqual((rows[0].tag, rows[-1].tag), ("equal", "equal"))
        self.assertEqual((rows[0].left, rows[-1].right), ("Inicio", "Fin"))

    def test_one_budget_bounds_every_section_of_a_comparison(self) -> None:
        def hostile(text: str) -> MinutesContent:
            content = sample_content()
            content.summary = content.notes = text
            content.interventions = [Intervention(topic="t", speaker="s", text=text)] * 20
            return content

        sections, steps = counting_steps(
            lambda: diff.compare(hostile(HOSTILE_OLD), hostile(HOSTILE_NEW))
        )
        self.assertLessEqual(steps, diff.MAX_WORK)
        self.assertTrue(all(s.changed for s in sections if s.key in ("summary", "notes")))

    def test_an_ordinary_edit_of_a_long_paragraph_still_marks_only_the_words(self) -> None:
        """Five words changed in 20,000 characters: five words marked on each side, well
        within the budget (this took 1.9 s of CPU before the bound, 0.05 s after)."""
        words = long_paragraph()
        positions = [5, 700, 1500, 2300, len(words) - 3]
        edited = list(words)
        for number, position in enumerate(positions):
            edited[position] = f"CAMBIO{number}"
        budget = diff._Budget()
        left, right = diff._words(" ".join(words), " ".join(edited), budget)
        self.assertEqual(marks(left, "del"), [words[p] for p in positions])
        self.assertEqual(marks(right, "ins"), [f"CAMBIO{n}" for n in range(5)])
        self.assertGreater(budget.left, diff.MAX_WORK // 2)

    def test_marks_leave_the_spaces_around_words_outside(self) -> None:
        left, right = diff._words("uno  dos tres", "uno DOS  tres cuatro", diff._Budget())
        self.assertEqual(left, "uno  <del>dos</del> tres")
        self.assertEqual(right, "uno <ins>DOS</ins>  tres <ins>cuatro</ins>")

    def test_past_the_budget_the_common_beginning_and_end_stay_unmarked(self) -> None:
        with mock.patch.object(diff, "MAX_WORK", 0):
            budget = diff._Budget()
            left, right = diff._words("uno dos tres cuatro", "uno DOS TRES cuatro", budget)
            rows = diff._lines("a\nb\nc\nd", "a\nx\ny\nz\nd", budget)
        self.assertEqual(left, "uno <del>dos tres</del> cuatro")
        self.assertEqual(right, "uno <ins>DOS TRES</ins> cuatro")
        self.assertEqual(
            [(row.tag, row.left, row.right) for row in rows],
            [
                ("equal", "a", "a"),
                ("replace", "<del>b</del>", "<ins>x</ins>"),
                ("replace", "<del>c</del>", "<ins>y</ins>"),
                ("insert", None, "<ins>z</ins>"),
                ("equal", "d", "d"),
            ],
        )

    def test_escaping_holds_past_the_budget(self) -> None:
        with mock.patch.object(diff, "MAX_WORK", 0):
            left, right = diff._words("<b>x</b> y", "<script>z</script> y", diff._Budget())
        self.assertEqual(left, "<del>&lt;b&gt;x&lt;/b&gt;</del> y")
        self.assertEqual(right, "<ins>&lt;script&gt;z&lt;/script&gt;</ins> y")


# --- The comparison page ---------------------------------------------------------------


@override_settings(LANGUAGE_CODE="en", COMPARE_RATE_LIMIT=3)
class StartOfWindowMixin(RoleTestCase):
    """Rate limits count in fixed one-minute windows: each test starts at the beginning of one,
    so that its burst of requests is never split between two windows by the clock."""

    def setUp(self) -> None:
        super().setUp()
        now = time.time()
        self.enterContext(time_machine.travel(now - now % 60 + 60.5, tick=True))


class CompareRateLimitTests(StartOfWindowMixin):
    """``meetings:minutes-compare``: COMPARE_RATE_LIMIT comparisons a minute per client
    (per account when signed in, per address otherwise); refusals before do not count."""

    minutes: Minutes
    draft: Minutes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.minutes = minutes_in("published", actor=cls.coord)
        content = sample_content()
        content.summary = "Resumen corregido"
        services.minutes_erratum(
            actor=cls.coord, minutes=cls.minutes, content=content, reason="Fecha", base_revision=2
        )
        cls.draft = minutes_in("draft", actor=cls.coord)

    def url(self, minutes: Minutes | None = None, a: int = 2, b: int = 3) -> str:
        public_id = (minutes or self.minutes).meeting.public_id
        return reverse("meetings:minutes-compare", args=[public_id]) + f"?a={a}&b={b}"

    def test_the_fourth_comparison_in_a_minute_is_refused_with_a_429(self) -> None:
        anon = self.as_("anon")
        statuses = [anon.get(self.url()).status_code for _ in range(3)]
        with mock.patch.object(diff, "compare", wraps=diff.compare) as compare:
            refused = anon.get(self.url())
        self.assertEqual(statuses, [200, 200, 200])
        self.assertEqual(refused.status_code, 429)
        self.assertGreaterEqual(int(refused["Retry-After"]), 1)
        self.assertTemplateUsed(refused, "429.html")
        compare.assert_not_called()  # no work for a refused request

    def test_other_clients_are_not_affected(self) -> None:
        for _ in range(4):
            self.as_("mem_a").get(self.url())
        self.assertEqual(self.as_("mem_a").get(self.url()).status_code, 429)
        for persona in ("anon", "reg", "mem_b", "coord"):
            self.assertEqual(self.as_(persona).get(self.url()).status_code, 200)
        for _ in range(3):
            self.as_("anon").get(self.url())
        self.assertEqual(self.as_("anon").get(self.url()).status_code, 429)
        elsewhere = Client(REMOTE_ADDR="203.0.113.9")
        self.assertEqual(elsewhere.get(self.url()).status_code, 200)

    def test_refusals_before_the_comparison_keep_their_status_and_do_not_count(self) -> None:
        anon, member = self.as_("anon"), self.as_("mem_a")
        for _ in range(4):
            self.assertEqual(anon.get(self.url(self.draft, 1, 2)).status_code, 404)  # hidden
            self.assertEqual(anon.get(self.url(a=1, b=3)).status_code, 404)  # revision 1
            self.assertEqual(anon.get(self.url(a=2, b=99)).status_code, 404)
            self.assertEqual(anon.get(self.url(a=0)).status_code, 400)
            self.assertEqual(member.get(self.url(self.draft, 1, 2)).status_code, 404)
        self.assertEqual([anon.get(self.url()).status_code for _ in range(4)], [200] * 3 + [429])
        self.assertEqual([member.get(self.url()).status_code for _ in range(4)], [200] * 3 + [429])


# --- The DOCX export --------------------------------------------------------------------


class DocxRenderLimitTests(StartOfWindowMixin):
    """A DOCX is built on every request, so it counts against the client's render limit,
    the one count PDF layouts use; Markdown and JSON stay free."""

    public: Minutes
    members: Minutes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.public = minutes_with(status=Minutes.Status.PUBLISHED, approved_by=cls.coord, number=5)
        cls.members = minutes_with(
            status=Minutes.Status.PUBLISHED,
            visibility=Visibility.MEMBERS,
            approved_by=cls.coord,
            number=6,
        )

    @staticmethod
    def url(minutes: Minutes, fmt: str) -> str:
        return reverse("meetings:minutes-export", args=[minutes.meeting.public_id, fmt])

    def test_docx_builds_share_the_render_count_with_pdf_layouts(self) -> None:
        anon = self.as_("anon")
        with (
            mock.patch.object(export_views, "PDF_RATE_LIMIT", 3),
            mock.patch.object(exports, "html_to_pdf", return_value=b"%PDF-1.7 test"),
            mock.patch.object(pdf_store, "exists", return_value=False),  # every PDF is laid out
        ):
            allowed = [anon.get(self.url(self.public, fmt)).status_code for fmt in ("docx",) * 3]
            with mock.patch.object(exports, "render", wraps=exports.render) as render:
                refused = anon.get(self.url(self.public, "docx"))
            pdf = anon.get(self.url(self.public, "pdf"))
            cheap = [anon.get(self.url(self.public, fmt)).status_code for fmt in ("md", "json") * 2]
            member = self.as_("mem_a").get(self.url(self.public, "docx"))
        self.assertEqual(allowed, [200, 200, 200])
        self.assertEqual((refused.status_code, pdf.status_code), (429, 429))
        self.assertGreaterEqual(int(refused["Retry-After"]), 1)
        self.assertTemplateUsed(refused, "429.html")
        render.assert_not_called()
        self.assertEqual(cheap, [200] * 4)
        self.assertEqual(member.status_code, 200)  # another client

    def test_hidden_minutes_answer_404_without_counting(self) -> None:
        anon = self.as_("anon")
        with mock.patch.object(export_views, "PDF_RATE_LIMIT", 2):
            hidden = [anon.get(self.url(self.members, "docx")).status_code for _ in range(3)]
            shown = [anon.get(self.url(self.public, "docx")).status_code for _ in range(3)]
        self.assertEqual(hidden, [404] * 3)
        self.assertEqual(shown, [200, 200, 429])


# --- An agenda item's upload ----------------------------------------------------------


@override_settings(LANGUAGE_CODE="en", UPLOAD_RATE_LIMIT=3)
class AgendaUploadRateLimitTests(StartOfWindowMixin):
    """``meetings:agenda-item-upload`` counts each POST against the account's hourly upload
    limit, the same count as the repository's upload forms."""

    item: AgendaItem

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        meeting = MeetingFactory.create(visibility=Visibility.MEMBERS)
        cls.item = AgendaItemFactory.create(meeting=meeting, position=1, title="Primero")

    def url(self) -> str:
        return reverse(
            "meetings:agenda-item-upload", args=[self.item.meeting.public_id, self.item.pk]
        )

    def post(self, client: Client, name: str = "avances.txt") -> Response:
        upload = SimpleUploadedFile(name, f"Avances de {name}".encode())
        with self.captureOnCommitCallbacks(execute=True):
            response: Response = client.post(
                self.url(), {"uploads": [upload], "license": "cc-by-4.0"}
            )
        return response

    def test_the_fourth_upload_is_refused_and_stores_nothing(self) -> None:
        client = self.as_("coord")
        statuses = [
            self.post(client, "uno.txt").status_code,
            client.post(self.url(), {}).status_code,  # an invalid form counts too
            self.post(client, "dos.txt").status_code,
        ]
        self.assertEqual(client.get(self.url()).status_code, 200)  # showing the form is free
        refused = self.post(client, "tres.txt")
        self.assertEqual(statuses, [302, 400, 302])
        self.assertEqual(refused.status_code, 429)
        self.assertGreaterEqual(int(refused["Retry-After"]), 1)
        self.assertTemplateUsed(refused, "429.html")
        self.assertEqual(self.item.documents.count(), 2)
        self.assertEqual(Document.objects.count(), 2)
        self.assertEqual(self.post(self.as_("admin"), "otra.txt").status_code, 302)

    def test_the_count_is_shared_with_the_repository(self) -> None:
        client = self.as_("coord")
        for _ in range(3):
            client.post(reverse("documents:upload"), {})
        self.assertEqual(self.post(client).status_code, 429)
        self.assertFalse(Document.objects.exists())

    def test_refused_roles_keep_their_status_and_do_not_count(self) -> None:
        for _ in range(4):
            self.assertEqual(self.post(self.as_("anon")).status_code, 302)
            for persona in ("reg", "mem_a"):
                self.assertEqual(self.post(self.as_(persona)).status_code, 403)
        elsewhere = reverse("meetings:agenda-item-upload", args=[self.item.meeting.public_id, 0])
        for _ in range(4):
            self.assertEqual(self.as_("coord").post(elsewhere, {}).status_code, 404)
        self.assertEqual(self.post(self.as_("coord")).status_code, 302)
        self.assertEqual(Document.objects.count(), 1)
