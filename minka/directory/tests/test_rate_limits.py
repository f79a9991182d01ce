"""Limits on the directory's downloads, per account and hour: the whole members' directory
(``directory:export-csv`` and ``-vcard``, one count: ``DIRECTORY_EXPORT_RATE_LIMIT``) and
one's own data (``directory:mydata-export-json`` and ``-csv``, one count:
``DATA_EXPORT_RATE_LIMIT``). Past a limit, the 429 page with ``Retry-After``, and nothing
recorded in the audit log; requests refused before (302, 403) keep their status without
using the count."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from minka.core import ratelimit
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.directory.models import Person

CSV_URL = reverse("directory:export-csv")
VCARD_URL = reverse("directory:export-vcard")
JSON_DATA = reverse("directory:mydata-export-json")
CSV_DATA = reverse("directory:mydata-export-csv")


def exports_logged() -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()


@override_settings(LANGUAGE_CODE="en", DIRECTORY_EXPORT_RATE_LIMIT=3, DATA_EXPORT_RATE_LIMIT=2)
class DirectoryExportRateLimitTests(RoleTestCase):
    def test_the_fourth_download_in_an_hour_is_refused_whatever_the_format(self) -> None:
        client = self.as_("mem_a")
        statuses = [client.get(url).status_code for url in (CSV_URL, VCARD_URL, CSV_URL)]
        refused = client.get(VCARD_URL)
        self.assertEqual(statuses, [200, 200, 200])
        self.assertEqual(refused.status_code, 429)
        self.assertGreaterEqual(int(refused["Retry-After"]), 1)
        self.assertTemplateUsed(refused, "429.html")
        self.assertNotIn("Content-Disposition", refused)
        self.assertEqual(client.get(CSV_URL).status_code, 429)
        self.assertEqual(exports_logged(), 3)  # the refused downloads are not recorded

    def test_another_account_is_not_affected(self) -> None:
        for _ in range(4):
            self.as_("mem_a").get(CSV_URL)
        self.assertEqual(self.as_("mem_a").get(VCARD_URL).status_code, 429)
        for persona in ("mem_b", "coord", "admin"):
            self.assertEqual(self.as_(persona).get(CSV_URL).status_code, 200)

    def test_refused_roles_keep_their_status_and_do_not_count(self) -> None:
        for _ in range(4):
            for url in (CSV_URL, VCARD_URL):
                self.assertEqual(self.as_("anon").get(url).status_code, 302)
                self.assertEqual(self.as_("reg").get(url).status_code, 403)
                self.assertEqual(self.as_("mem_a").post(url).status_code, 405)
        self.assertEqual(exports_logged(), 0)
        self.assertEqual([self.as_("mem_a").get(CSV_URL).status_code for _ in range(3)], [200] * 3)

    def test_the_own_data_downloads_have_a_count_of_their_own(self) -> None:
        client = self.as_("mem_a")
        for _ in range(3):
            client.get(CSV_URL)
        self.assertEqual(client.get(CSV_URL).status_code, 429)
        self.assertEqual(client.get(JSON_DATA).status_code, 200)


@override_settings(LANGUAGE_CODE="en", DATA_EXPORT_RATE_LIMIT=2)
class DataExportRateLimitTests(RoleTestCase):
    def test_the_third_download_in_an_hour_is_refused_whatever_the_format(self) -> None:
        client = self.as_("reg")
        statuses = [client.get(JSON_DATA).status_code, client.get(CSV_DATA).status_code]
        refused = client.get(JSON_DATA)
        self.assertEqual(statuses, [200, 200])
        self.assertEqual(refused.status_code, 429)
        self.assertGreaterEqual(int(refused["Retry-After"]), 1)
        self.assertTemplateUsed(refused, "429.html")
        self.assertEqual(client.get(CSV_DATA).status_code, 429)
        self.assertEqual(exports_logged(), 2)  # the refused downloads are not recorded

    def test_a_refused_download_creates_no_directory_record(self) -> None:
        """The first download creates the user's record: not when it is refused."""
        for _ in range(2):  # the count used up elsewhere (another tab, another device)
            ratelimit.hit("data-export", f"user:{self.reg.pk}", limit=2, window=3600)
        self.assertFalse(Person.objects.filter(user=self.reg).exists())
        self.assertEqual(self.as_("reg").get(JSON_DATA).status_code, 429)
        self.assertFalse(Person.objects.filter(user=self.reg).exists())
        self.assertEqual(exports_logged(), 0)

    def test_another_account_is_not_affected(self) -> None:
        for _ in range(3):
            self.as_("mem_a").get(JSON_DATA)
        self.assertEqual(self.as_("mem_a").get(CSV_DATA).status_code, 429)
        for persona in ("reg", "mem_b", "coord"):
            self.assertEqual(self.as_(persona).get(CSV_DATA).status_code, 200)

    def test_visitors_and_other_methods_are_refused_without_counting(self) -> None:
        for _ in range(3):
            for url in (JSON_DATA, CSV_DATA):
                response = self.as_("anon").get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("account_login"), response["Location"])
                self.assertEqual(self.as_("mem_a").post(url).status_code, 405)
        self.assertEqual(exports_logged(), 0)
        client = self.as_("mem_a")
        self.assertEqual([client.get(JSON_DATA).status_code for _ in range(3)], [200, 200, 429])
