"""The ``minka reindex`` command."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import translation

from minka import search
from minka.directory.tests.factories import OrganizationFactory
from minka.search.models import SearchEntry
from minka.search.tests.test_search import ANONYMOUS, SearchTestCase


class ReindexCommandTests(SearchTestCase):
    def test_rebuilds_the_index_and_reports_count_and_time(self) -> None:
        """Every registered object is indexed again, stale entries go, and the command says
        how many entries it wrote and how long it took."""
        OrganizationFactory.create(name="Uno", description="Telefonía móvil.")
        OrganizationFactory.create(name="Dos", description="Telefonía fija.")
        stale = self.org("Tres", "Telefonía satelital.")
        stale.delete()
        out = StringIO()
        with translation.override("en"):
            call_command("reindex", stdout=out)
        self.assertRegex(out.getvalue(), r"^Indexed 2 entries in \d+\.\d s\.\n$")
        self.assertEqual(SearchEntry.objects.count(), 2)
        titles = [hit.title for hit in search.search("telefonia", user=ANONYMOUS).hits]
        self.assertCountEqual(titles, ["Uno", "Dos"])

    def test_reports_one_entry_in_the_singular(self) -> None:
        """The message agrees with the count."""
        OrganizationFactory.create(name="Uno")
        out = StringIO()
        with translation.override("en"):
            call_command("reindex", stdout=out)
        self.assertRegex(out.getvalue(), r"^Indexed 1 entry in \d+\.\d s\.\n$")
