from __future__ import annotations

from django.urls import reverse

from minka.core.testing import RoleTestCase


class HomeTests(RoleTestCase):
    def test_home_is_spanish_by_default(self) -> None:
        """The home page answers in Spanish to a visitor with no preference."""
        response = self.as_("anon").get(reverse("core:home"))
        self.assertContains(response, '<html lang="es">')


class HealthzTests(RoleTestCase):
    def test_healthz_reports_database_and_pending_tasks(self) -> None:
        response = self.as_("anon").get(reverse("core:healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok", "pending_tasks": 0})
