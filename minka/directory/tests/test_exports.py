"""The members' exports: who may download them, what they hold, and that they parse back."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from minka.core.models import AuditEntry
from minka.directory import exports
from minka.directory.models import Person
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.directory.tests.helpers import (
    ANONYMIZED_NAME,
    COORDINATORS_ONLY,
    MEMBERS_NAME,
    MEMBERS_PHONE,
    OWN_NAME,
    OWN_PHONE,
    PUBLIC_EMAIL,
    PUBLIC_NAME,
    PUBLIC_TELEGRAM,
    DirectoryTestCase,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

CSV_URL = reverse("directory:export-csv")
VCARD_URL = reverse("directory:export-vcard")
EXPORTERS = ("mem_a", "mem_b", "coord", "admin")


def parse_csv(response: Response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "the CSV starts with a byte-order mark"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def parse_vcards(text: str) -> list[dict[str, list[str]]]:
    """A small RFC 6350 reader: checks line endings and lengths, unfolds, unescapes."""
    assert text.endswith("\r\n")
    physical = text.split("\r\n")[:-1]
    for line in physical:
        assert "\n" not in line and "\r" not in line, line
        assert len(line.encode()) <= 75, f"line longer than 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    cards: list[dict[str, list[str]]] = []
    card: dict[str, list[str]] | None = None
    for line in logical:
        name, _colon, value = line.partition(":")
        name = name.split(";")[0].upper()
        if name == "BEGIN":
            assert value == "VCARD" and card is None
            card = {}
            continue
        assert card is not None
        if name == "END":
            cards.append(card)
            card = None
            continue
        card.setdefault(name, []).append(_unescape(value))
    assert card is None
    return cards


def _unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


class ExportAccessTests(DirectoryTestCase):
    """Exports are for members, coordinators and admins; each one is audited."""

    def test_visitors_are_sent_to_sign_in(self) -> None:
        for url in (CSV_URL, VCARD_URL):
            response = self.as_("anon").get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("account_login"), response["Location"])

    def test_registered_users_are_refused(self) -> None:
        for url in (CSV_URL, VCARD_URL):
            self.assertEqual(self.as_("reg").get(url).status_code, 403)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists())

    def test_members_coordinators_and_admins_download_attachments(self) -> None:
        for persona in EXPORTERS:
            for url, content_type, filename in (
                (CSV_URL, "text/csv; charset=utf-8", "directorio-personas.csv"),
                (VCARD_URL, "text/vcard; charset=utf-8", "directorio-personas.vcf"),
            ):
                with self.subTest(persona=persona, url=url):
                    response = self.as_(persona).get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response["Content-Type"], content_type)
                    self.assertEqual(
                        response["Content-Disposition"], f'attachment; filename="{filename}"'
                    )
                    self.assertIn("no-store", response["Cache-Control"])

    def test_other_methods_are_refused(self) -> None:
        self.assertEqual(self.as_("mem_a").post(CSV_URL).status_code, 405)

    def test_each_export_is_in_the_audit_log(self) -> None:
        self.as_("mem_a").get(CSV_URL)
        self.as_("coord").get(VCARD_URL)
        entries = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("id")
        self.assertEqual(
            [(e.actor, e.target_repr) for e in entries],
            [
                (self.mem_a, "directory export csv"),
                (self.coord, "directory export vcard"),
            ],
        )

    def test_query_count_does_not_grow_with_people(self) -> None:
        """Five for the signed-in session, then people, affiliations and the audit entry."""
        Person.objects.exclude(pk=self.public.pk).update(members_listing=False)
        for count in (1, 20):
            if count == 20:
                for _index in range(19):
                    AffiliationFactory.create(organization=self.org_b, person__members_listing=True)
            for url in (CSV_URL, VCARD_URL):
                client = self.as_("mem_a")
                with self.subTest(count=count, url=url), self.assertNumQueries(8):
                    response = client.get(url)
                self.assertEqual(response.status_code, 200)
            self.assertEqual(len(parse_csv(self.as_("mem_a").get(CSV_URL))), count)


@override_settings(LANGUAGE_CODE="en")
class CsvExportTests(DirectoryTestCase):
    """The CSV export: UTF-8 with a BOM, a translated header, only allowed fields."""

    def test_it_parses_back_with_only_what_each_person_allowed(self) -> None:
        rows = parse_csv(self.as_("mem_a").get(CSV_URL))
        self.assertEqual(
            list(rows[0]), ["Name", "Organizations", "Roles", "Email", "Phone", "Telegram"]
        )
        by_name = {row["Name"]: row for row in rows}
        self.assertEqual(set(by_name), {MEMBERS_NAME, PUBLIC_NAME})
        self.assertEqual(
            by_name[PUBLIC_NAME],
            {
                "Name": PUBLIC_NAME,
                "Organizations": "Organización A; Postulante Uno",
                "Roles": "Directora; Asesora",
                "Email": PUBLIC_EMAIL,
                "Phone": "",
                "Telegram": PUBLIC_TELEGRAM,
            },
        )
        self.assertEqual(by_name[MEMBERS_NAME]["Email"], "")
        # A leading "+" could start a formula: phone numbers get the quote too.
        self.assertEqual(by_name[MEMBERS_NAME]["Phone"], f"'{MEMBERS_PHONE}")

    def test_coordinators_export_the_same_as_members(self) -> None:
        """An export is for sharing: no pending, unlisted or private data for anyone."""
        member = parse_csv(self.as_("mem_a").get(CSV_URL))
        for persona in ("mem_b", "coord", "admin"):
            with self.subTest(persona=persona):
                response = self.as_(persona).get(CSV_URL)
                self.assertEqual(parse_csv(response), member)
                for text in [*COORDINATORS_ONLY, ANONYMIZED_NAME, OWN_NAME, OWN_PHONE]:
                    self.assertNotIn(text, response.content.decode())

    def test_the_header_is_spanish_by_default(self) -> None:
        with override_settings(LANGUAGE_CODE="es"):
            header = self.as_("mem_a").get(CSV_URL).content.decode().splitlines()[0]
        from minka.browser_tests.helpers import in_language

        self.assertEqual(header.removeprefix("\ufeff").split(",")[0], in_language("es", "Name"))

    def test_formulas_are_neutralised(self) -> None:
        """Cells a spreadsheet would run (= + - @, tab, CR) start with a quote."""
        person = PersonFactory.create(
            full_name='=HYPERLINK("http://x.example","clic")',
            members_listing=True,
            phone="+51 1 234",
            phone_members=True,
            email="@raro@example.org",
            email_members=True,
        )
        AffiliationFactory.create(person=person, organization=self.org_b, title="-2+3")
        rows = parse_csv(self.as_("mem_a").get(CSV_URL))
        row = next(r for r in rows if "HYPERLINK" in r["Name"])
        self.assertEqual(row["Name"], '\'=HYPERLINK("http://x.example","clic")')
        self.assertEqual(row["Roles"], "'-2+3")
        self.assertEqual(row["Phone"], "'+51 1 234")
        self.assertEqual(row["Email"], "'@raro@example.org")
        self.assertEqual(row["Organizations"], "Organización B")


class CsvCellTests(SimpleTestCase):
    def test_only_dangerous_first_characters_get_a_quote(self) -> None:
        for value, expected in (
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=1", "a=1"),
            ("", ""),
            ("Ñuñoa", "Ñuñoa"),
        ):
            self.assertEqual(exports.csv_cell(value), expected)


class VcardExportTests(DirectoryTestCase):
    """The vCard 4.0 export parses back, with only the fields each person allowed."""

    def test_it_parses_back_with_only_what_each_person_allowed(self) -> None:
        response = self.as_("mem_a").get(VCARD_URL)
        cards = parse_vcards(response.content.decode())
        by_name = {card["FN"][0]: card for card in cards}
        self.assertEqual(set(by_name), {MEMBERS_NAME, PUBLIC_NAME})
        public = by_name[PUBLIC_NAME]
        self.assertEqual(public["VERSION"], ["4.0"])
        self.assertEqual(public["UID"], [f"urn:uuid:{self.public.public_id}"])
        self.assertEqual(public["ORG"], ["Organización A", "Postulante Uno"])
        self.assertEqual(public["TITLE"], ["Directora", "Asesora"])
        self.assertEqual(public["EMAIL"], [PUBLIC_EMAIL])
        self.assertEqual(public["URL"], [f"https://t.me/{PUBLIC_TELEGRAM}"])
        self.assertNotIn("TEL", public)
        members = by_name[MEMBERS_NAME]
        self.assertEqual(members["TEL"], [MEMBERS_PHONE])
        self.assertNotIn("EMAIL", members)
        self.assertNotIn("URL", members)

    def test_coordinators_export_the_same_as_members(self) -> None:
        member = self.as_("mem_a").get(VCARD_URL).content
        for persona in ("coord", "admin"):
            with self.subTest(persona=persona):
                response = self.as_(persona).get(VCARD_URL)
                self.assertEqual(response.content, member)
                for text in [*COORDINATORS_ONLY, ANONYMIZED_NAME, OWN_NAME, OWN_PHONE]:
                    self.assertNotIn(text, response.content.decode())

    def test_special_characters_and_long_lines_survive(self) -> None:
        name = "Ñandú, Pérez; \\ Quispe\n" + "áéíóú " * 20
        person = PersonFactory.create(
            full_name=name, members_listing=True, telegram="@con_arroba", telegram_members=True
        )
        AffiliationFactory.create(person=person, organization=self.org_b, title="Jefa, área; TI")
        text = self.as_("mem_a").get(VCARD_URL).content.decode()
        card = next(c for c in parse_vcards(text) if c["FN"][0].startswith("Ñandú"))
        self.assertEqual(card["FN"], [name])
        self.assertEqual(card["TITLE"], ["Jefa, área; TI"])
        self.assertEqual(card["URL"], ["https://t.me/con_arroba"])


class VcardHelperTests(SimpleTestCase):
    def test_text_values_are_escaped(self) -> None:
        self.assertEqual(exports.vcard_escape("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf")

    def test_lines_fold_at_75_octets_without_splitting_characters(self) -> None:
        line = "FN:" + "ñ" * 100
        folded = exports.vcard_fold(line)
        parts = folded.split("\r\n")
        self.assertGreater(len(parts), 1)
        for part in parts:
            self.assertLessEqual(len(part.encode()), 75)
        self.assertTrue(all(p.startswith(" ") for p in parts[1:]))
        self.assertEqual("".join(p.removeprefix(" ") for p in parts), line)
        self.assertEqual(exports.vcard_fold("FN:corto"), "FN:corto")

    def test_an_empty_export_is_empty(self) -> None:
        self.assertEqual(exports.people_vcard([]), "")
        self.assertEqual(len(exports.people_csv([]).splitlines()), 1)
