"""The main menu: what each role sees, and which item is current."""

from __future__ import annotations

from django import forms
from django.test import RequestFactory, SimpleTestCase
from django.urls import reverse

from minka.core.navigation import nav_items
from minka.core.roles import Role
from minka.core.templatetags.minka_forms import active_filter_count


def _urls(role: Role, path: str = "/") -> list[str]:
    return [item.url for item in nav_items(role, path)]


class NavItemsTests(SimpleTestCase):
    def test_a_visitor_sees_the_public_sections_and_the_sign_in_links(self) -> None:
        urls = _urls(Role.ANONYMOUS)
        self.assertIn(reverse("meetings:meeting-list"), urls)
        self.assertIn(reverse("participation:index"), urls)
        self.assertIn(reverse("account_login"), urls)
        self.assertIn(reverse("account_signup"), urls)
        self.assertNotIn(reverse("accounts:preferences"), urls)
        self.assertNotIn(reverse("directory:invitation-list"), urls)

    def test_a_member_sees_their_account_but_no_coordination_pages(self) -> None:
        urls = _urls(Role.MEMBER)
        self.assertIn(reverse("accounts:preferences"), urls)
        self.assertIn(reverse("directory:mydata"), urls)
        self.assertNotIn(reverse("account_login"), urls)
        self.assertNotIn(reverse("directory:invitation-list"), urls)
        self.assertNotIn(reverse("core:audit-list"), urls)

    def test_a_coordinator_sees_invitations_and_requests_but_not_the_audit_log(self) -> None:
        urls = _urls(Role.COORDINATOR)
        self.assertIn(reverse("directory:invitation-list"), urls)
        self.assertIn(reverse("directory:datarequest-list"), urls)
        self.assertNotIn(reverse("core:audit-list"), urls)

    def test_an_admin_sees_the_audit_log(self) -> None:
        self.assertIn(reverse("core:audit-list"), _urls(Role.ADMIN))

    def test_the_longest_matching_section_is_current(self) -> None:
        """Under /directorio/solicitudes/ the requests item is current, not the directory."""
        requests = reverse("directory:datarequest-list")
        current = [i for i in nav_items(Role.COORDINATOR, requests) if i.current]
        self.assertEqual([(i.url, i.current) for i in current], [(requests, "page")])

    def test_a_page_inside_a_section_marks_the_section_true(self) -> None:
        meetings = reverse("meetings:meeting-list")
        items = nav_items(Role.MEMBER, meetings + "calendario/")
        self.assertEqual([(i.url, i.current) for i in items if i.current], [(meetings, "true")])

    def test_the_home_page_marks_nothing(self) -> None:
        self.assertEqual([i for i in nav_items(Role.MEMBER, "/") if i.current], [])


class _Filters(forms.Form):
    kind = forms.CharField(required=False)
    topic = forms.CharField(required=False)
    year = forms.CharField(required=False)
    regions = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B")])


class ActiveFilterCountTests(SimpleTestCase):
    def test_counts_only_fields_with_a_value(self) -> None:
        query = RequestFactory().get("/", {"kind": "presentation", "topic": " ", "year": "2026"})
        self.assertEqual(active_filter_count(_Filters(query.GET)), 2)

    def test_a_field_with_several_values_counts_once(self) -> None:
        query = RequestFactory().get("/", {"regions": ["a", "b"]})
        self.assertEqual(active_filter_count(_Filters(query.GET)), 1)

    def test_an_unbound_form_has_no_active_filter(self) -> None:
        self.assertEqual(active_filter_count(_Filters()), 0)
